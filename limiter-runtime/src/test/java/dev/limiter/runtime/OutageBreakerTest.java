package dev.limiter.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limiter.runtime.OutageBreaker.Permit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The breaker's state machine on a hand-moved time source. */
class OutageBreakerTest {

  private static final long MS = 1_000_000L;

  private final AtomicLong now = new AtomicLong(1_000 * MS);
  private final List<String> events = new ArrayList<>();
  private final OutageBreaker breaker =
      new OutageBreaker(
          "t",
          () -> OnUnavailable.BLOCK,
          new AvailabilityListener() {
            @Override
            public void onOutage(String tableName, OnUnavailable policy, Throwable cause) {
              events.add("outage " + cause.getMessage());
            }

            @Override
            public void onRecovery(String tableName, Duration duration, long failedCalls) {
              events.add(
                  "recovery after "
                      + duration.toMillis()
                      + " ms, "
                      + failedCalls
                      + " failed calls");
            }
          },
          now::get,
          Duration.ofMillis(100),
          Duration.ofMillis(500),
          Duration.ofMillis(500));

  private void advance(long millis) {
    now.addAndGet(millis * MS);
  }

  @Test
  void aClosedBreakerLetsEveryCallThrough() {
    assertThat(breaker.permit()).isEqualTo(Permit.CALL);
    breaker.succeeded();
    assertThat(breaker.isOpen()).isFalse();
    assertThat(breaker.lastFailure()).isNull();
    assertThat(events).isEmpty();
  }

  @Test
  void anOutageFailsFastThenProbesOneAtATimeWithGrowingBackoffAndRecoversOnce() {
    breaker.failed(new RuntimeException("timeout"));
    breaker.failed(new RuntimeException("late timeout")); // a call that was already under way
    assertThat(events).containsExactly("outage timeout");
    assertThat(breaker.lastFailure()).hasMessage("late timeout");

    assertThat(breaker.permit()).isEqualTo(Permit.FAIL_FAST);
    advance(99);
    assertThat(breaker.permit()).isEqualTo(Permit.FAIL_FAST);
    advance(1);
    assertThat(breaker.permit()).as("the window is over: one probe").isEqualTo(Permit.PROBE);
    assertThat(breaker.permit()).as("while it runs, no second").isEqualTo(Permit.FAIL_FAST);

    breaker.probeFailed(new RuntimeException("still down"));
    assertThat(breaker.lastFailure()).hasMessage("still down");
    advance(199);
    assertThat(breaker.permit()).as("back-off doubled to 200 ms").isEqualTo(Permit.FAIL_FAST);
    advance(1);
    assertThat(breaker.permit()).isEqualTo(Permit.PROBE);
    breaker.probeFailed(new RuntimeException("still down"));
    advance(400);
    assertThat(breaker.permit()).isEqualTo(Permit.PROBE);
    breaker.probeFailed(new RuntimeException("still down"));
    advance(499);
    assertThat(breaker.permit()).as("capped at 500 ms").isEqualTo(Permit.FAIL_FAST);
    advance(1);
    assertThat(breaker.permit()).isEqualTo(Permit.PROBE);

    advance(5);
    breaker.probeSucceeded();
    assertThat(breaker.isOpen()).isFalse();
    assertThat(breaker.permit()).isEqualTo(Permit.CALL);
    breaker.succeeded();
    assertThat(events).containsExactly("outage timeout", "recovery after 1205 ms, 11 failed calls");
  }

  @Test
  void aCallThatSucceedsDuringTheOutageEndsItAndALateProbeResultChangesNothing() {
    breaker.failed(new RuntimeException("refused"));
    breaker.succeeded();
    breaker.probeFailed(new RuntimeException("late probe"));
    breaker.probeSucceeded();
    assertThat(breaker.isOpen()).isFalse();
    assertThat(events).containsExactly("outage refused", "recovery after 0 ms, 1 failed calls");
  }

  @Test
  void aProbeThatNeverReportsIsReplaced() {
    breaker.failed(new RuntimeException("timeout"));
    advance(100);
    assertThat(breaker.permit()).isEqualTo(Permit.PROBE);
    advance(1_999);
    assertThat(breaker.permit()).isEqualTo(Permit.FAIL_FAST);
    advance(1);
    assertThat(breaker.permit()).as("four probe timeouts without a report").isEqualTo(Permit.PROBE);
  }

  @Test
  void aSecondOutageStartsAgainFromTheFirstBackoff() {
    breaker.failed(new RuntimeException("first"));
    advance(100);
    breaker.permit();
    breaker.probeFailed(new RuntimeException("still"));
    breaker.succeeded();
    breaker.failed(new RuntimeException("second"));
    advance(100);
    assertThat(breaker.permit()).isEqualTo(Permit.PROBE);
    assertThat(events)
        .containsExactly("outage first", "recovery after 100 ms, 2 failed calls", "outage second");
  }
}
