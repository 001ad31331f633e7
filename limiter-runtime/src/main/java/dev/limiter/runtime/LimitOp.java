package dev.limiter.runtime;

/**
 * One limit's part in a bucket write.
 *
 * @param limit the limit
 * @param tokens tokens involved, at least 1
 * @param kind what the write does with them
 */
record LimitOp(Limit limit, long tokens, Kind kind) {

  enum Kind {
    /** Take tokens only if the limit has them (an acquire). */
    ACQUIRE,
    /** Take tokens unconditionally, possibly into debt (a positive adjustment). */
    CHARGE,
    /** Give tokens back (a rollback or negative adjustment); nothing to do on a full bucket. */
    REFUND
  }

  LimitOp {
    if (tokens < 1) {
      throw new IllegalArgumentException("tokens must be positive: " + tokens);
    }
  }

  String name() {
    return limit.name();
  }

  long costNanos() {
    return limit.costNanos(tokens);
  }
}
