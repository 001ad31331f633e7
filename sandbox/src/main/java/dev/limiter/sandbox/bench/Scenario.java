package dev.limiter.sandbox.bench;

import java.util.random.RandomGenerator;

/** A load shape: {@code threads} callers, each picking one of {@code keys} keys uniformly per call. */
record Scenario(int threads, int keys) {

  Scenario {
    if (threads < 1 || keys < 1) {
      throw new IllegalArgumentException("threads and keys must be at least 1: " + threads + ", " + keys);
    }
  }

  /** The key of the next call. */
  String nextKey(RandomGenerator random) {
    return keys == 1 ? "k0" : "k" + random.nextInt(keys);
  }

  /** Short label for report rows. */
  String label() {
    return threads + " thr / " + keys + " key" + (keys == 1 ? "" : "s");
  }
}
