package dev.limiter.runtime;

import java.time.Duration;
import java.util.Collection;

/**
 * What every bucket write keeps within: how far into debt a charge may push a limit, and when the
 * bucket's item may expire.
 *
 * <p>Debt: a limit's theoretical arrival time never runs more than {@link #ceilingNanos} ahead of
 * its writer's clock (a full bucket's worth plus {@code debtPeriods} refill periods), which the
 * update expression enforces and which keeps every stored time far inside a long.
 *
 * <p>Expiry: a missing bucket is a full bucket, so an item may vanish once every limit it holds is
 * full again. Every write's times are at most its clock plus the ceiling, so the item's {@link
 * LimiterTableSchema#TTL_ATTRIBUTE} is set to that plus {@code ttlMarginNanos} (for clock skew
 * between writers and DynamoDB), rounded up to {@value #EXPIRY_GRANULARITY_SECONDS} s, and never
 * lowered.
 *
 * @param debtPeriods refill periods of debt a bucket may owe, 0 to {@value #MAX_DEBT_PERIODS}
 * @param ttlMarginNanos slack added to the expiry for clock skew
 */
record BucketBounds(int debtPeriods, long ttlMarginNanos) {

  /**
   * Largest {@code debtPeriods}: with the longest burst window, times stay within a long until
   * about 2060.
   */
  static final int MAX_DEBT_PERIODS = 100;

  /**
   * Expiry times are whole minutes, so that concurrent writers rarely disagree on it (and never
   * lower it).
   */
  static final long EXPIRY_GRANULARITY_SECONDS = 60;

  /** Longest TTL margin. */
  static final Duration MAX_TTL_MARGIN = Duration.ofDays(1);

  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  BucketBounds {
    if (debtPeriods < 0 || debtPeriods > MAX_DEBT_PERIODS) {
      throw new IllegalArgumentException(
          "debtPeriods must be between 0 and " + MAX_DEBT_PERIODS + ", got " + debtPeriods);
    }
    if (ttlMarginNanos < 0 || ttlMarginNanos > MAX_TTL_MARGIN.toNanos()) {
      throw new IllegalArgumentException(
          "bucketTtlMargin must be between 0 and "
              + MAX_TTL_MARGIN
              + ", got "
              + Duration.ofNanos(ttlMarginNanos));
    }
  }

  /**
   * Furthest {@code limit}'s time may run ahead of a writer's clock: a full bucket plus the debt
   * bound.
   */
  long ceilingNanos(Limit limit) {
    return limit.toleranceNanos() + debtPeriods * limit.refillPeriod().toNanos();
  }

  /** Most tokens one charge may add to {@code limit}: the ceiling's worth. */
  long maxChargeTokens(Limit limit) {
    return limit.tokensWithin(ceilingNanos(limit));
  }

  /**
   * Epoch seconds at or after which a bucket written at {@code nowNanos} with {@code limits} is
   * certainly full again (so far as those limits go).
   */
  long expirySeconds(long nowNanos, Collection<Limit> limits) {
    return expirySeconds(nowNanos, limits.stream().mapToLong(this::ceilingNanos).max().orElse(0));
  }

  /**
   * As {@link #expirySeconds(long, Collection)}, given the largest {@link #ceilingNanos} of the
   * limits.
   */
  long expirySeconds(long nowNanos, long ceiling) {
    long seconds = ceilDiv(nowNanos + ceiling + ttlMarginNanos, NANOS_PER_SECOND);
    return ceilDiv(seconds, EXPIRY_GRANULARITY_SECONDS) * EXPIRY_GRANULARITY_SECONDS;
  }

  private static long ceilDiv(long value, long divisor) {
    return -Math.floorDiv(-value, divisor);
  }
}
