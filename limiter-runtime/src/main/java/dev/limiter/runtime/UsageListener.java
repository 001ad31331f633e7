package dev.limiter.runtime;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Told what the limiter admits, adjusts and refuses, for usage accounting (see {@link
 * MicrometerUsageListener}). Called on the caller's or the SDK's thread after the write decided;
 * implementations must be fast and must not throw.
 */
public interface UsageListener {

  /** Ignores everything; the default. */
  UsageListener NONE = new UsageListener() {};

  /**
   * {@code tokens} (per limit) were taken from the bucket of {@code entityId} for {@code resource}.
   */
  default void onAcquired(String entityId, String resource, Map<String, Long> tokens) {}

  /** A lease changed what it took: positive deltas charged more, negative ones gave back. */
  default void onAdjusted(String entityId, String resource, Map<String, Long> deltas) {}

  /** An acquire was refused for these reasons; nothing was taken. */
  default void onRejected(List<Violation> violations) {}

  /**
   * A write's outcome could not be known (its response was lost, timed out or was a server error,
   * and the bucket changed before it could be checked): {@code tokens} (per limit; negative for a
   * refund) may or may not have been applied, once at most. The acquire is not admitted, so the
   * doubt counts against the caller, never for it.
   */
  default void onUndecided(String entityId, String resource, Map<String, Long> tokens) {}

  /**
   * A lease's adjustment or refund was certainly not written ({@code cause}: DynamoDB unreachable,
   * throttled, or refusing the request): the bucket still lacks these deltas (positive: a charge
   * not taken; negative: a refund not given back). A write whose outcome was hidden (server error,
   * timeout, broken connection) goes to {@link #onUndecided} instead. {@link RateLimiter#withLease}
   * returns the body's result either way.
   */
  default void onAdjustmentNotWritten(
      String entityId, String resource, Map<String, Long> deltas, Throwable cause) {}

  /**
   * The limiter's clock differs from DynamoDB's by {@code skew} (positive: ahead), as estimated
   * from the {@code Date} header of a response (about once a second, good to about ±1 s).
   */
  default void onClockSkew(String tableName, Duration skew) {}
}
