package dev.limiter.operator.plan.hierarchy;

import java.time.Duration;
import java.time.Instant;

/**
 * A token bucket for the operator's own writes to one table. Pure: each method returns a new state.
 * It refills at {@code rate − burst} units per second up to {@code burst}, so that any window of
 * one second holds at most {@code rate} units however the writes fall (at rates below four units a
 * second, one and a half times the rate), as long as no spend exceeds {@link #burst()}.
 *
 * @param rate most write units in any second
 * @param tokens units that may be spent now
 * @param at when {@code tokens} was computed
 */
public record WritePacer(double rate, double tokens, Instant at) {

  /** Share of {@code rate} that may go at once: the rest is spread over the second. */
  private static final double BURST_SHARE = 0.1;

  /** The least burst: one write of an item with index keys (two units). */
  private static final double LEAST_BURST = 2;

  /** A full bucket of {@code rate} units per second at {@code now}. */
  public static WritePacer of(double rate, Instant now) {
    return new WritePacer(rate, burst(rate), now);
  }

  /** Units one call may spend at most (batches are cut to this). */
  public int burst() {
    return (int) burst(rate);
  }

  private static double burst(double rate) {
    return Math.max(LEAST_BURST, Math.floor(rate * BURST_SHARE));
  }

  private double refill() {
    // At the lowest rates the burst is most of the rate; refilling at half keeps writes going.
    return Math.max(rate - burst(rate), rate / 2);
  }

  /** The same bucket at {@code rate} units per second (the table's capacity changed). */
  public WritePacer withRate(double newRate) {
    return newRate == rate ? this : new WritePacer(newRate, Math.min(tokens, burst(newRate)), at);
  }

  /** The state at {@code now}, refilled. */
  public WritePacer at(Instant now) {
    if (!now.isAfter(at)) {
      return this;
    }
    double seconds = Duration.between(at, now).toNanos() / 1e9;
    return new WritePacer(rate, Math.min(burst(rate), tokens + seconds * refill()), now);
  }

  /** How long after {@code now} {@code units} (at most {@link #burst()}) may be spent. */
  public Duration waitFor(Instant now, int units) {
    double missing = Math.min(units, burst(rate)) - at(now).tokens;
    return missing <= 0
        ? Duration.ZERO
        : Duration.ofNanos((long) Math.ceil(missing / refill() * 1e9));
  }

  /**
   * The state after spending {@code units} at {@code now} (may go below zero: later spends then
   * wait).
   */
  public WritePacer spend(Instant now, int units) {
    WritePacer current = at(now);
    return new WritePacer(rate, current.tokens - units, current.at);
  }
}
