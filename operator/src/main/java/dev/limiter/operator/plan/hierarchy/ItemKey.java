package dev.limiter.operator.plan.hierarchy;

import dev.limiter.runtime.LimiterTableSchema;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The primary key of one item of the limiter table.
 *
 * @param partition the {@code pk} value
 * @param sort the {@code sk} value
 */
public record ItemKey(String partition, String sort) {

  /** The key of {@code item}. */
  public static ItemKey of(Map<String, AttributeValue> item) {
    return new ItemKey(
        item.get(LimiterTableSchema.PARTITION_KEY).s(), item.get(LimiterTableSchema.SORT_KEY).s());
  }

  /** As DynamoDB takes it. */
  public Map<String, AttributeValue> attributes() {
    return Map.of(
        LimiterTableSchema.PARTITION_KEY,
        AttributeValue.fromS(partition),
        LimiterTableSchema.SORT_KEY,
        AttributeValue.fromS(sort));
  }
}
