package dev.limiter.runtime;

import java.time.Duration;
import java.util.Objects;

/**
 * How a limiter instance reserves tokens of a hot key for local admission.
 *
 * <p>When one instance acquires often on the same bucket, its write asks, per limit, for its own
 * tokens plus a batch: what this instance is expected to use within {@code window} at its own
 * observed rate, never more than {@code maxShare} of the limit's capacity nor of what the bucket
 * has left. The following acquires on that key are admitted locally, without a DynamoDB call, while
 * the reserved tokens last and the window is open. Every reserved token left the shared bucket
 * before it is admitted, and a token is admitted locally only if its slice of bucket time starts at
 * or after its admission, so the global bound {@code C + R·t/P} holds over every interval with any
 * number of instances. The price is fairness: tokens held by one instance never exceed, per limit,
 * {@code min(rate × window, maxShare × capacity)} and shrink to single requests near the limit;
 * across N instances at most {@code N × maxShare × capacity} are held while another instance may be
 * refused.
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
