package dev.limiter.operator.aws;

import java.time.Duration;

/** Waits; tests pass one that only advances a clock. */
@FunctionalInterface
public interface Sleeper {

  /** The real one: the calling thread sleeps (an interrupt ends the wait and is kept). */
  Sleeper THREAD =
      duration -> {
        try {
          Thread.sleep(duration.toMillis(), (int) (duration.toNanosPart() % 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      };

  /** Waits {@code duration}. */
  void sleep(Duration duration);
}
