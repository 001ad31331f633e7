package dev.limiter.operator.api;

/**
 * The last reading of the table's CloudWatch metrics, over one diagnosis window.
 *
 * @param at when the window ended (RFC 3339)
 * @param window the window's length (Go duration)
 * @param readThrottleEvents ReadThrottleEvents of the table
 * @param writeThrottleEvents WriteThrottleEvents of the table
 * @param keyRangeThrottleEvents read and write KeyRangeThroughputThrottleEvents (a hot partition
 *     key)
 * @param provisionedThroughputThrottleEvents read and write ProvisionedThroughputThrottleEvents
 *     (the table's capacity)
 * @param indexThrottleEvents read and write throttle events of all GSIs
 * @param peakConsumedReadPerSecond highest consumed read units per second in a minute of the window
 * @param peakConsumedWritePerSecond highest consumed write units per second in a minute of the
 *     window
 * @param maxOnDemandThrottleEvents read and write MaxOnDemandThroughputThrottleEvents (an on-demand
 *     table's own caps)
 */
public record ThrottleReading(
    String at,
    String window,
    Long readThrottleEvents,
    Long writeThrottleEvents,
    Long keyRangeThrottleEvents,
    Long provisionedThroughputThrottleEvents,
    Long indexThrottleEvents,
    Long peakConsumedReadPerSecond,
    Long peakConsumedWritePerSecond,
    Long maxOnDemandThrottleEvents) {

  /** Counts a status written by an older operator may lack read as zero. */
  public ThrottleReading {
    readThrottleEvents = orZero(readThrottleEvents);
    writeThrottleEvents = orZero(writeThrottleEvents);
    keyRangeThrottleEvents = orZero(keyRangeThrottleEvents);
    provisionedThroughputThrottleEvents = orZero(provisionedThroughputThrottleEvents);
    indexThrottleEvents = orZero(indexThrottleEvents);
    peakConsumedReadPerSecond = orZero(peakConsumedReadPerSecond);
    peakConsumedWritePerSecond = orZero(peakConsumedWritePerSecond);
    maxOnDemandThrottleEvents = orZero(maxOnDemandThrottleEvents);
  }

  private static Long orZero(Long value) {
    return value == null ? 0L : value;
  }
}
