package dev.limiter.runtime;

import java.time.Clock;
import java.time.Instant;

/** Bucket time: nanoseconds since the epoch on the limiter's clock. */
final class EpochNanos {

  private EpochNanos() {}

  static long now(Clock clock) {
    Instant now = clock.instant();
    return Math.addExact(Math.multiplyExact(now.getEpochSecond(), 1_000_000_000L), now.getNano());
  }
}
