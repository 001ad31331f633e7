package dev.limiter.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.limiter.testkit.DynamoDbLocal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** Stops this test's own DynamoDB Local server mid-run and starts it again. */
class UnavailabilityTest {

  private static final List<Limit> LIMITS = List.of(Limit.perMinute("rpm", 100));
  private static final Map<String, Long> ONE = Map.of("rpm", 1L);

  private final RecordingListener listener = new RecordingListener();
  private DynamoDbLocal server;
  private DynamoDbClient client;
  private DynamoDbAsyncClient asyncClient;
  private String table;

  @BeforeEach
  void start() {
    server = DynamoDbLocal.start();
    client = server.client();
    asyncClient = server.asyncClient();
    table = LimiterTables.create(client);
  }

  @AfterEach
  void stop() {
    client.close();
    asyncClient.close();
    server.close();
  }

  private RateLimiter limiter(OnUnavailable policy) {
    return RateLimiter.builder()
        .client(client)
        .asyncClient(asyncClient)
        .tableName(table)
        .onUnavailable(policy)
        .availabilityListener(listener)
        .build();
  }

  @Test
  void blockFailsClosedLogsOnceAndRecovers() {
    RateLimiter limiter = limiter(OnUnavailable.BLOCK);
    limiter.acquire("key-1", "api", ONE, LIMITS);
    Lease open = limiter.acquire("key-1", "api", ONE, LIMITS);
    open.adjust(Map.of("rpm", 5L));

    server.stop();
    for (int i = 0; i < 3; i++) {
      assertThatThrownBy(() -> limiter.acquire("key-1", "api", ONE, LIMITS))
          .isInstanceOf(RateLimiterUnavailableException.class)
          .hasMessageContaining(table)
          .hasCauseInstanceOf(SdkClientException.class);
    }
    assertThatThrownBy(() -> limiter.acquireAsync("key-1", "api", ONE, LIMITS).join())
        .isInstanceOf(CompletionException.class)
        .cause()
        .isInstanceOf(RateLimiterUnavailableException.class);
    assertThatThrownBy(() -> limiter.available("key-1", "api", LIMITS))
        .isInstanceOf(RateLimiterUnavailableException.class);
    assertThatThrownBy(open::close).isInstanceOf(RateLimiterUnavailableException.class);
    assertThat(listener.events).containsExactly("outage BLOCK");

    server.restart();
    // The in-memory database starts empty: a missing table still counts as unavailable (the probes
    // say so).
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                assertThatThrownBy(() -> limiter.acquire("key-1", "api", ONE, LIMITS))
                    .isInstanceOf(RateLimiterUnavailableException.class)
                    .hasMessageContaining("non-existent table"));
    client.createTable(LimiterTableSchema.createTableRequest(table, BillingSettings.onDemand()));
    await()
        .atMost(Duration.ofSeconds(5))
        .ignoreExceptions()
        .until(() -> limiter.acquire("key-1", "api", ONE, LIMITS).enforced());
    assertThat(listener.events).containsExactly("outage BLOCK", "recovery");
    assertThat(listener.failedCalls)
        .as("every call refused during the outage")
        .hasValueGreaterThanOrEqualTo(7);
  }

  @Test
  void allowFailsOpenWithUnenforcedLeasesAndLogsOnce() {
    RateLimiter limiter = limiter(OnUnavailable.ALLOW);
    Lease open = limiter.acquire("key-1", "api", ONE, LIMITS);
    open.adjust(Map.of("rpm", 5L));

    server.stop();
    for (int i = 0; i < 3; i++) {
      Lease lease = limiter.acquire("key-1", "api", ONE, LIMITS);
      assertThat(lease.enforced()).isFalse();
      assertThat(lease.consumed()).isEmpty();
      lease.adjust(Map.of("rpm", 10L));
      lease.rollback();
      lease.close();
    }
    assertThat(limiter.acquireAsync("key-1", "api", ONE, LIMITS).join().enforced()).isFalse();
    assertThat(limiter.available("key-1", "api", LIMITS)).containsExactly(Map.entry("rpm", 100L));
    assertThat(limiter.timeUntilAvailable("key-1", "api", ONE, LIMITS)).isEqualTo(Duration.ZERO);
    open.close();
    // Validation still applies while failing open.
    assertThatThrownBy(() -> limiter.acquire("key-1", "api", Map.of("rpm", 0L), LIMITS))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(listener.events).containsExactly("outage ALLOW");

    server.restart();
    client.createTable(LimiterTableSchema.createTableRequest(table, BillingSettings.onDemand()));
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> limiter.acquire("key-1", "api", ONE, LIMITS).enforced());
    assertThat(listener.events).containsExactly("outage ALLOW", "recovery");
    assertThat(listener.failedCalls).hasValueGreaterThanOrEqualTo(7);
  }

  private static final class RecordingListener implements AvailabilityListener {
    final List<String> events = new CopyOnWriteArrayList<>();
    final AtomicLong failedCalls = new AtomicLong();

    @Override
    public void onOutage(String tableName, OnUnavailable policy, Throwable cause) {
      events.add("outage " + policy);
    }

    @Override
    public void onRecovery(String tableName, Duration duration, long failedCalls) {
      events.add("recovery");
      this.failedCalls.set(failedCalls);
    }
  }
}
