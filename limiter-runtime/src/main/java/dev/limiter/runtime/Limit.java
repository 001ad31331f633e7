package dev.limiter.runtime;

import java.math.BigInteger;
import java.time.Duration;
import java.util.Objects;

/**
 * A token bucket: {@code capacity} tokens, refilled by {@code refillAmount} tokens every {@code
 * refillPeriod}, continuously.
 *
 * <p>The limiter enforces it with GCRA in integer nanoseconds, without floating point: a request of
 * {@code n} tokens is charged {@code ⌈n·period/refill⌉} ns of bucket time and a full bucket holds
 * {@code ⌈capacity·period/refill⌉} ns. Rounding is per call, never accumulates, and is always
 * against the caller (under 1 ns per call), so over any interval of {@code e} ns a bucket admits at
 * most {@code capacity + refill·(e + 1)/period} tokens.
 */
public final class Limit {

  /** Shortest refill period. */
  public static final Duration MIN_PERIOD = Duration.ofMillis(1);

  /** Longest refill period. */
  public static final Duration MAX_PERIOD = Duration.ofDays(366);

  /**
   * Longest time a full bucket may take to refill from empty (keeps nanosecond arithmetic in a
   * long).
   */
  public static final Duration MAX_BURST_WINDOW = Duration.ofDays(36_500);

  private final String name;
  private final long capacity;
  private final long refillAmount;
  private final Duration refillPeriod;
  private final long periodNanos;
  private final long toleranceNanos;

  private Limit(String name, long capacity, long refillAmount, Duration refillPeriod) {
    this.name = Names.requireLimitName(name);
    if (capacity < 1) {
      throw new IllegalArgumentException(
          "limit '" + name + "': capacity must be at least 1, got " + capacity);
    }
    if (refillAmount < 1) {
      throw new IllegalArgumentException(
          "limit '" + name + "': refill amount must be at least 1, got " + refillAmount);
    }
    Objects.requireNonNull(refillPeriod, "refillPeriod");
    if (refillPeriod.compareTo(MIN_PERIOD) < 0 || refillPeriod.compareTo(MAX_PERIOD) > 0) {
      throw new IllegalArgumentException(
          "limit '"
              + name
              + "': refill period must be between "
              + MIN_PERIOD
              + " and "
              + MAX_PERIOD
              + ", got "
              + refillPeriod);
    }
    this.capacity = capacity;
    this.refillAmount = refillAmount;
    this.refillPeriod = refillPeriod;
    this.periodNanos = refillPeriod.toNanos();
    BigInteger tolerance = ceilMulDiv(BigInteger.valueOf(capacity), periodNanos, refillAmount);
    if (tolerance.compareTo(BigInteger.valueOf(MAX_BURST_WINDOW.toNanos())) > 0) {
      throw new IllegalArgumentException(
          "limit '"
              + name
              + "': a full bucket of "
              + capacity
              + " tokens would take longer than "
              + MAX_BURST_WINDOW
              + " to refill");
    }
    this.toleranceNanos = tolerance.longValueExact();
  }

  /** {@code capacity} tokens, refilled by {@code refillAmount} every {@code refillPeriod}. */
  public static Limit of(String name, long capacity, long refillAmount, Duration refillPeriod) {
    return new Limit(name, capacity, refillAmount, refillPeriod);
  }

  /** {@code rate} tokens per second, burst {@code rate}. */
  public static Limit perSecond(String name, long rate) {
    return of(name, rate, rate, Duration.ofSeconds(1));
  }

  /** {@code rate} tokens per minute, burst {@code rate}. */
  public static Limit perMinute(String name, long rate) {
    return of(name, rate, rate, Duration.ofMinutes(1));
  }

  /** {@code rate} tokens per hour, burst {@code rate}. */
  public static Limit perHour(String name, long rate) {
    return of(name, rate, rate, Duration.ofHours(1));
  }

  /** {@code rate} tokens per day, burst {@code rate}. */
  public static Limit perDay(String name, long rate) {
    return of(name, rate, rate, Duration.ofDays(1));
  }

  /** The same refill with a different capacity (the largest burst a full bucket admits). */
  public Limit withBurst(long burst) {
    return new Limit(name, burst, refillAmount, refillPeriod);
  }

  /** The limit's name, unique among the limits of one acquire. */
  public String name() {
    return name;
  }

  /** Tokens a full bucket holds. */
  public long capacity() {
    return capacity;
  }

