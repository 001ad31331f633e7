package dev.limiter.runtime;

/** Base of the limiter's own runtime exceptions. */
public class RateLimiterException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** An exception with a message. */
  public RateLimiterException(String message) {
    super(message);
  }

  /** An exception with a message and its cause. */
  public RateLimiterException(String message, Throwable cause) {
    super(message, cause);
  }
}
