package dev.limiter.runtime;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * What a bucket item says, decoded: the theoretical arrival times (epoch nanoseconds) of its
 * limits, the ids of the two writes that last changed it and its expiry (epoch seconds). A limit
 * without a stored time is full, which {@link #tat} expresses as 0.
 *
 * @param tats times by limit name
 * @param reserved by limit name, where the latest local reservation's time ends ({@link
 *     LimiterTableSchema#RESERVED_PREFIX}); absent for none
 * @param lastWrite {@link LimiterTableSchema#LAST_WRITE_ATTRIBUTE}, null when absent or unknown
 * @param previousWrite {@link LimiterTableSchema#PREVIOUS_WRITE_ATTRIBUTE}, null when absent or
 *     unknown
 * @param expiry {@link LimiterTableSchema#TTL_ATTRIBUTE}, 0 when absent or unknown
 */
record BucketState(
    Map<String, Long> tats,
    Map<String, Long> reserved,
    String lastWrite,
    String previousWrite,
    long expiry) {

  static final BucketState EMPTY = new BucketState(Map.of());

  /** What {@link #plainLong} returns for a number it leaves to the general decoding. */
  private static final long NOT_PLAIN = Long.MIN_VALUE;

  BucketState {
    tats = Map.copyOf(tats);
    reserved = Map.copyOf(reserved);
  }

  /** Times without reservations. */
  BucketState(Map<String, Long> tats, String lastWrite, String previousWrite, long expiry) {
    this(tats, Map.of(), lastWrite, previousWrite, expiry);
  }

  /** Times only, as a guess that knows nothing of the item's last write or expiry. */
  BucketState(Map<String, Long> tats) {
    this(tats, null, null, 0);
  }

  long tat(String limitName) {
    return tats.getOrDefault(limitName, 0L);
  }

  /** Where the latest reservation of {@code limitName} ends; 0 for none. */
  long reservedUntil(String limitName) {
    return reserved.getOrDefault(limitName, 0L);
  }

  /** This state with the given, later, state's times replacing the old ones. */
  BucketState with(BucketState newer) {
    if (newer.tats.keySet().containsAll(tats.keySet())
        && newer.reserved.keySet().containsAll(reserved.keySet())) {
      // Every time is replaced (a write of all the bucket's limits): no merged copy to build.
      return expiry <= newer.expiry
          ? newer
          : new BucketState(
              newer.tats, newer.reserved, newer.lastWrite, newer.previousWrite, expiry);
    }
    Map<String, Long> merged = new HashMap<>(tats);
    merged.putAll(newer.tats);
    Map<String, Long> mergedReserved = new HashMap<>(reserved);
    mergedReserved.putAll(newer.reserved);
    return new BucketState(
        merged,
        mergedReserved,
        newer.lastWrite,
        newer.previousWrite,
        Math.max(expiry, newer.expiry));
  }

  /** Whether every limit is full at {@code nowNanos}, so the state predicts nothing. */
  boolean idleAt(long nowNanos) {
    return tats.values().stream().allMatch(tat -> tat <= nowNanos);
  }

  /**
   * Decodes a whole bucket item (as returned on a failed condition or by GetItem).
   *
   * @throws MalformedItemException when the item is not a bucket or a time is not a number
   */
  static BucketState decodeItem(BucketKey key, Map<String, AttributeValue> item) {
    if (item == null || item.isEmpty()) {
      return EMPTY;
    }
    AttributeValue kind = item.get(LimiterTableSchema.KIND);
    if (kind == null || !LimiterTableSchema.KIND_BUCKET.equals(kind.s())) {
      throw new MalformedItemException(
          "the item at "
              + key
              + " is not a limiter bucket ("
              + LimiterTableSchema.KIND
              + "="
              + (kind == null ? "absent" : kind)
              + "); refusing to use or overwrite it");
    }
    return decodeAttributes(key, item);
  }

  /** Decodes the attributes among {@code attributes} (as returned by a successful update). */
  static BucketState decodeAttributes(BucketKey key, Map<String, AttributeValue> attributes) {
    Map<String, Long> tats = new HashMap<>();
    Map<String, Long> reserved = new HashMap<>();
    String lastWrite = null;
    String previousWrite = null;
    long expiry = 0;
    for (Map.Entry<String, AttributeValue> entry : attributes.entrySet()) {
      String name = entry.getKey();
      if (name.startsWith(LimiterTableSchema.TAT_PREFIX)) {
        tats.put(
            name.substring(LimiterTableSchema.TAT_PREFIX.length()),
            number(key, name, entry.getValue()));
      } else if (name.startsWith(LimiterTableSchema.RESERVED_PREFIX)) {
        reserved.put(
            name.substring(LimiterTableSchema.RESERVED_PREFIX.length()),
            number(key, name, entry.getValue()));
      } else if (name.equals(LimiterTableSchema.LAST_WRITE_ATTRIBUTE)) {
        lastWrite = entry.getValue().s();
      } else if (name.equals(LimiterTableSchema.PREVIOUS_WRITE_ATTRIBUTE)) {
        previousWrite = entry.getValue().s();
      } else if (name.equals(LimiterTableSchema.TTL_ATTRIBUTE)) {
        expiry = number(key, name, entry.getValue());
      }
    }
    return new BucketState(tats, reserved, lastWrite, previousWrite, expiry);
  }

  /**
   * Any number decodes: the writer never stores a time beyond {@link BucketBounds#ceilingNanos}
   * ahead, and one beyond the long range (a foreign or pre-bound item) saturates, reading as a
   * bucket deep in debt rather than making every call on it fail.
   */
  private static long number(BucketKey key, String attribute, AttributeValue value) {
    if (value.n() == null) {
      throw new MalformedItemException(
          "bucket " + key + ": attribute '" + attribute + "' must be a number, found " + value);
    }
    long exact = plainLong(value.n());
    if (exact != NOT_PLAIN) {
      return exact;
    }
    BigInteger integer;
    try {
      integer = new BigDecimal(value.n()).setScale(0, RoundingMode.FLOOR).toBigIntegerExact();
    } catch (ArithmeticException | NumberFormatException e) {
      throw new MalformedItemException(
          "bucket " + key + ": attribute '" + attribute + "' must be a number, found " + value.n());
    }
    return integer
        .max(BigInteger.valueOf(Long.MIN_VALUE))
        .min(BigInteger.valueOf(Long.MAX_VALUE))
        .longValueExact();
  }

  /**
   * The value of a plain integer within the long range with an optional minus sign (what the writer
   * stores: epoch nanoseconds have 19 digits), without the general decoding's BigDecimal; {@link
   * #NOT_PLAIN} for anything else (decimals, exponents, numbers beyond a long).
   */
  private static long plainLong(String number) {
    int length = number.length();
    int start = length > 0 && number.charAt(0) == '-' ? 1 : 0;
    if (length == start || length - start > 19) {
      return NOT_PLAIN;
    }
    long value = 0;
    for (int i = start; i < length; i++) {
      char c = number.charAt(i);
      if (c < '0' || c > '9' || value > (Long.MAX_VALUE - (c - '0')) / 10) {
        return NOT_PLAIN;
      }
      value = value * 10 + (c - '0');
    }
    return start == 1 ? -value : value;
  }
}
