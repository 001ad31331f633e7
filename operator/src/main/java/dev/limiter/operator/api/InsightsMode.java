package dev.limiter.operator.api;

/** What DynamoDB Contributor Insights records. */
public enum InsightsMode {
  /** Off. */
  Disabled,
  /** The most throttled keys (THROTTLED_KEYS). */
  ThrottledKeys,
  /** The most accessed and the most throttled keys (ACCESSED_AND_THROTTLED_KEYS). */
  AccessedAndThrottledKeys
}
