package dev.limiter.sandbox.bench;

import dev.limiter.runtime.ReservationStats;

/**
 * What an engine's writes in a measured phase were, for where a reserving engine's write units go.
 *
 * @param reservations what local reservation did ({@link ReservationStats#NONE} for an engine
 *     without it): local admissions, reserving writes, refused reservations, plain writes
 * @param updateItems UpdateItem calls, every attempt counted
 * @param failedConditions UpdateItems (and PutItems) rejected by their condition: refusals by the
 *     bucket and attempts that guessed the bucket's state wrong
 */
record WriteCounts(ReservationStats reservations, long updateItems, long failedConditions) {

  /**
   * Attempts beyond one per acquire write: each a write guessed against a stale state of the bucket
   * (idle for busy or the reverse) and sent again as corrected.
   */
  long misGuesses() {
    return Math.max(0, updateItems - reservations.reservationWrites() - reservations.plainWrites());
  }
}
