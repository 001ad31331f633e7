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
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * DynamoDB throttling one hot key (reproduced by an interceptor that answers as a throttled
 * partition would after the SDK's retries) is a refusal for that key, not an outage.
 */
class ThrottlingTest {

  private static final List<Limit> LIMITS = List.of(Limit.perMinute("rpm", 100));
  private static final Map<String, Long> ONE = Map.of("rpm", 1L);

  private final RecordingListener listener = new RecordingListener();
  private final HotKeyThrottler throttler = new HotKeyThrottler();
  private final DynamoDbClient client = DynamoDbLocal.shared().client(throttler);
  private final DynamoDbAsyncClient asyncClient = DynamoDbLocal.shared().asyncClient(throttler);
  private final String table = LimiterTables.create(client);

  @AfterEach
  void close() {
    client.close();
    asyncClient.close();
  }

  /**
   * A limiter that has answered once: a DynamoDB Local slowed by a loaded machine would otherwise
   * fail open here.
   */
  private RateLimiter limiter(CascadeMode mode) {
    RateLimiter limiter =
        RateLimiter.builder()
            .client(client)
            .asyncClient(asyncClient)
            .tableName(table)
            .onUnavailable(OnUnavailable.ALLOW)
            .availabilityListener(listener)
            .cascadeMode(mode)
            .build();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> limiter.acquire("warm-up", "api", ONE, LIMITS).enforced());
    listener.events.clear();
    return limiter;
  }

  @Test
  void aThrottledKeyIsRefusedWithRetryAfterWhileOtherKeysStayEnforced() {
    RateLimiter limiter = limiter(CascadeMode.PARALLEL);
    throttler.hotPartition = "E#hot";

    assertThatThrownBy(() -> limiter.acquire("hot", "api", ONE, LIMITS))
        .isInstanceOf(BucketThrottledException.class)
        .isInstanceOf(RateLimitExceededException.class)
        .satisfies(
            e -> {
              RateLimitExceededException refusal = (RateLimitExceededException) e;
              assertThat(refusal.retryAfter()).isEqualTo(BucketThrottledException.RETRY_AFTER);
              assertThat(refusal.httpHeaders()).containsEntry("Retry-After", "1");
              assertThat(refusal.violations()).isEmpty();
            });
    assertThatThrownBy(() -> limiter.acquireAsync("hot", "api", ONE, LIMITS).join())
        .isInstanceOf(CompletionException.class)
        .cause()
        .isInstanceOf(BucketThrottledException.class);
    assertThat(limiter.acquire("cold", "api", ONE, LIMITS).enforced()).isTrue();
    assertThat(listener.events).as("throttling is no outage").isEmpty();
  }

  @Test
  void aThrottledParentRefusesTheCascadingAcquireAndTheChildIsRefunded() {
    RateLimiter limiter = limiter(CascadeMode.PARALLEL);
    limiter.entities().createEntity("project", null, false);
    limiter.entities().createEntity("key", "project", true);
    limiter.limits().set(new LimitScope.Entity("project"), LIMITS);
    throttler.hotPartition = "E#project";

    assertThatThrownBy(() -> limiter.acquire("key", "api", ONE, LIMITS))
        .isInstanceOf(BucketThrottledException.class);
    throttler.hotPartition = null;
    assertThat(limiter.available("key", "api", LIMITS))
        .as("the child's take was given back")
        .containsEntry("rpm", 100L);
    assertThat(listener.events).isEmpty();
  }

  @Test
  void aChildRefundThatIsThrottledTooIsReportedAsNotWritten() {
    List<String> unwritten = new CopyOnWriteArrayList<>();
    RateLimiter limiter =
        RateLimiter.builder()
            .client(client)
            .asyncClient(asyncClient)
            .tableName(table)
            .onUnavailable(OnUnavailable.ALLOW)
            .availabilityListener(listener)
            .usageListener(
                new UsageListener() {
                  @Override
                  public void onAdjustmentNotWritten(
                      String entityId, String resource, Map<String, Long> deltas, Throwable cause) {
                    unwritten.add(entityId + " " + deltas + " " + cause.getClass().getSimpleName());
                  }
                })
            .build();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> limiter.acquire("warm-up", "api", ONE, LIMITS).enforced());
    listener.events.clear();
    limiter.entities().createEntity("project", null, false);
    limiter.entities().createEntity("key", "project", true);
    limiter.limits().set(new LimitScope.Entity("project"), LIMITS);
    throttler.hotPartition = "E#project";
    throttler.cancelTransactions(
        "ThrottlingError", 1); // the child's refund, a one-item transaction

    assertThatThrownBy(() -> limiter.acquire("key", "api", ONE, LIMITS))
        .isInstanceOf(BucketThrottledException.class);
    throttler.hotPartition = null;
    assertThat(unwritten).containsExactly("key {rpm=-1} TransactionCanceledException");
    assertThat(limiter.available("key", "api", LIMITS))
        .as("the child's take stayed")
        .containsEntry("rpm", 99L);
    assertThat(listener.events).isEmpty();
  }

  @Test
  void aThrottledTransactionIsARefusalAndIsNotRetried() {
    RateLimiter limiter = limiter(CascadeMode.TRANSACTION);
    limiter.entities().createEntity("project", null, false);
    limiter.entities().createEntity("key", "project", true);
    limiter.limits().set(new LimitScope.Entity("project"), LIMITS);
    throttler.cancelTransactions("ThrottlingError", 100);
    throttler.transactions.set(0);

    assertThatThrownBy(() -> limiter.acquire("key", "api", ONE, LIMITS))
        .isInstanceOf(BucketThrottledException.class);
    assertThat(throttler.transactions.getAndSet(0))
        .as("throttling is not retried by the limiter")
        .isEqualTo(1);
    assertThat(listener.events).isEmpty();

    throttler.cancelTransactions("ProvisionedThroughputExceeded", 100);
    assertThatThrownBy(() -> limiter.acquire("key", "api", ONE, LIMITS))
        .isInstanceOf(BucketThrottledException.class);
    assertThat(listener.events).isEmpty();
  }

  @Test
  void onlyTransactionConflictsAreRetried() {
    RateLimiter limiter = limiter(CascadeMode.TRANSACTION);
    limiter.entities().createEntity("project", null, false);
    limiter.entities().createEntity("key", "project", true);
    limiter.limits().set(new LimitScope.Entity("project"), LIMITS);

    throttler.cancelTransactions("TransactionConflict", 1);
    throttler.transactions.set(0);
    assertThat(limiter.acquire("key", "api", ONE, LIMITS).enforced()).isTrue();
    assertThat(throttler.transactions.getAndSet(0)).as("one conflict, one retry").isEqualTo(2);

    throttler.cancelTransactions("ValidationError", 100);
    assertThatThrownBy(() -> limiter.acquire("key", "api", ONE, LIMITS))
        .isInstanceOf(RateLimiterException.class)
        .hasMessageContaining("ValidationError");
    assertThat(throttler.transactions.getAndSet(0)).isEqualTo(1);
    assertThat(listener.events).isEmpty();
  }

  /**
   * Answers as DynamoDB does once its retries are spent: throttles one partition, or cancels
   * transactions.
   */
  private static final class HotKeyThrottler implements ExecutionInterceptor {
    volatile String hotPartition;
    private volatile String cancellationCode;
    private final AtomicInteger cancellations = new AtomicInteger();
    final AtomicInteger transactions = new AtomicInteger();

    void cancelTransactions(String code, int times) {
      cancellationCode = code;
      cancellations.set(times);
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
      SdkRequest request = context.request();
      if (request instanceof UpdateItemRequest update
          && hotPartition != null
          && hotPartition.equals(update.key().get(LimiterTableSchema.PARTITION_KEY).s())) {
        throw ProvisionedThroughputExceededException.builder()
            .statusCode(400)
            .awsErrorDetails(
                AwsErrorDetails.builder()
                    .errorCode("ProvisionedThroughputExceededException")
                    .errorMessage(
                        "The level of configured provisioned throughput for the table was exceeded")
                    .build())
            .build();
      }
      if (request instanceof TransactWriteItemsRequest) {
        transactions.incrementAndGet();
      }
      if (request instanceof TransactWriteItemsRequest transaction
          && cancellations.getAndDecrement() > 0) {
        List<CancellationReason> reasons = new java.util.ArrayList<>();
        reasons.add(
            CancellationReason.builder().code(cancellationCode).message(cancellationCode).build());
        for (int i = 1; i < transaction.transactItems().size(); i++) {
          reasons.add(CancellationReason.builder().code("None").build());
        }
        throw TransactionCanceledException.builder()
            .statusCode(400)
            .cancellationReasons(reasons)
            .awsErrorDetails(
                AwsErrorDetails.builder()
                    .errorCode("TransactionCanceledException")
                    .errorMessage(
                        "Transaction cancelled, please refer cancellation reasons for specific"
                            + " reasons ["
                            + cancellationCode
                            + "]")
                    .build())
            .build();
      }
    }
  }

  private static final class RecordingListener implements AvailabilityListener {
    final List<String> events = new CopyOnWriteArrayList<>();

    @Override
    public void onOutage(String tableName, OnUnavailable policy, Throwable cause) {
      events.add("outage " + policy);
    }

    @Override
    public void onRecovery(String tableName, Duration duration, long failedCalls) {
      events.add("recovery after " + failedCalls + " failed calls");
    }
  }
}
