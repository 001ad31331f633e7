package dev.limiter.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.limiter.testkit.DynamoDbLocal;
import dev.limiter.testkit.ManualClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** The acquire engine against DynamoDB Local, with a hand-moved clock. */
class RateLimiterTest {

  private static final Limit RPM = Limit.perMinute("rpm", 60);
  private static final Limit TPM = Limit.perMinute("tpm", 10_000);
  private static final List<Limit> LLM = List.of(RPM, TPM);

  private static DynamoDbClient client;
  private static DynamoDbAsyncClient asyncClient;

  private final ManualClock clock = ManualClock.at("2026-11-22T10:00:00.123456789Z");
  private RateLimiter limiter;
  private String table;

  @BeforeAll
  static void clients() {
    client = DynamoDbLocal.shared().client();
    asyncClient = DynamoDbLocal.shared().asyncClient();
  }

  @AfterAll
  static void closeClients() {
    client.close();
    asyncClient.close();
  }

  @BeforeEach
  void table() {
    table = LimiterTables.create(client);
    limiter = RateLimiter.builder().client(client).tableName(table).clock(clock).build();
  }

  @Test
  void admitsTheBurstThenRejectsWithTheExactRetryAfter() {
    Limit limit = Limit.perSecond("rps", 10).withBurst(20);
    for (int i = 0; i < 20; i++) {
      limiter.acquire("key-1", "api", Map.of("rps", 1L), List.of(limit)).close();
    }
    RateLimitExceededException rejected =
        catchThrowableOfType(
            RateLimitExceededException.class,
            () -> limiter.acquire("key-1", "api", Map.of("rps", 1L), List.of(limit)));
    assertThat(rejected.retryAfter()).isEqualTo(Duration.ofMillis(100));
    assertThat(rejected.violations())
        .containsExactly(new Violation("key-1", "api", "rps", 20, 0, 1, Duration.ofMillis(100)));

    clock.advance(Duration.ofMillis(30));
    RateLimitExceededException later =
        catchThrowableOfType(
            RateLimitExceededException.class,
            () -> limiter.acquire("key-1", "api", Map.of("rps", 3L), List.of(limit)));
    assertThat(later.retryAfter()).isEqualTo(Duration.ofMillis(270));
    assertThat(later.httpHeaders())
        .containsExactly(
            Map.entry("Retry-After", "1"), Map.entry("RateLimit-Limit", "20"),
            Map.entry("RateLimit-Remaining", "0"), Map.entry("RateLimit-Reset", "1"));
  }

  @Test
  void refillsAfterWaiting() {
    Limit limit = Limit.perSecond("rps", 10);
    for (int i = 0; i < 10; i++) {
      limiter.acquire("key-1", "api", Map.of("rps", 1L), List.of(limit));
    }
    assertThatThrownBy(() -> limiter.acquire("key-1", "api", Map.of("rps", 1L), List.of(limit)))
        .isInstanceOf(RateLimitExceededException.class);

    clock.advance(Duration.ofMillis(500));
    assertThat(limiter.available("key-1", "api", List.of(limit)))
        .containsExactly(Map.entry("rps", 5L));
    for (int i = 0; i < 5; i++) {
      limiter.acquire("key-1", "api", Map.of("rps", 1L), List.of(limit));
    }
    assertThatThrownBy(() -> limiter.acquire("key-1", "api", Map.of("rps", 1L), List.of(limit)))
        .isInstanceOf(RateLimitExceededException.class);

    clock.advance(Duration.ofHours(1));
    assertThat(limiter.available("key-1", "api", List.of(limit)))
        .containsExactly(Map.entry("rps", 10L));
    limiter.acquire("key-1", "api", Map.of("rps", 10L), List.of(limit));
  }

