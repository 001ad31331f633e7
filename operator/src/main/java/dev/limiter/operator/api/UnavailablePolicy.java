package dev.limiter.operator.api;

/** What workloads do when the limiter table cannot be reached. */
public enum UnavailablePolicy {
  /** Fail closed: refuse requests. */
  Block,
  /** Fail open: admit requests without enforcement. */
  Allow
}
