package dev.limiter.runtime;

/**
 * DynamoDB could not be reached, timed out, kept failing with server errors after the client's
 * bounded retries, or the table does not exist, and the limiter was built with {@link
 * OnUnavailable#BLOCK}. During a known outage it is thrown at once, without a call, until a probe
 * finds the table answering. Throttling is a {@link BucketThrottledException} instead.
 */
public class RateLimiterUnavailableException extends RateLimiterException {

  private static final long serialVersionUID = 1L;

  /** The limiter table could not serve a request; {@code cause} is the SDK's failure. */
  public RateLimiterUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