  /** Tokens added every {@link #refillPeriod()}. */
  public long refillAmount() {
    return refillAmount;
  }

  /** Period over which {@link #refillAmount()} tokens are added. */
  public Duration refillPeriod() {
    return refillPeriod;
  }

  /** Nanoseconds of bucket time that {@code tokens} tokens cost: {@code ⌈tokens·period/refill⌉}. */
  long costNanos(long tokens) {
    long high = Math.multiplyHigh(tokens, periodNanos);
    long low = tokens * periodNanos;
    if (high == 0 && low >= 0) {
      long quotient = low / refillAmount;
      return low % refillAmount == 0 ? quotient : quotient + 1;
    }
    return ceilMulDiv(BigInteger.valueOf(tokens), periodNanos, refillAmount).longValueExact();
  }

  /**
   * Whole tokens that {@code nanos} ns of bucket time pay for: {@code ⌊nanos·refill/period⌋}, 0 for
   * none.
   */
  long tokensWithin(long nanos) {
    if (nanos <= 0) {
      return 0;
    }
    return BigInteger.valueOf(nanos)
        .multiply(BigInteger.valueOf(refillAmount))
        .divide(BigInteger.valueOf(periodNanos))
        .min(BigInteger.valueOf(Long.MAX_VALUE))
        .longValueExact();
  }

  /** GCRA tolerance: the bucket time a full bucket holds, {@code ⌈capacity·period/refill⌉} ns. */
  long toleranceNanos() {
    return toleranceNanos;
  }

  /**
   * Tokens available at {@code nowNanos} for a bucket whose theoretical arrival time is {@code
   * tat}; negative while the bucket is in debt.
   */
  long available(long tat, long nowNanos) {
    long used = Math.max(tat, nowNanos) - nowNanos;
    BigInteger free =
        BigInteger.valueOf(toleranceNanos)
            .subtract(BigInteger.valueOf(used))
            .multiply(BigInteger.valueOf(refillAmount));
    BigInteger[] division = free.divideAndRemainder(BigInteger.valueOf(periodNanos));
    BigInteger tokens =
        division[1].signum() < 0 ? division[0].subtract(BigInteger.ONE) : division[0];
    return Math.min(capacity, tokens.max(BigInteger.valueOf(Long.MIN_VALUE)).longValue());
  }

  /** Whether {@code tokens} can be taken at {@code nowNanos} from a bucket at {@code tat}. */
  boolean admits(long tat, long nowNanos, long tokens) {
    return waitNanos(tat, nowNanos, tokens) == 0;
  }

  /** Nanoseconds until {@code tokens} can be taken from a bucket at {@code tat}; 0 when now. */
  long waitNanos(long tat, long nowNanos, long tokens) {
    // Saturating: a time decoded from a foreign or legacy item may be near the end of the long
    // range.
    BigInteger after =
        BigInteger.valueOf(Math.max(tat, nowNanos)).add(BigInteger.valueOf(costNanos(tokens)));
    BigInteger wait =
        after.subtract(BigInteger.valueOf(nowNanos)).subtract(BigInteger.valueOf(toleranceNanos));
    return wait.max(BigInteger.ZERO).min(BigInteger.valueOf(Long.MAX_VALUE)).longValueExact();
  }

  /**
   * The bucket time a refusal of this limit at {@code nowNanos} reveals: refused {@code requested}
   * tokens with an exact {@code retryAfter r}, the bucket sits at {@code now + τ + r − cost}.
   */
  long tatRevealedBy(Violation violation, long nowNanos) {
    return nowNanos
        + toleranceNanos
        + violation.retryAfter().toNanos()
        - costNanos(violation.requested());
  }

  private static BigInteger ceilMulDiv(BigInteger a, long b, long c) {
    BigInteger[] division =
        a.multiply(BigInteger.valueOf(b)).divideAndRemainder(BigInteger.valueOf(c));
    return division[1].signum() == 0 ? division[0] : division[0].add(BigInteger.ONE);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Limit other
        && name.equals(other.name)
        && capacity == other.capacity
        && refillAmount == other.refillAmount
        && refillPeriod.equals(other.refillPeriod);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, capacity, refillAmount, refillPeriod);
  }

  @Override
  public String toString() {
    return name + "(capacity=" + capacity + ", refill=" + refillAmount + "/" + refillPeriod + ")";
  }
}
