package dev.limiter.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.limiter.testkit.DynamoDbLocal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * A table that accepts connections and never answers (a proxy in front of DynamoDB Local switched
 * to swallow requests): after the first timeout acquires are decided in milliseconds, and the
 * recovery is noticed about a second after the table answers again. Figures are printed; the
 * assertions are generous bounds.
 */
class HangingTableTest {

  private static final List<Limit> LIMITS = List.of(Limit.perMinute("rpm", 1_000));
  private static final Map<String, Long> ONE = Map.of("rpm", 1L);
  private static final int DECISIONS = 200;

  private final SwitchableProxy proxy = new SwitchableProxy(DynamoDbLocal.shared().port());
  // The timeouts fromEnvironment() uses: 1 s per attempt, 3 s per call.
  private final DynamoDbClient client =
      DynamoDbClient.builder()
          .endpointOverride(proxy.endpoint())
          .region(DynamoDbLocal.REGION)
          .credentialsProvider(
              StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
          .overrideConfiguration(
              o ->
                  o.retryStrategy(RetryMode.STANDARD)
                      .apiCallAttemptTimeout(Duration.ofSeconds(1))
                      .apiCallTimeout(Duration.ofSeconds(3)))
          .build();
  private final String table = LimiterTables.create(DynamoDbLocal.shared().inspectionClient());
  private final List<String> events = new CopyOnWriteArrayList<>();

  @AfterEach
  void close() {
    client.close();
    proxy.close();
  }

  private RateLimiter limiter(OnUnavailable policy) {
    return RateLimiter.builder()
        .client(client)
        .tableName(table)
        .onUnavailable(policy)
        .availabilityListener(
            new AvailabilityListener() {
              @Override
              public void onOutage(String tableName, OnUnavailable p, Throwable cause) {
                events.add("outage " + p);
              }

              @Override
              public void onRecovery(String tableName, Duration duration, long failedCalls) {
                events.add("recovery");
              }
            })
        .build();
  }

  @Test
  void blockDecidesInMillisecondsDuringTheOutageAndNoticesTheRecovery() {
    RateLimiter limiter = limiter(OnUnavailable.BLOCK);
    assertThat(limiter.acquire("key-1", "api", ONE, LIMITS).enforced()).isTrue();
    proxy.answering(false);

    long first = System.nanoTime();
    assertThatThrownBy(() -> limiter.acquire("key-1", "api", ONE, LIMITS))
        .isInstanceOf(RateLimiterUnavailableException.class);
    long firstMillis = millisSince(first);
    long slowest = 0;
    for (int i = 0; i < DECISIONS; i++) {
      long start = System.nanoTime();
      assertThatThrownBy(() -> limiter.acquire("key-1", "api", ONE, LIMITS))
          .isInstanceOf(RateLimiterUnavailableException.class);
      slowest = Math.max(slowest, System.nanoTime() - start);
      pause(5);
    }
    long noticed =
        recover(
            () -> {
              try {
                return limiter.acquire("key-1", "api", ONE, LIMITS).enforced();
              } catch (RateLimiterUnavailableException e) {
                return false;
              }
            });
    System.out.printf(
        "BLOCK: first call %d ms (the timeout); slowest of %d decisions during the outage %.2f ms;"
            + " recovery noticed %d ms after the table answered%n",
        firstMillis, DECISIONS, slowest / 1e6, noticed);
    assertThat(firstMillis).as("the first call waits out the timeout").isGreaterThanOrEqualTo(900);
    assertThat(slowest).as("decided without DynamoDB").isLessThan(Duration.ofMillis(500).toNanos());
    assertThat(noticed).isLessThan(5_000);
    assertThat(events).containsExactly("outage BLOCK", "recovery");
  }

  @Test
  void allowAdmitsUnenforcedInMillisecondsDuringTheOutageAndNoticesTheRecovery() {
    RateLimiter limiter = limiter(OnUnavailable.ALLOW);
    assertThat(limiter.acquire("key-1", "api", ONE, LIMITS).enforced()).isTrue();
    proxy.answering(false);

    long first = System.nanoTime();
    assertThat(limiter.acquire("key-1", "api", ONE, LIMITS).enforced()).isFalse();
    long firstMillis = millisSince(first);
    long slowest = 0;
    for (int i = 0; i < DECISIONS; i++) {
      long start = System.nanoTime();
      assertThat(limiter.acquire("key-1", "api", ONE, LIMITS).enforced()).isFalse();
      slowest = Math.max(slowest, System.nanoTime() - start);
      pause(5);
    }
    long noticed = recover(() -> limiter.acquire("key-1", "api", ONE, LIMITS).enforced());
    System.out.printf(
        "ALLOW: first call %d ms (the timeout); slowest of %d decisions during the outage %.2f ms;"
            + " recovery noticed %d ms after the table answered%n",
        firstMillis, DECISIONS, slowest / 1e6, noticed);
    assertThat(firstMillis).isGreaterThanOrEqualTo(900);
    assertThat(slowest).isLessThan(Duration.ofMillis(500).toNanos());
    assertThat(noticed).isLessThan(5_000);
    assertThat(events).containsExactly("outage ALLOW", "recovery");
  }

  /**
   * Lets the table answer again; milliseconds until {@code enforced} reports an enforced acquire.
   */
  private long recover(java.util.function.BooleanSupplier enforced) {
    proxy.answering(true);
    long start = System.nanoTime();
    while (!enforced.getAsBoolean()) {
      assertThat(millisSince(start)).as("recovery noticed").isLessThan(10_000);
      pause(10);
    }
    return millisSince(start);
  }

  private static long millisSince(long start) {
    return (System.nanoTime() - start) / 1_000_000;
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
