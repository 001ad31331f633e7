package dev.limiter.operator.plan.hierarchy;

import dev.limiter.runtime.LimiterTableSchema;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Write capacity units a write of an item consumes, as DynamoDB bills them: one per started KB,
 * once for the table and once more for the index when the item carries its keys. Pure; an estimate
 * from above (attribute sizes as DynamoDB counts them, rounded up).
 */
public final class WriteUnits {

  private static final int KB = 1024;

  private WriteUnits() {}

  /** Units to write {@code item}, index included. */
  public static int of(Map<String, AttributeValue> item) {
    int perCopy = (int) Math.max(1, (size(item) + KB - 1) / KB);
    return item.containsKey(LimiterTableSchema.INDEX_PARTITION_KEY) ? 2 * perCopy : perCopy;
  }

  private static long size(Map<String, AttributeValue> attributes) {
    long size = 0;
    for (Map.Entry<String, AttributeValue> attribute : attributes.entrySet()) {
      size += bytes(attribute.getKey()) + size(attribute.getValue());
    }
    return size;
  }

  private static long size(AttributeValue value) {
    if (value.hasM()) {
      return 3 + size(value.m()) + value.m().size();
    }
    if (value.s() != null) {
      return bytes(value.s());
    }
    if (value.n() != null) {
      return 21; // DynamoDB counts at most 21 bytes for a number
    }
    return 1;
  }

  private static long bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8).length;
  }
}
