package dev.limiter.runtime;

import java.time.Duration;
import java.util.Objects;

/**
 * How a limiter instance reserves tokens of a hot key for local admission.
 *
 * <p>When one instance acquires often on the same bucket (at least two requests of that size
 * expected per window at its observed rate), its write asks, per limit, for the request's tokens
 * plus a batch sized to last the window: {@code max(rate × window, the refill from the reserved
 * time's start to the window's close)}. The following acquires on that key are admitted locally,
 * without a DynamoDB call, while the reserved tokens last and the window is open.
 *
 * <p><b>Strict.</b> Every reserved token left the shared bucket before it is admitted, and a token
 * is admitted locally only into a slice of bucket time that starts at or after its admission and
 * ends by the reserving write's time plus the bucket's depth, the property that bounds GCRA, so
 * {@code C + R·t/P} holds over every interval with any number of instances. Reserved time whose
 * start has passed unused lapses at the refill rate.
 *
 * <p><b>Fairness.</b> Per limit, what one instance holds reserved and unused never exceeds {@code
 * maxShare × capacity}, and each reservation takes at most {@code maxShare} of what the bucket was
 * last known to have left: near the limit reservations shrink geometrically and then stop, and
 * acquires are single-request writes with exact decisions. Across N instances at most {@code N ×
 * maxShare × capacity} is held while another instance may be refused.
 *
 * <p><b>Leftovers and refunds.</b> When the window closes or the limiter is closed, what is left
 * lapses (no write). No refund gives back time the latest reservation of a bucket holds (GCRA takes
 * a refund off the end of the bucket's time, which lies inside it): a lease admitted locally, or by
 * the write that reserved (its slice is the reservation's first), gives back into its own open
 * reservation instead, and other refunds are cut to the time beyond it.
 *
 * <p><b>Lost answers and outages.</b> A reserving write whose answer is lost keeps its segment only
 * when the recognising retry finds it applied with nothing written since (the item is exactly its
 * result); applied under a later write, or undecided, it keeps none and the reserved tokens lapse.
 * While DynamoDB is known to be unavailable (the outage breaker is open), acquires an open
 * reservation covers on every side are still admitted from it, enforced: those tokens left the
 * shared bucket when reserved. Anything else gets {@link OnUnavailable} as without reservation.
 *
 * <p>Stored with the limits ({@link LimiterItems#limits(LimitScope, java.util.List,
 * LocalReservation, String)}) the most specific scope declaring one applies; {@link #OFF} declared
 * there turns it off.
 *
 * @param window how long a reservation is meant to last: {@link Duration#ZERO} for off, else 10 ms
 *     to 60 s (stored in milliseconds)
 * @param maxShare the largest share of a limit's capacity one reservation takes, in (0, 0.5]
 *     (stored in per-mille)
 */
public record LocalReservation(Duration window, double maxShare) {

  /** The share of capacity {@link #of(Duration)} reserves at most. */
  public static final double DEFAULT_MAX_SHARE = 0.1;

  /** The shortest window other than off. */
  public static final Duration MIN_WINDOW = Duration.ofMillis(10);

  /** The longest window. */
  public static final Duration MAX_WINDOW = Duration.ofSeconds(60);

  /** No reservation: every acquire writes. */
  public static final LocalReservation OFF = new LocalReservation(Duration.ZERO, DEFAULT_MAX_SHARE);

  /** Validates the window and the share. */
  public LocalReservation {
    Objects.requireNonNull(window, "window");
    if (!window.isZero()
        && (window.compareTo(MIN_WINDOW) < 0 || window.compareTo(MAX_WINDOW) > 0)) {
      throw new IllegalArgumentException(
          "a local reservation window must be 0 (off) or between "
              + MIN_WINDOW.toMillis()
              + " ms and "
              + MAX_WINDOW.toSeconds()
              + " s, not "
              + window);
    }
    if (!(maxShare > 0 && maxShare <= 0.5)) {
      throw new IllegalArgumentException(
          "a local reservation's maxShare must be in (0, 0.5], not " + maxShare);
    }
  }

  /** A reservation of {@code window} taking at most {@value #DEFAULT_MAX_SHARE} of a capacity. */
  public static LocalReservation of(Duration window) {
    return new LocalReservation(window, DEFAULT_MAX_SHARE);
  }

  /** Whether this reserves at all (a non-zero window). */
  public boolean enabled() {
    return !window.isZero();
  }
}
