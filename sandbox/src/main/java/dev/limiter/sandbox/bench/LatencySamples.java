package dev.limiter.sandbox.bench;

import java.util.Arrays;
import java.util.List;

/**
 * Per-call latencies in nanoseconds, recorded by one thread; merged across threads for percentiles.
 */
final class LatencySamples {

  private long[] values = new long[16_384];
  private int size;

  /** Records one call's latency. */
  void add(long nanos) {
    if (size == values.length) {
      values = Arrays.copyOf(values, size * 2);
    }
    values[size++] = nanos;
  }

  /** The median and 99th percentile over all samples of {@code samples} (nearest rank). */
  static Percentiles percentiles(List<LatencySamples> samples) {
    long[] all = new long[samples.stream().mapToInt(s -> s.size).sum()];
    int offset = 0;
    for (LatencySamples s : samples) {
      System.arraycopy(s.values, 0, all, offset, s.size);
      offset += s.size;
    }
    Arrays.sort(all);
    return new Percentiles(rank(all, 0.50), rank(all, 0.99));
  }

  private static long rank(long[] sorted, double quantile) {
    if (sorted.length == 0) {
      return 0;
    }
    int index = (int) Math.ceil(quantile * sorted.length) - 1;
    return sorted[Math.max(0, index)];
  }

  /** Latency percentiles of a phase. */
  record Percentiles(long p50Nanos, long p99Nanos) {

    double p50Millis() {
      return p50Nanos / 1e6;
    }

    double p99Millis() {
      return p99Nanos / 1e6;
    }
  }
}
