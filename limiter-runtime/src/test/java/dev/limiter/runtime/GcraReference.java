package dev.limiter.runtime;

import java.math.BigInteger;

/**
 * The reference GCRA over true time for one limit (capacity {@code C}, {@code R} tokens per period
 * {@code P}, a token costs {@code P/R} ns, the bucket holds {@code τ = ⌈C·P/R⌉} ns), and the bound
 * every fleet of limiters on one bucket must respect.
 *
 * <p><b>The bound.</b> Let clients decide with clocks {@code o_i} ahead of true time (negative:
 * behind), {@code s = max(o_i, 0) − min(o_i, 0)} their spread (true time included), {@code t} the
 * true time elapsed since the bucket's first write, {@code w} the writes so far. Then the tokens
 * net-admitted (acquired plus charged minus refunded, as decided) satisfy
 *
 * <pre>
 *   admitted(t) ≤ C + R·(t + s + (w + 1) ns)/P + min(charged, debtPeriods·R) + undecidedRefunds
 * </pre>
 *
 * Why: every write moves the stored time by at least its net cost (an idle write jumps it to {@code
 * now'+cost}, which is no less than {@code t + cost}); the first write starts it at {@code now' ≥
 * min(o_i)}; acquires and refunds leave it at most {@code now' + τ ≤ t + max(o_i) + τ}, only
 * charges go beyond, at most by what they charged and by the debt bound. Rounding is per call and
 * against the caller but for under 1 ns per write. A client behind by {@code d} can raise the total
 * as much as one ahead by {@code d}: it takes from a bucket that looks fuller to it, and the others
 * then see its writes as {@code d} older. An undecided acquire counts as not admitted (it may have
 * taken its tokens once, which only lowers what others get); an undecided refund may have given its
 * tokens back, so the bound grants it.
 *
 * <p><b>Liveness.</b> With no faults, every request the reference admits over true time with its
 * bucket reduced by {@code s} (capacity {@code C − R·s/P}) is admitted: a client at offset {@code
 * o} refuses only if {@code tat + cost > now + o + τ}, and the stored time never exceeds the
 * reference's run at the fastest clock, {@code s} ahead of the slowest.
 */
record GcraReference(long capacity, long refill, long periodNanos) {

  static GcraReference of(Limit limit) {
    return new GcraReference(
        limit.capacity(), limit.refillAmount(), limit.refillPeriod().toNanos());
  }

  /** What {@code tokens} cost, in ns. */
  long cost(long tokens) {
    return ceilDiv(tokens * periodNanos, refill);
  }

  /** The bucket's depth, in ns, reduced by {@code spreadNanos}. */
  long tau(long spreadNanos) {
    return ceilDiv(capacity * periodNanos, refill) - spreadNanos;
  }

  /**
   * The bound on net-admitted tokens, scaled by {@code P} (exact integers): tokens·P ≤ the result.
   */
  BigInteger boundTimesPeriod(
      long elapsedNanos,
      long spreadNanos,
      long writes,
      long charged,
      int debtPeriods,
      long undecidedRefunds) {
    long debt = Math.min(charged, debtPeriods * refill);
    return BigInteger.valueOf(capacity + debt + undecidedRefunds)
        .multiply(BigInteger.valueOf(periodNanos))
        .add(
            BigInteger.valueOf(refill)
                .multiply(BigInteger.valueOf(elapsedNanos + spreadNanos + writes + 1)));
  }

  /** The bound as a number of tokens, rounded down. */
  long bound(
      long elapsedNanos,
      long spreadNanos,
      long writes,
      long charged,
      int debtPeriods,
      long undecidedRefunds) {
    return boundTimesPeriod(
            elapsedNanos, spreadNanos, writes, charged, debtPeriods, undecidedRefunds)
        .divide(BigInteger.valueOf(periodNanos))
        .longValueExact();
  }

  /** A reference bucket over true time, of depth {@code τ − spread}. */
  Bucket bucket(long spreadNanos) {
    return new Bucket(tau(spreadNanos));
  }

  /** The reference's state: its theoretical arrival time. */
  final class Bucket {
    private final long depth;
    private long tat = Long.MIN_VALUE;

    private Bucket(long depth) {
      this.depth = depth;
    }

    /** Admits {@code tokens} at true time {@code now} if the bucket holds them. */
    boolean tryAcquire(long now, long tokens) {
      long start = Math.max(tat, now);
      if (start + cost(tokens) - now > depth) {
        return false;
      }
      tat = start + cost(tokens);
      return true;
    }
  }

  private static long ceilDiv(long a, long b) {
    return Math.floorDiv(a + b - 1, b);
  }
}
