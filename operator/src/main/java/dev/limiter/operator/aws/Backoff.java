package dev.limiter.operator.aws;

import java.time.Duration;

/**
 * Exponential backoff with full jitter: attempt {@code n} waits a random time up to {@code min(cap,
 * base·2^(n−1))}. Pure: the random draw is an argument.
 *
 * @param base the first attempt's ceiling
 * @param cap the largest ceiling
 * @param attempts attempts before giving up
 */
public record Backoff(Duration base, Duration cap, int attempts) {

  /** 50 ms doubling up to 2 s, 8 attempts: at most about 8 s of waiting in all. */
  public static final Backoff DEFAULT =
      new Backoff(Duration.ofMillis(50), Duration.ofSeconds(2), 8);

  /**
   * The wait before retry {@code attempt} (1 for the first retry), with {@code random} in [0, 1).
   */
  public Duration delay(int attempt, double random) {
    long ceiling = Math.min(cap.toMillis(), base.toMillis() << Math.min(attempt - 1, 30));
    return Duration.ofMillis((long) (ceiling * random));
  }
}
