package dev.limiter.runtime;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logs outages at WARN and recoveries at INFO. */
final class LoggingAvailabilityListener implements AvailabilityListener {

  private static final Logger LOG = LoggerFactory.getLogger(RateLimiter.class);

  @Override
  public void onOutage(String tableName, OnUnavailable policy, Throwable cause) {
    LOG.warn(
        "limiter table {} is unavailable ({}); {} until it recovers, further failures are not"
            + " logged",
        tableName,
        cause.toString(),
        policy == OnUnavailable.ALLOW ? "admitting requests unenforced" : "rejecting acquires");
  }

  @Override
  public void onRecovery(String tableName, Duration duration, long failedCalls) {
    LOG.info(
        "limiter table {} recovered after {} ({} calls failed)", tableName, duration, failedCalls);
  }
}
