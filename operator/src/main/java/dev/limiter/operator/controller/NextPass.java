package dev.limiter.operator.controller;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** When a resource is looked at again, for both reconcilers. */
final class NextPass {

  /** The shortest wait: it also paces a hierarchy's bounded passes on the table. */
  static final Duration MIN_DELAY = Duration.ofSeconds(1);

  private NextPass() {}

  /**
   * At the wake-up time a pass asked for, but never later than the resync period (a deferral of
   * hours must not suspend drift repair) nor sooner than {@link #MIN_DELAY}.
   */
  static Duration after(Instant now, Optional<Instant> wakeAt, Duration resync) {
    Duration delay =
        wakeAt
            .map(at -> Duration.between(now, at))
            .filter(d -> d.compareTo(resync) < 0)
            .orElse(resync);
    return delay.compareTo(MIN_DELAY) < 0 ? MIN_DELAY : delay;
  }
}
