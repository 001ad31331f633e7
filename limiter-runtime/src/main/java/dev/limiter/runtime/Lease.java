package dev.limiter.runtime;

import java.util.Map;

/**
 * Tokens taken by an acquire. Adjust them once the real cost is known (an LLM call's actual token
 * count), roll them back when the work did not happen, and close the lease to write the
 * adjustments. Thread-safe; closing twice is harmless.
 */
public interface Lease extends AutoCloseable {

  /**
   * Tokens this lease accounts for per limit: what the acquire took plus pending adjustments. Empty
   * for a lease that enforces nothing.
   */
  Map<String, Long> consumed();

  /**
   * Changes the consumption by {@code deltas} (per limit name; positive takes more and may push the
   * bucket into debt, at most {@code debtPeriods} refill periods deep, beyond which the charge is
   * dropped; negative gives back, at most what has not refilled since the acquire). Written once,
   * on {@link #close()}.
   *
   * @throws IllegalArgumentException for a limit the acquire did not name, or deltas that would
   *     make the lease's consumption of a limit negative or overflow (nothing is changed)
   * @throws IllegalStateException after close or rollback
   */
  void adjust(Map<String, Long> deltas);

  /**
   * Gives back what the acquire took and has not refilled yet, and drops pending adjustments.
   *
   * @throws IllegalStateException after close
   * @throws RateLimiterException when DynamoDB refused the refund, and under {@link
   *     OnUnavailable#BLOCK} a {@link RateLimiterUnavailableException} when it was certainly not
   *     written ({@link UsageListener#onAdjustmentNotWritten}) or its outcome is unknown ({@link
   *     UsageListener#onUndecided}: given back once or not at all); the listener, told first on
   *     this thread, says which (a throttled refund is reported, not thrown)
   */
  void rollback();

  /**
   * Whether the lease holds real tokens; false when the table was unavailable under {@link
   * OnUnavailable#ALLOW}.
   */
  boolean enforced();

  /**
   * Writes pending adjustments.
   *
   * @throws RateLimiterException as {@link #rollback()} does
   */
  @Override
  void close();
}
