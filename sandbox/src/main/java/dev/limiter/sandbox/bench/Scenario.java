package dev.limiter.sandbox.bench;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * A load shape: {@code threads} callers, each picking one of {@code keys} keys uniformly per call,
 * over a network that adds {@code roundTrip} to every DynamoDB call.
 */
record Scenario(int threads, int keys, Duration roundTrip) {

  Scenario {
    if (threads < 1 || keys < 1 || roundTrip.isNegative()) {
      throw new IllegalArgumentException(
          "threads and keys must be at least 1 and the round trip not negative: "
              + threads
              + ", "
              + keys
              + ", "
              + roundTrip);
    }
  }

  /** A scenario on loopback, without added round-trip time. */
  Scenario(int threads, int keys) {
    this(threads, keys, Duration.ZERO);
  }

  /** The key of the next call. */
  String nextKey(RandomGenerator random) {
    return keys == 1 ? "k0" : "k" + random.nextInt(keys);
  }

  /** Short label for report rows. */
  String label() {
    return threads
        + " thr / "
        + keys
        + " key"
        + (keys == 1 ? "" : "s")
        + (roundTrip.isZero() ? "" : " / +" + roundTrip.toMillis() + " ms RTT");
  }
}