  @Test
  void onlyTheExhaustedLimitIsReportedAndNothingIsConsumed() {
    limiter.acquire("key-1", "llm", Map.of("rpm", 1L, "tpm", 9_000L), LLM);
    RateLimitExceededException rejected =
        catchThrowableOfType(
            RateLimitExceededException.class,
            () -> limiter.acquire("key-1", "llm", Map.of("rpm", 1L, "tpm", 2_000L), LLM));
    assertThat(rejected.violations())
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.limitName()).isEqualTo("tpm");
              assertThat(v.available()).isEqualTo(1_000);
              assertThat(v.requested()).isEqualTo(2_000);
              assertThat(v.capacity()).isEqualTo(10_000);
              assertThat(v.retryAfter()).isEqualTo(Duration.ofSeconds(6));
            });
    assertThat(limiter.available("key-1", "llm", LLM))
        .containsExactly(Map.entry("rpm", 59L), Map.entry("tpm", 1_000L));
    // Buckets are per entity and per resource.
    assertThat(limiter.available("key-2", "llm", LLM))
        .containsExactly(Map.entry("rpm", 60L), Map.entry("tpm", 10_000L));
    assertThat(limiter.available("key-1", "other", LLM))
        .containsExactly(Map.entry("rpm", 60L), Map.entry("tpm", 10_000L));
  }

  @Test
  void adjustPushesIntoDebtAndRefunds() {
    try (Lease lease = limiter.acquire("key-1", "llm", Map.of("rpm", 1L, "tpm", 1_000L), LLM)) {
      lease.adjust(Map.of("tpm", 14_000L));
      assertThat(lease.consumed()).containsEntry("tpm", 15_000L).containsEntry("rpm", 1L);
    }
    assertThat(limiter.available("key-1", "llm", LLM)).containsEntry("tpm", -5_000L);
    assertThat(limiter.timeUntilAvailable("key-1", "llm", Map.of("tpm", 1_000L), LLM))
        .isEqualTo(Duration.ofSeconds(36));
    assertThatCode(() -> limiter.acquire("key-1", "llm", Map.of("rpm", 1L), LLM))
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> limiter.acquire("key-1", "llm", Map.of("tpm", 1L), LLM))
        .isInstanceOf(RateLimitExceededException.class);

    try (Lease lease = limiter.acquire("key-1", "llm", Map.of("rpm", 1L), LLM)) {
      // A lease gives back only what it took: this one took no tpm.
      assertThatThrownBy(() -> lease.adjust(Map.of("tpm", -7_000L)))
          .isInstanceOf(IllegalArgumentException.class);
      lease.adjust(Map.of("rpm", -1L, "tpm", 0L));
    }
    assertThat(limiter.available("key-1", "llm", LLM))
        .containsEntry("tpm", -5_000L)
        .containsEntry("rpm", 58L);
  }

  @Test
  void refundsNeverRaiseABucketAboveCapacity() {
    try (Lease lease = limiter.acquire("key-1", "llm", Map.of("tpm", 100L), LLM)) {
      assertThatThrownBy(() -> lease.adjust(Map.of("tpm", -5_000L)))
          .isInstanceOf(IllegalArgumentException.class);
      lease.adjust(Map.of("tpm", -100L));
    }
    assertThat(limiter.available("key-1", "llm", LLM)).containsEntry("tpm", 10_000L);
  }

  @Test
  void withLeaseRollsBackWhenTheBodyThrows() {
    IllegalStateException failure = new IllegalStateException("upstream failed");
    assertThatThrownBy(
            () ->
                limiter.withLease(
                    "key-1",
                    "llm",
                    Map.of("rpm", 5L, "tpm", 500L),
                    LLM,
                    lease -> {
                      lease.adjust(Map.of("tpm", 2_000L));
                      throw failure;
                    }))
        .isSameAs(failure);
    assertThat(limiter.available("key-1", "llm", LLM))
        .containsExactly(Map.entry("rpm", 60L), Map.entry("tpm", 10_000L));

    String answer =
        limiter.withLease(
            "key-1",
            "llm",
            Map.of("rpm", 1L, "tpm", 500L),
            LLM,
            lease -> {
              lease.adjust(Map.of("tpm", 250L));
              return "ok";
            });
    assertThat(answer).isEqualTo("ok");
    assertThat(limiter.available("key-1", "llm", LLM))
        .containsExactly(Map.entry("rpm", 59L), Map.entry("tpm", 9_250L));
  }

  @Test
  void leaseStatesAreEnforced() {
    Lease lease = limiter.acquire("key-1", "llm", Map.of("rpm", 1L), LLM);
    assertThat(lease.enforced()).isTrue();
    assertThatThrownBy(() -> lease.adjust(Map.of("other", 1L)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown limit 'other'");
    lease.rollback();
    lease.rollback();
    assertThat(lease.consumed()).isEmpty();
    assertThatThrownBy(() -> lease.adjust(Map.of("rpm", 1L)))
        .isInstanceOf(IllegalStateException.class);
    lease.close();
    assertThat(limiter.available("key-1", "llm", LLM)).containsEntry("rpm", 60L);

    Lease closed = limiter.acquire("key-1", "llm", Map.of("rpm", 1L), LLM);
    closed.close();
    closed.close();
    assertThatThrownBy(closed::rollback)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void asyncPathsBehaveLikeTheSyncPath() {
    RateLimiter asyncOnly =
        RateLimiter.builder().asyncClient(asyncClient).tableName(table).clock(clock).build();
    Limit limit = Limit.perSecond("rps", 4);
    for (int i = 0; i < 4; i++) {
      asyncOnly.acquireAsync("key-1", "api", Map.of("rps", 1L), List.of(limit)).join();
    }
    assertThatThrownBy(
            () -> asyncOnly.acquireAsync("key-1", "api", Map.of("rps", 1L), List.of(limit)).join())
        .isInstanceOf(CompletionException.class)
        .cause()
        .isInstanceOf(RateLimitExceededException.class);
    // The sync API on an async-only limiter, and the async API on a sync-only one, share the
    // bucket.
    assertThatThrownBy(() -> asyncOnly.acquire("key-1", "api", Map.of("rps", 1L), List.of(limit)))
        .isInstanceOf(RateLimitExceededException.class);
    clock.advance(Duration.ofSeconds(1));
    Lease lease = limiter.acquireAsync("key-1", "api", Map.of("rps", 2L), List.of(limit)).join();
    assertThat(lease.consumed()).containsEntry("rps", 2L);
    lease.rollback();
    assertThat(asyncOnly.available("key-1", "api", List.of(limit))).containsEntry("rps", 4L);
  }

  @Test
  void timeUntilAvailableIsExact() {
    Limit limit = Limit.of("odd", 5, 7, Duration.ofSeconds(3));
    limiter.acquire("key-1", "api", Map.of("odd", 5L), List.of(limit));
    Duration wait = limiter.timeUntilAvailable("key-1", "api", Map.of("odd", 2L), List.of(limit));
    assertThat(wait).isEqualTo(Duration.ofNanos(857_142_858));
    clock.advance(wait.minusNanos(1));
    assertThatThrownBy(() -> limiter.acquire("key-1", "api", Map.of("odd", 2L), List.of(limit)))
        .isInstanceOf(RateLimitExceededException.class);
    clock.advance(Duration.ofNanos(1));
    assertThat(limiter.timeUntilAvailable("key-1", "api", Map.of("odd", 2L), List.of(limit)))
        .isZero();
    limiter.acquire("key-1", "api", Map.of("odd", 2L), List.of(limit));
  }

  @Test
  void changingALimitKeepsTheBucketTime() {
    limiter.acquire("key-1", "api", Map.of("rpm", 30L), List.of(RPM));
    // Doubling the rate halves the time the same consumption represents in tokens of the new rate.
    Limit doubled = Limit.perMinute("rpm", 120);
    assertThat(limiter.available("key-1", "api", List.of(doubled))).containsEntry("rpm", 60L);
  }
}
