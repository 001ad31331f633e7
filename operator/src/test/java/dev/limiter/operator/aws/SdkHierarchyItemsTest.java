package dev.limiter.operator.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.limiter.operator.plan.hierarchy.ItemKey;
import dev.limiter.runtime.BillingSettings;
import dev.limiter.runtime.LimiterTableSchema;
import dev.limiter.testkit.DynamoDbLocal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;

/**
 * The adapter against DynamoDB Local, with DynamoDB's answers to BatchWriteItem turned into "all
 * unprocessed" a number of times, as a throttled table answers: retries back off exponentially with
 * jitter, and give up after the last attempt.
 */
class SdkHierarchyItemsTest {

  /**
   * Answers the first {@code times} BatchWriteItems with every request unprocessed (DynamoDB did
   * write them).
   */
  private static final class Unprocessed implements ExecutionInterceptor {
    private final AtomicInteger left;

    Unprocessed(int times) {
      left = new AtomicInteger(times);
    }

    @Override
    public SdkResponse modifyResponse(
        Context.ModifyResponse context, ExecutionAttributes attributes) {
      if (context.request() instanceof BatchWriteItemRequest request
          && left.getAndDecrement() > 0) {
        return BatchWriteItemResponse.builder().unprocessedItems(request.requestItems()).build();
      }
      return context.response();
    }
  }

  private static List<ItemKey> buckets(DynamoDbClient client, String table, int count) {
    List<ItemKey> keys = new ArrayList<>();
    for (int shard = 0; shard < count; shard++) {
      Map<String, AttributeValue> bucket =
          new HashMap<>(LimiterTableSchema.bucketKey("e", "api", shard));
      bucket.put(LimiterTableSchema.KIND, AttributeValue.fromS(LimiterTableSchema.KIND_BUCKET));
      client.putItem(b -> b.tableName(table).item(bucket));
      keys.add(ItemKey.of(bucket));
    }
    return keys;
  }

  @Test
  void unprocessedItemsAreRetriedWithGrowingJitteredWaitsThenThePassGivesUp() {
    List<Duration> waits = new ArrayList<>();
    try (DynamoDbClient throttled = DynamoDbLocal.shared().client(new Unprocessed(3));
        DynamoDbClient inspect = DynamoDbLocal.shared().inspectionClient()) {
      String table = "backoff-items";
      inspect.createTable(LimiterTableSchema.createTableRequest(table, BillingSettings.onDemand()));
      SdkHierarchyItems items =
          new SdkHierarchyItems(throttled, Backoff.DEFAULT, waits::add, () -> 0.5);
      items.deleteBuckets(table, buckets(inspect, table, 3));
      assertThat(waits)
          .containsExactly(Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100));
      assertThat(items.buckets(table, LimiterTableSchema.shardPartition("e", 0))).isEmpty();
    }
    waits.clear();
    try (DynamoDbClient throttled =
        DynamoDbLocal.shared().client(new Unprocessed(Integer.MAX_VALUE))) {
      SdkHierarchyItems items =
          new SdkHierarchyItems(throttled, Backoff.DEFAULT, waits::add, () -> 0.5);
      assertThatThrownBy(
              () -> items.deleteBuckets("backoff-items", List.of(new ItemKey("E#e", "B#api"))))
          .isInstanceOf(SdkClientException.class)
          .hasMessageContaining("unprocessed after 8 attempts");
      assertThat(waits).hasSize(7).last().isEqualTo(Duration.ofMillis(1000));
    }
  }
}
