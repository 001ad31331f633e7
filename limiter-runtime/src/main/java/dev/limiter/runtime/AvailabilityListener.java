package dev.limiter.runtime;

import java.time.Duration;

/**
 * Told when the limiter table becomes unavailable and when it recovers: once per outage, not per
 * failed call. The default implementation logs.
 */
public interface AvailabilityListener {

  /**
   * The first call of an outage failed.
   *
   * @param tableName the limiter table
   * @param policy what the limiter does during the outage
   * @param cause the SDK failure
   */
  void onOutage(String tableName, OnUnavailable policy, Throwable cause);

  /**
   * A call succeeded again after an outage.
   *
   * @param tableName the limiter table
   * @param duration time since the outage's first failure
   * @param failedCalls calls that failed during the outage
   */
  void onRecovery(String tableName, Duration duration, long failedCalls);
}
