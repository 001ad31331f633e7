package dev.limiter.runtime;

import java.time.Duration;

/**
 * DynamoDB throttled the bucket's key (its partition is past its throughput, or the table or
 * account is at a request limit) after the client's retries. A refusal for this key only, like a
 * limit's: nothing was taken, and the other keys are still enforced. It never turns limiting off,
 * whatever {@link OnUnavailable} says: fail-open applies only to a table that cannot be reached.
 */
public final class BucketThrottledException extends RateLimitExceededException {

  private static final long serialVersionUID = 1L;

  /**
   * The suggested wait: DynamoDB grants throughput per second, so a partition throttled now has
   * fresh capacity within one second (the SDK's own retries have already waited before this).
   */
  public static final Duration RETRY_AFTER = Duration.ofSeconds(1);

  BucketThrottledException(String tableName, Throwable cause) {
    super(
        "DynamoDB throttled a bucket of limiter table "
            + tableName
            + "; refused, retry after "
            + RETRY_AFTER,
        RETRY_AFTER,
        cause);
  }
}
