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
    /** Take tokens unconditionally, into debt down to the bound at most (a positive adjustment). */
    CHARGE,
    /** Give tokens back (a rollback or negative adjustment), never beyond a full bucket. */
    REFUND
  }

  LimitOp {
    if (tokens < 1) {
      throw new IllegalArgumentException("tokens must be positive: " + tokens);
    }
  }

  /**
   * A refund of at most {@code tokens} taken by a write that left the limit at {@code tatAfter}:
   * only the part that has not refilled by {@code nowNanos} (refunding refilled tokens would give
   * them a second time); null when nothing is outstanding.
   */
  static LimitOp refundOf(Limit limit, long tokens, long tatAfter, long nowNanos) {
    long refundable = Math.min(tokens, limit.tokensWithin(tatAfter - nowNanos));
    return refundable < 1 ? null : new LimitOp(limit, refundable, Kind.REFUND);
  }

  String name() {
    return limit.name();
  }

  long costNanos() {
    return limit.costNanos(tokens);
  }
}
