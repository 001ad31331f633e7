package dev.limiter.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limiter.testkit.DynamoDbLocal;
import dev.limiter.testkit.ManualClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Clients whose clocks are off, on DynamoDB Local: what they admit against the stated bound ({@code
 * C + R·(e + S)/P}, S the spread of the clocks), and the detection from the Date header.
 */
class ClockSkewTest {

  /** 10 tokens a minute: 30 s of skew is worth 5 tokens. */
  private static final List<Limit> LIMITS = List.of(Limit.perMinute("rpm", 10));

  private static final Duration SKEW = Duration.ofSeconds(30);

  private final ManualClock trueTime = ManualClock.at("2026-12-01T10:00:00Z");
  private final DynamoDbClient client = DynamoDbLocal.shared().client();
  private final String table = LimiterTables.create(client);

  @AfterEach
  void close() {
    client.close();
  }

  private RateLimiter limiter(Clock clock) {
    return RateLimiter.builder().client(client).tableName(table).clock(clock).build();
  }

  private static int drain(RateLimiter limiter, String key) {
    int admitted = 0;
    for (int i = 0; i < 100; i++) {
      try {
        limiter.acquire(key, "api", Map.of("rpm", 1L), LIMITS).close();
        admitted++;
      } catch (RateLimitExceededException e) {
        return admitted;
      }
    }
    return admitted;
  }

  @Test
  void aClientBehindHandsItsIdleBurstBackAndOneAheadSeesBucketsFuller() {
    RateLimiter correct = limiter(trueTime);
    RateLimiter behind = limiter(Clock.offset(trueTime, SKEW.negated()));
    RateLimiter ahead = limiter(Clock.offset(trueTime, SKEW));

    // Behind by 30 s on an idle bucket: its burst is dated 30 s early, so 5 of its 10 tokens look
    // refilled.
    int behindFirst = drain(behind, "key-behind") + drain(correct, "key-behind");
    // Ahead by 30 s: the bucket a correct client just emptied looks 30 s refilled.
    int aheadAfter = drain(correct, "key-ahead") + drain(ahead, "key-ahead");
    System.out.printf(
        "limit 10/min, one instant: a client 30 s behind then a correct one admitted %d;"
            + " a correct one then a client 30 s ahead admitted %d (bound C + R·S/P = 15)%n",
        behindFirst, aheadAfter);
    assertThat(behindFirst).isEqualTo(15);
    assertThat(aheadAfter).isEqualTo(15);
  }

  @Test
  void admissionsStayWithinTheBoundForTheSpreadOfTheClocks() {
    List<RateLimiter> clients =
        List.of(
            limiter(trueTime),
            limiter(Clock.offset(trueTime, Duration.ofSeconds(-15))),
            limiter(Clock.offset(trueTime, Duration.ofSeconds(15))));
    Random random = new Random(7);
    int admitted = 0;
    long elapsedMillis = 0;
    for (int step = 0; step < 200; step++) {
      admitted += drain(clients.get(random.nextInt(clients.size())), "key-1");
      long pause = random.nextInt(2) == 0 ? 0 : random.nextInt(20_000);
      trueTime.advance(Duration.ofMillis(pause));
      elapsedMillis += pause;
    }
    // Over e ms: C + R·(e + S)/P with S = 30 s between the most ahead and the most behind.
    double bound = 10 + 10 * (elapsedMillis + 30_000) / 60_000.0;
    double withoutSkew = 10 + 10 * elapsedMillis / 60_000.0;
    System.out.printf(
        "3 clients (-15 s, 0, +15 s) over %d s: admitted %d; bound with skew %.1f, without %.1f%n",
        elapsedMillis / 1000, admitted, bound, withoutSkew);
    assertThat((double) admitted).isLessThanOrEqualTo(bound + 1);
  }

  @Test
  void skewIsDetectedFromTheDateHeaderAndExported() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    RateLimiter ahead =
        RateLimiter.builder()
            .client(client)
            .tableName(table)
            .clock(Clock.offset(Clock.systemUTC(), SKEW))
            .usageListener(new MicrometerUsageListener(registry))
            .build();
    RateLimiter behind = limiter(Clock.offset(Clock.systemUTC(), SKEW.negated()));
    RateLimiter onTime = limiter(Clock.systemUTC());
    assertThat(ahead.clockSkew()).isEmpty();

    ahead.acquire("key-1", "api", Map.of("rpm", 1L), LIMITS).close();
    behind.acquire("key-2", "api", Map.of("rpm", 1L), LIMITS).close();
    onTime.acquire("key-3", "api", Map.of("rpm", 1L), LIMITS).close();

    System.out.printf(
        "estimated skew: ahead %s, behind %s, on time %s%n",
        ahead.clockSkew().orElseThrow(),
        behind.clockSkew().orElseThrow(),
        onTime.clockSkew().orElseThrow());
    assertThat(ahead.clockSkew().orElseThrow())
        .isBetween(Duration.ofSeconds(28), Duration.ofSeconds(32));
    assertThat(behind.clockSkew().orElseThrow())
        .isBetween(Duration.ofSeconds(-32), Duration.ofSeconds(-28));
    assertThat(onTime.clockSkew().orElseThrow().abs()).isLessThan(ClockSkewMonitor.WARN_BEYOND);
    assertThat(registry.get("limiter.clock.skew").tag("table", table).gauge().value())
        .isBetween(28.0, 32.0);
  }
}
