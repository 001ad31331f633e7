package dev.limiter.operator.plan.automation;

import dev.limiter.operator.plan.GoDurations;
import dev.limiter.runtime.Limit;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The bucket writes per second of a key whose limiter instances reserve locally. Pure.
 *
 * <p>With window {@code W}, share {@code s}, {@code N} instances, {@code λ} declared acquires per
 * second and, per limit, a refill of {@code R} tokens per second and a capacity {@code C}: {@code
 * writes/s ≈ min(λ, max(N/W, Σ R/(s·C)))}. A reservation holds at most {@code s·C} tokens of a
 * limit and its slices lapse at the refill rate, so below the limit a key is renewed about {@code
 * R/(s·C)} times a second per limit; and each instance renews at least once per window. The two are
 * the same writes, not added ones: the instances' renewals are what takes the refill (the runtime's
 * {@code ReservationWritesTest} and the hot-key benchmark measure 10 writes a second for {@code
 * N/W} = 8 and {@code R/(s·C)} = 10). The sum over limits stays an upper bound (one write reserves
 * for every limit). Without a declared instance count only the renewals are known, and the estimate
 * says so.
 *
 * @param window the reservation window
 * @param maxShare the largest share of a capacity one reservation takes
 * @param instances the workload replicas declared to use the key, if declared
 * @param acquiresPerSecond the declared acquires per second ({@code λ})
 * @param writesPerSecond the estimated bucket writes per second
 */
public record ReservationEstimate(
    Duration window,
    double maxShare,
    Optional<Integer> instances,
    long acquiresPerSecond,
    double writesPerSecond) {

  /**
   * The estimate for {@code acquiresPerSecond} on a key with {@code limits}, reserved for {@code
   * window} at {@code maxShare} by {@code instances} (empty: not declared).
   *
   * @throws IllegalArgumentException when the window is zero (no reservation to estimate)
   */
  public static ReservationEstimate of(
      Duration window,
      double maxShare,
      Optional<Integer> instances,
      long acquiresPerSecond,
      List<Limit> limits) {
    if (window.isZero() || window.isNegative()) {
      throw new IllegalArgumentException("a reservation that is off has no estimate: " + window);
    }
    double renewals = 0;
    for (Limit limit : limits) {
      double refillPerSecond =
          limit.refillAmount() / (limit.refillPeriod().toNanos() / 1_000_000_000.0);
      renewals += refillPerSecond / (maxShare * limit.capacity());
    }
    double windowSeconds = window.toNanos() / 1_000_000_000.0;
    double perWindow = instances.map(n -> n / windowSeconds).orElse(0.0);
    return new ReservationEstimate(
        window,
        maxShare,
        instances,
        acquiresPerSecond,
        Math.min(acquiresPerSecond, Math.max(perWindow, renewals)));
  }

  /** The estimate in whole writes per second, rounded up (what a partition must absorb). */
  public long roundedWritesPerSecond() {
    return (long) Math.ceil(writesPerSecond);
  }

  /** The declared acquires the reservation spares the table, per second. */
  public long writesSaved() {
    return Math.max(0, acquiresPerSecond - roundedWritesPerSecond());
  }

  /** What the estimate rests on, e.g. {@code local reservation 1s (8 instances)}. */
  public String basis() {
    return "local reservation "
        + GoDurations.format(window)
        + instances
            .map(n -> " (" + n + (n == 1 ? " instance)" : " instances)"))
            .orElse(" (instances not declared)");
  }
}
