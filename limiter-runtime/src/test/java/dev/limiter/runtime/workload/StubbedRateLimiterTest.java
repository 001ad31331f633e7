package dev.limiter.runtime.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.limiter.runtime.Entities;
import dev.limiter.runtime.Lease;
import dev.limiter.runtime.Limit;
import dev.limiter.runtime.OnUnavailable;
import dev.limiter.runtime.RateLimitExceededException;
import dev.limiter.runtime.RateLimiter;
import dev.limiter.runtime.StoredLimits;
import dev.limiter.runtime.Violation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * A workload's own test, with {@link RateLimiter} stubbed instead of a table: the code under test
 * takes the interface and gets a hand-written implementation. Outside the runtime's package, so
 * only the public API is used.
 */
class StubbedRateLimiterTest {

  private static final List<Limit> LIMITS = List.of(Limit.perMinute("rpm", 60));

  private final List<String> calls = new ArrayList<>();

  @Test
  void aStubbedRefusalDrivesTheWorkloadsTooManyRequestsAnswer() {
    Violation exhausted =
        new Violation("key-1", "llm-api", "rpm", 60, 0, 1, Duration.ofSeconds(30));
    ChatEndpoint endpoint =
        new ChatEndpoint(
            stub(
                () -> {
                  throw new RateLimitExceededException(List.of(exhausted));
                }));

    assertThat(endpoint.handle("key-1", () -> "answer")).isEqualTo("429 Retry-After: 30");
    assertThat(calls).containsExactly("acquire key-1/llm-api {rpm=1} [rpm]");
  }

  @Test
  void withLeaseOnAStubRunsTheBodyAndClosesTheLease() {
    ChatEndpoint endpoint = new ChatEndpoint(stub(() -> new RecordingLease(calls)));

    assertThat(endpoint.handle("key-1", () -> "answer")).isEqualTo("answer");
    assertThat(calls).containsExactly("acquire key-1/llm-api {rpm=1} [rpm]", "close");
  }

  @Test
  void withLeaseOnAStubRollsTheLeaseBackWhenTheBodyFails() {
    ChatEndpoint endpoint = new ChatEndpoint(stub(() -> new RecordingLease(calls)));
    IllegalStateException modelDown = new IllegalStateException("model down");

    assertThatThrownBy(
            () ->
                endpoint.handle(
                    "key-1",
                    () -> {
                      throw modelDown;
                    }))
        .isSameAs(modelDown);
    assertThat(calls).containsExactly("acquire key-1/llm-api {rpm=1} [rpm]", "rollback");
  }

  /**
   * What a workload writes: one model call per request, answered with HTTP 429 when over the limit.
   */
  private record ChatEndpoint(RateLimiter limiter) {
    String handle(String apiKey, Supplier<String> model) {
      try {
        return limiter.withLease(
            apiKey, "llm-api", Map.of("rpm", 1L), LIMITS, lease -> model.get());
      } catch (RateLimitExceededException e) {
        return "429 Retry-After: " + e.httpHeaders().get("Retry-After");
      }
    }
  }

  /**
   * A limiter whose acquires answer with {@code answer} (a lease, or a thrown refusal); nothing
   * else is stubbed.
   */
  private RateLimiter stub(Supplier<Lease> answer) {
    return new RateLimiter() {
      @Override
      public Lease acquire(
          String entityId, String resource, Map<String, Long> consume, List<Limit> limits) {
        calls.add(
            "acquire "
                + entityId
                + "/"
                + resource
                + " "
                + consume
                + " "
                + limits.stream().map(Limit::name).toList());
        return answer.get();
      }

      @Override
      public Lease acquire(String entityId, String resource, Map<String, Long> consume) {
        throw new UnsupportedOperationException("not stubbed");
      }

      @Override
      public CompletableFuture<Lease> acquireAsync(
          String entityId, String resource, Map<String, Long> consume, List<Limit> limits) {
        throw new UnsupportedOperationException("not stubbed");
      }

      @Override
      public CompletableFuture<Lease> acquireAsync(
          String entityId, String resource, Map<String, Long> consume) {
        throw new UnsupportedOperationException("not stubbed");
      }

      @Override
      public Map<String, Long> available(String entityId, String resource, List<Limit> limits) {
        throw new UnsupportedOperationException("not stubbed");
      }

      @Override
      public Duration timeUntilAvailable(
          String entityId, String resource, Map<String, Long> needed, List<Limit> limits) {
        throw new UnsupportedOperationException("not stubbed");
      }

      @Override
      public Entities entities() {
        throw new UnsupportedOperationException("not stubbed");
      }

      @Override
      public StoredLimits limits() {
        throw new UnsupportedOperationException("not stubbed");
      }

      @Override
      public Optional<Duration> clockSkew() {
        return Optional.empty();
      }

      @Override
      public String tableName() {
        return "stub";
      }

      @Override
      public OnUnavailable onUnavailable() {
        return OnUnavailable.BLOCK;
      }

      @Override
      public void close() {
        // A stub holds no clients.
      }
    };
  }

  /** A lease that records what is done to it. */
  private record RecordingLease(List<String> calls) implements Lease {
    @Override
    public Map<String, Long> consumed() {
      return Map.of("rpm", 1L);
    }

    @Override
    public void adjust(Map<String, Long> deltas) {
      calls.add("adjust " + deltas);
    }

    @Override
    public void rollback() {
      calls.add("rollback");
    }

    @Override
    public boolean enforced() {
      return true;
    }

    @Override
    public void close() {
      calls.add("close");
    }
  }
}
