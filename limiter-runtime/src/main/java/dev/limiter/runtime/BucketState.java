package dev.limiter.runtime;

import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The theoretical arrival times (epoch nanoseconds) of a bucket's limits, decoded from an item.
 * A limit without a stored time is full, which {@link #tat} expresses as 0.
 */
record BucketState(Map<String, Long> tats) {

  static final BucketState EMPTY = new BucketState(Map.of());

  BucketState {
    tats = Map.copyOf(tats);
  }

  long tat(String limitName) {
    return tats.getOrDefault(limitName, 0L);
  }

  /** This state with the given times replacing the old ones. */
  BucketState with(BucketState newer) {
    if (tats.isEmpty()) {
      return newer;
    }
    Map<String, Long> merged = new HashMap<>(tats);
    merged.putAll(newer.tats);
    return new BucketState(merged);
  }

  /** Whether every limit is full at {@code nowNanos}, so the state predicts nothing. */
  boolean idleAt(long nowNanos) {
    return tats.values().stream().allMatch(tat -> tat <= nowNanos);
  }

  /**
   * Decodes a whole bucket item (as returned on a failed condition or by GetItem).
   *
   * @throws MalformedItemException when the item is not a bucket or a time is not an integer
   */
  static BucketState decodeItem(BucketKey key, Map<String, AttributeValue> item) {
    if (item == null || item.isEmpty()) {
      return EMPTY;
    }
    AttributeValue kind = item.get(LimiterTableSchema.KIND);
    if (kind == null || !LimiterTableSchema.KIND_BUCKET.equals(kind.s())) {
      throw new MalformedItemException("the item at " + key + " is not a limiter bucket ("
          + LimiterTableSchema.KIND + "=" + (kind == null ? "absent" : kind) + "); refusing to use or overwrite it");
    }
    return decodeAttributes(key, item);
  }

  /** Decodes the time attributes among {@code attributes} (as returned by a successful update). */
  static BucketState decodeAttributes(BucketKey key, Map<String, AttributeValue> attributes) {
    Map<String, Long> tats = new HashMap<>();
    for (Map.Entry<String, AttributeValue> entry : attributes.entrySet()) {
      if (entry.getKey().startsWith(LimiterTableSchema.TAT_PREFIX)) {
        String limit = entry.getKey().substring(LimiterTableSchema.TAT_PREFIX.length());
        tats.put(limit, parseTat(key, entry.getKey(), entry.getValue()));
      }
    }
    return new BucketState(tats);
  }

  private static long parseTat(BucketKey key, String attribute, AttributeValue value) {
    if (value.n() == null) {
      throw new MalformedItemException("bucket " + key + ": attribute '" + attribute
          + "' must be a number, found " + value);
    }
    try {
      // Any number is a time; only one beyond the range of epoch nanoseconds cannot be used.
      return new java.math.BigDecimal(value.n()).setScale(0, java.math.RoundingMode.FLOOR).longValueExact();
    } catch (ArithmeticException | NumberFormatException e) {
      throw new MalformedItemException("bucket " + key + ": attribute '" + attribute
          + "' must be epoch nanoseconds within the range of a long, found " + value.n());
    }
  }
}
