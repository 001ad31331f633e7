package dev.limiter.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.limiter.testkit.ConsumedCapacityRecorder;
import dev.limiter.testkit.DynamoDbLocal;
import dev.limiter.testkit.ManualClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** A key refused with an exact retryAfter is refused here until then, without a DynamoDB call. */
class LocalRejectionTest {

  /** 10 tokens a minute: one token is 6 s of bucket time. */
  private static final List<Limit> LIMITS = List.of(Limit.perMinute("rpm", 10));

  private final ConsumedCapacityRecorder recorder = new ConsumedCapacityRecorder();
  private final ManualClock clock = ManualClock.at("2026-12-01T10:00:00Z");
  private final DynamoDbClient client = DynamoDbLocal.shared().client(recorder);
  private final String table = LimiterTables.create(client);
  private final RateLimiter limiter =
      RateLimiter.builder().client(client).tableName(table).clock(clock).build();

  @AfterEach
  void close() {
    client.close();
  }

  private RateLimitExceededException refused(long tokens) {
    return catchThrowableOfType(
        RateLimitExceededException.class,
        () -> limiter.acquire("key-1", "api", Map.of("rpm", tokens), LIMITS));
  }

  @Test
  void repeatedRejectionsCostNoCallUntilTheRetryAfterAndAreExact() {
    limiter.acquire("key-1", "api", Map.of("rpm", 10L), LIMITS).close();
    recorder.reset();
    RateLimitExceededException first = refused(1);
    assertThat(first.retryAfter()).isEqualTo(Duration.ofSeconds(6));
    assertThat(recorder.writeUnits()).as("the refusal DynamoDB decided").isEqualTo(1.0);

    recorder.reset();
    for (int i = 0; i < 20; i++) {
      assertThat(refused(1).retryAfter()).isEqualTo(Duration.ofSeconds(6));
    }
    clock.advance(Duration.ofSeconds(4));
    assertThat(refused(1).retryAfter())
        .as("exact, as DynamoDB's old item would say")
        .isEqualTo(Duration.ofSeconds(2));
    System.out.printf(
        "21 repeated rejections: %d DynamoDB calls, %.1f WCU%n",
        recorder.totalCalls(), recorder.writeUnits());
    assertThat(recorder.totalCalls()).isZero();
    assertThat(recorder.writeUnits()).isZero();

    clock.advance(Duration.ofSeconds(2));
    assertThat(limiter.acquire("key-1", "api", Map.of("rpm", 1L), LIMITS).enforced())
        .as("admitted on time")
        .isTrue();
    assertThat(recorder.calls("UpdateItem")).isEqualTo(1);
  }

  @Test
  void aRefusalForNTokensRefusesLocallyOnlyWhatCannotFit() {
    limiter.acquire("key-1", "api", Map.of("rpm", 8L), LIMITS).close();
    assertThat(refused(5).retryAfter()).isEqualTo(Duration.ofSeconds(18));
    recorder.reset();

    assertThat(refused(5).retryAfter()).isEqualTo(Duration.ofSeconds(18));
    assertThat(refused(3).retryAfter())
        .as("smaller, still does not fit")
        .isEqualTo(Duration.ofSeconds(6));
    assertThat(recorder.totalCalls()).isZero();

    assertThat(limiter.acquire("key-1", "api", Map.of("rpm", 2L), LIMITS).enforced())
        .as("fits: sent to DynamoDB")
        .isTrue();
    assertThat(recorder.calls("UpdateItem")).isEqualTo(1);
  }

  @Test
  void aRefundThisProcessWritesEndsTheLocalRefusal() {
    Lease lease = limiter.acquire("key-1", "api", Map.of("rpm", 10L), LIMITS);
    refused(1);
    lease.rollback();
    recorder.reset();
    assertThat(limiter.acquire("key-1", "api", Map.of("rpm", 1L), LIMITS).enforced()).isTrue();
    assertThat(recorder.calls("UpdateItem")).isEqualTo(1);
  }

  @Test
  void aCascadingAcquireRefusedByTheParentDoesNotWriteTheChildAgain() {
    limiter.entities().createEntity("project", null, false);
    limiter.entities().createEntity("key-2", "project", true);
    limiter.limits().set(new LimitScope.Entity("project"), List.of(Limit.perMinute("rpm", 1)));
    limiter.acquire("key-2", "api", Map.of("rpm", 1L), LIMITS).close();
    catchThrowableOfType(
        RateLimitExceededException.class,
        () -> limiter.acquire("key-2", "api", Map.of("rpm", 1L), LIMITS));
    recorder.reset();

    RateLimitExceededException again =
        catchThrowableOfType(
            RateLimitExceededException.class,
            () -> limiter.acquire("key-2", "api", Map.of("rpm", 1L), LIMITS));
    assertThat(again.violations()).extracting(Violation::entityId).containsExactly("project");
    assertThat(recorder.calls("UpdateItem")).as("neither side written, nothing to refund").isZero();
  }
}
