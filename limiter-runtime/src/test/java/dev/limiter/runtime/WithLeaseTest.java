package dev.limiter.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limiter.testkit.DynamoDbLocal;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/** {@code withLease} when the lease's adjustment cannot be written after the body ran. */
class WithLeaseTest {

  private static final List<Limit> LIMITS = List.of(Limit.perMinute("tpm", 1_000));

  private final WriteBreaker breaker = new WriteBreaker();
  private final DynamoDbClient client = DynamoDbLocal.shared().client(breaker);
  private final String table = LimiterTables.create(client);
  private final List<String> unwritten = new CopyOnWriteArrayList<>();

  @AfterEach
  void close() {
    client.close();
  }

  @ParameterizedTest
  @EnumSource(OnUnavailable.class)
  void theBodysResultIsReturnedAndTheUnwrittenAdjustmentReported(OnUnavailable policy) {
    RateLimiter limiter = RateLimiter.builder().client(client).tableName(table).onUnavailable(policy)
        .usageListener(new UsageListener() {
          @Override
          public void onAdjustmentNotWritten(String entityId, String resource, Map<String, Long> deltas, Throwable cause) {
            unwritten.add(entityId + "/" + resource + " " + deltas + " " + cause.getClass().getSimpleName());
          }
        }).build();

    String result = limiter.withLease("key-1", "llm", Map.of("tpm", 10L), LIMITS, lease -> {
      lease.adjust(Map.of("tpm", 490L));
      breaker.failWrites = true; // DynamoDB becomes unreachable while the work runs
      return "the work's result";
    });

    assertThat(result).isEqualTo("the work's result");
    assertThat(unwritten).containsExactly("key-1/llm {tpm=490} SdkClientException");
  }

  /** Fails every UpdateItem as an unreachable endpoint would, once switched on. */
  private static final class WriteBreaker implements ExecutionInterceptor {
    volatile boolean failWrites;

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
      if (failWrites && context.request() instanceof UpdateItemRequest) {
        throw SdkClientException.create("Unable to execute HTTP request: Connection refused");
      }
    }
  }
}
