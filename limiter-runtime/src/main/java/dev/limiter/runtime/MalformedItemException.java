package dev.limiter.runtime;

/**
 * The item stored under a bucket's key is not a limiter bucket, or one of its attributes has the
 * wrong type; the limiter refuses to guess and neither admits nor overwrites it.
 */
public class MalformedItemException extends RateLimiterException {

  private static final long serialVersionUID = 1L;

  /** A malformed item, described by {@code message}. */
  public MalformedItemException(String message) {
    super(message);
  }
}
