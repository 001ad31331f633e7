package dev.limiter.runtime;

/** What the limiter does when DynamoDB cannot be reached or keeps throttling. */
public enum OnUnavailable {
  /** Fail open: admit the request with a lease that enforces nothing. */
  ALLOW,
  /** Fail closed: throw {@link RateLimiterUnavailableException}. */
  BLOCK
}
