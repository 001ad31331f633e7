package dev.limiter.sandbox.bench;

/** What one timed phase of calls produced. */
record PhaseResult(
    long admitted, long rejected, long elapsedNanos, LatencySamples.Percentiles latency) {

  /** Calls made, admitted or not. */
  long acquires() {
    return admitted + rejected;
  }

  /** Calls per second of wall time. */
  double acquiresPerSecond() {
    return acquires() * 1e9 / elapsedNanos;
  }
}
