package dev.limiter.runtime;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Validation of the limiter's call arguments, done before any DynamoDB call. */
final class Arguments {

  /** DynamoDB bills writes per started KB; a bucket item must stay below one. */
  static final int MAX_BUCKET_ITEM_BYTES = 1024;

  /** Bytes of a stored epoch-nanosecond number, rounded up. */
  private static final int TAT_VALUE_BYTES = 12;

  /** Bytes of a write id (up to 13 characters) and of the expiry (epoch seconds). */
  private static final int LAST_WRITE_BYTES = 13;

  private static final int TTL_VALUE_BYTES = 7;

  private Arguments() {}

  /** The limits by name, refusing an empty list, duplicates and a bucket item of 1 KB or more. */
  static Map<String, Limit> limitsByName(BucketKey key, List<Limit> limits) {
    Map<String, Limit> byName = requireDistinctLimits(limits);
    int bytes = estimatedItemBytes(key, byName.keySet());
    if (bytes >= MAX_BUCKET_ITEM_BYTES) {
      throw new IllegalArgumentException(
          "a bucket with limits "
              + byName.keySet()
              + " would be about "
              + bytes
              + " bytes; one bucket item must stay under "
              + MAX_BUCKET_ITEM_BYTES
              + " bytes to cost one write unit, so use fewer or shorter limit names");
    }
    return byName;
  }

  /** The limits by name, refusing null, an empty list and duplicate names. */
  static Map<String, Limit> requireDistinctLimits(List<Limit> limits) {
    Objects.requireNonNull(limits, "limits");
    if (limits.isEmpty()) {
      throw new IllegalArgumentException("at least one limit is required");
    }
    Map<String, Limit> byName = new LinkedHashMap<>();
    for (Limit limit : limits) {
      Objects.requireNonNull(limit, "limits must not contain null");
      if (byName.putIfAbsent(limit.name(), limit) != null) {
        throw new IllegalArgumentException("limit '" + limit.name() + "' is given twice");
      }
    }
    return byName;
  }

  /**
   * Acquire ops for {@code consume}, refusing unknown limits, non-positive amounts and amounts
   * above capacity.
   */
  static List<LimitOp> acquireOps(Map<String, Long> consume, Map<String, Limit> limits) {
    Objects.requireNonNull(consume, "consume");
    if (consume.isEmpty()) {
      throw new IllegalArgumentException("consume must name at least one limit");
    }
    List<LimitOp> ops = new ArrayList<>(consume.size());
    for (Map.Entry<String, Long> entry : consume.entrySet()) {
      Limit limit = knownLimit(entry.getKey(), limits);
      Long tokens = entry.getValue();
      if (tokens == null || tokens < 1) {
        throw new IllegalArgumentException(
            "tokens for limit '" + entry.getKey() + "' must be at least 1, got " + tokens);
      }
      if (tokens > limit.capacity()) {
        throw new RequestExceedsCapacityException(limit.name(), limit.capacity(), tokens);
      }
      ops.add(new LimitOp(limit, tokens, LimitOp.Kind.ACQUIRE));
    }
    return ops;
  }

  /** The limit called {@code name}, refusing names not among {@code limits}. */
  static Limit knownLimit(String name, Map<String, Limit> limits) {
    Limit limit = limits.get(name);
    if (limit == null) {
      throw new IllegalArgumentException(
          "unknown limit '" + name + "'; the limits given are " + limits.keySet());
    }
    return limit;
  }

  private static int estimatedItemBytes(BucketKey key, Iterable<String> limitNames) {
    int bytes =
        LimiterTableSchema.PARTITION_KEY.length()
            + LimiterTableSchema.ENTITY_PREFIX.length()
            + utf8Length(key.entityId())
            + LimiterTableSchema.SORT_KEY.length()
            + LimiterTableSchema.BUCKET_PREFIX.length()
            + utf8Length(key.resource())
            + LimiterTableSchema.KIND.length()
            + LimiterTableSchema.KIND_BUCKET.length()
            + LimiterTableSchema.LAST_WRITE_ATTRIBUTE.length()
            + LAST_WRITE_BYTES
            + LimiterTableSchema.PREVIOUS_WRITE_ATTRIBUTE.length()
            + LAST_WRITE_BYTES
            + LimiterTableSchema.TTL_ATTRIBUTE.length()
            + TTL_VALUE_BYTES;
    for (String name : limitNames) {
      bytes += LimiterTableSchema.TAT_PREFIX.length() + name.length() + TAT_VALUE_BYTES;
    }
    return bytes;
  }

  /**
   * UTF-8 bytes of {@code text}, counted without encoding it (ids are well-formed UTF-16: {@link
   * Names#requireEntityId}); an unpaired surrogate counts as the one byte of the {@code ?} the
   * encoder would put in its place.
   */
  private static int utf8Length(String text) {
    int bytes = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        bytes += 1;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c)
          && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else if (Character.isSurrogate(c)) {
        bytes += 1;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }
}
