package dev.limiter.sandbox.bench;

import java.time.Duration;
import java.util.Locale;
import java.util.random.RandomGenerator;

/**
 * A paced load for the hot-key benchmark: {@code load} times the limit's refill rate in total,
 * offered by every instance in equal parts, on {@code keys} keys (one hot key, or keys picked
 * uniformly per call), over a network that adds {@code roundTrip} to every DynamoDB call.
 */
record HotScenario(int keys, Duration roundTrip, double load) {

  HotScenario {
    if (keys < 1 || roundTrip.isNegative() || !(load > 0)) {
      throw new IllegalArgumentException(
          "keys must be at least 1, the round trip not negative and the load positive: "
              + keys
              + ", "
              + roundTrip
              + ", "
              + load);
    }
  }

  /** Whether every call goes to one key, whose limit the load is measured against. */
  boolean hotKey() {
    return keys == 1;
  }

  /** Whether the offered load exceeds the limit's refill rate. */
  boolean overload() {
    return load > 1;
  }

  /**
   * The next call's key; {@code phase} keeps the keys of a warm-up apart from the measured ones,
   * whose buckets must start full.
   */
  String nextKey(String phase, RandomGenerator random) {
    return keys == 1 ? phase + "-hot" : phase + "-" + random.nextInt(keys);
  }

  /** Offered acquires per second, all instances together, for {@code spec}. */
  double offeredPerSecond(BucketSpec spec) {
    return load * spec.refillTokens() / (spec.refillPeriod().toNanos() / 1e9);
  }

  /** Short label for report rows. */
  String label() {
    return (keys == 1 ? "1 key" : String.format(Locale.ROOT, "%,d keys", keys))
        + (roundTrip.isZero() ? "" : " +" + roundTrip.toMillis() + "ms")
        + " "
        + Math.round(load * 100)
        + "%";
  }
}
