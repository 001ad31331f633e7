package dev.limiter.operator.plan.hierarchy;

import dev.limiter.operator.api.LocalReservationSpec;
import dev.limiter.operator.plan.GoDurations;
import dev.limiter.runtime.LocalReservation;
import java.time.Duration;

/**
 * A declared {@link LocalReservationSpec} as the runtime's {@link LocalReservation}, with the
 * runtime's range checked here so that a spec stored without admission is reported, not thrown at
 * the runtime's constructor. Pure.
 */
public final class DeclaredReservations {

  /** The runtime's largest share of a capacity one reservation takes (0.5), in percent. */
  private static final int MAX_SHARE_PERCENT = 50;

  private DeclaredReservations() {}

  /** A declared reservation the runtime cannot hold: the field at fault and why. */
  public static final class Refused extends IllegalArgumentException {
    private final String field;

    Refused(String field, String message) {
      super(message);
      this.field = field;
    }

    /** The field at fault, e.g. {@code window}. */
    public String field() {
      return field;
    }
  }

  /**
   * The runtime's reservation {@code spec} declares.
   *
   * @throws Refused when its window is not a duration, is neither 0s nor within 10ms to 60s, or its
   *     share is outside 1 to 50 percent
   */
  public static LocalReservation of(LocalReservationSpec spec) {
    Duration window;
    try {
      window = GoDurations.parse(spec.window());
    } catch (IllegalArgumentException e) {
      throw new Refused("window", e.getMessage());
    }
    if (!window.isZero()
        && (window.compareTo(LocalReservation.MIN_WINDOW) < 0
            || window.compareTo(LocalReservation.MAX_WINDOW) > 0)) {
      throw new Refused("window", spec.window() + " is neither 0s (off) nor within 10ms to 60s");
    }
    int percent = spec.maxSharePercentOrDefault();
    if (percent < 1 || percent > MAX_SHARE_PERCENT) {
      throw new Refused("maxSharePercent", "must be 1 to 50, got " + percent);
    }
    return new LocalReservation(window, percent / 100.0);
  }
}
