package dev.limiter.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limiter.testkit.DynamoDbLocal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/** acquireAsync on a limiter given only a synchronous client runs its calls on a bounded pool. */
class SyncOnlyAsyncTest {

  private static final List<Limit> LIMITS = List.of(Limit.perSecond("rps", 100_000));

  /** Every write takes 100 ms, as a slow network would. */
  private final DynamoDbClient client =
      DynamoDbLocal.shared()
          .client(
              new ExecutionInterceptor() {
                @Override
                public void beforeTransmission(
                    Context.BeforeTransmission context, ExecutionAttributes attributes) {
                  if (context.request() instanceof UpdateItemRequest) {
                    try {
                      Thread.sleep(100);
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                  }
                }
              });

  private final String table = LimiterTables.create(client);

  @AfterEach
  void close() {
    client.close();
  }

  @Test
  void manyConcurrentAsyncAcquiresShareABoundedNumberOfThreads() {
    RateLimiter limiter = RateLimiter.builder().client(client).tableName(table).build();
    List<CompletableFuture<Lease>> acquires = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      acquires.add(limiter.acquireAsync("key-" + i, "api", Map.of("rps", 1L), LIMITS));
    }
    long threads =
        Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.getName().startsWith("limiter-async-"))
            .count();
    System.out.printf(
        "300 concurrent acquireAsync on a sync-only limiter: %d pool threads%n", threads);
    assertThat(threads).isLessThanOrEqualTo(RateLimiter.DEFAULT_ASYNC_THREADS);
    assertThat(acquires).allSatisfy(acquire -> assertThat(acquire.join().enforced()).isTrue());
  }
}
