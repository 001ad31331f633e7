package dev.limiter.runtime;

/**
 * DynamoDB could not be reached, timed out or kept throttling after the client's bounded retries,
 * and the limiter was built with {@link OnUnavailable#BLOCK}.
 */
public class RateLimiterUnavailableException extends RateLimiterException {

  private static final long serialVersionUID = 1L;

  /** The limiter table could not serve a request; {@code cause} is the SDK's failure. */
  public RateLimiterUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
