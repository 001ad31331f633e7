package dev.limiter.runtime;

/**
 * One limit's part in a bucket write.
 *
 * @param limit the limit
 * @param tokens tokens involved, at least 1
 * @param kind what the write does with them
 * @param costNanos the bucket time the write moves: the tokens' cost, or for a refund cut down to
 *     what is outstanding, at most that (a refund gives back time to the nanosecond, not whole
 *     tokens)
 */
record LimitOp(Limit limit, long tokens, Kind kind, long costNanos) {

  enum Kind {
    /** Take tokens only if the limit has them (an acquire). */
    ACQUIRE,
    /**
     * As {@link #ACQUIRE}, for a local reservation: also records where the limit's time then ends
     * ({@link LimiterTableSchema#RESERVED_PREFIX}), so that no refund gives that time back while
     * the reserving instance may still admit from it.
     */
    RESERVE,
    /** Take tokens unconditionally, into debt down to the bound at most (a positive adjustment). */
    CHARGE,
    /**
     * Give tokens back (a rollback or negative adjustment), never beyond a full bucket and never
     * into time the latest reservation holds.
     */
    REFUND
  }

  LimitOp {
    if (tokens < 1) {
      throw new IllegalArgumentException("tokens must be positive: " + tokens);
    }
    if (costNanos < 1) {
      throw new IllegalArgumentException("cost must be positive: " + costNanos);
    }
  }

  /** {@code tokens} at their full cost. */
  LimitOp(Limit limit, long tokens, Kind kind) {
    this(limit, tokens, kind, limit.costNanos(tokens));
  }

  /**
   * A refund of at most {@code tokens} taken by a write that left the limit at {@code tatAfter}:
   * only the part of their time still ahead of {@code nowNanos} (time that has refilled would be
   * given a second time); null when nothing is outstanding.
   */
  static LimitOp refundOf(Limit limit, long tokens, long tatAfter, long nowNanos) {
    return new LimitOp(limit, tokens, Kind.REFUND).outstanding(tatAfter, nowNanos);
  }

  /**
   * This refund cut down to the time a bucket at {@code tat} is still ahead of {@code nowNanos}, to
   * the nanosecond: a refund made before a whole token has refilled gives back everything not yet
   * refilled (rounding down to whole tokens would keep almost a token of a request that was refused
   * or rolled back at once). Its {@code tokens} are those whose time comes back, in part for the
   * last. Null when nothing is outstanding.
   */
  LimitOp outstanding(long tat, long nowNanos) {
    if (tat <= nowNanos) {
      return null;
    }
    long nanos = Math.min(costNanos, tat - nowNanos);
    long whole = limit.tokensWithin(nanos);
    if (limit.costNanos(whole) < nanos) {
      whole++;
    }
    return new LimitOp(limit, Math.min(tokens, whole), Kind.REFUND, nanos);
  }

  String name() {
    return limit.name();
  }
}
