package dev.limiter.sandbox.bench;

import java.util.List;

/**
 * What a paced phase produced, over all instances.
 *
 * @param admittedPerInstance admitted calls of each instance, in instance order
 * @param rejected refused calls
 * @param failed calls that ended in an exception
 * @param dropped arrivals never called (still queued when the drain time ran out)
 * @param admittedCalls DynamoDB calls made by admitted calls
 * @param rejectedCalls DynamoDB calls made by refused calls
 * @param knownRejections refusals that started inside an earlier refusal's {@code retryAfter} on
 *     the same instance and key
 * @param knownRejectionCalls DynamoDB calls those made
 * @param durationNanos how long arrivals were offered
 * @param boundNanos from the phase's start to the end of its last admitted call (the interval all
 *     admissions lie in); 0 when nothing was admitted
 * @param latency percentiles from scheduled arrival to the call's end
 * @param firstFailure the first failed call's exception, as text, or empty
 */
record HotRun(
    List<Long> admittedPerInstance,
    long rejected,
    long failed,
    long dropped,
    long admittedCalls,
    long rejectedCalls,
    long knownRejections,
    long knownRejectionCalls,
    long durationNanos,
    long boundNanos,
    LatencySamples.Percentiles latency,
    String firstFailure) {

  HotRun {
    admittedPerInstance = List.copyOf(admittedPerInstance);
  }

  /** Sums {@code tallies} of a phase that began at {@code startNanos}. */
  static HotRun of(List<InstanceTally> tallies, long startNanos, long durationNanos, long dropped) {
    long last = tallies.stream().mapToLong(InstanceTally::lastAdmissionNanos).max().orElseThrow();
    return new HotRun(
        tallies.stream().map(InstanceTally::admitted).toList(),
        tallies.stream().mapToLong(InstanceTally::rejected).sum(),
        tallies.stream().mapToLong(InstanceTally::failed).sum(),
        dropped,
        tallies.stream().mapToLong(InstanceTally::admittedCalls).sum(),
        tallies.stream().mapToLong(InstanceTally::rejectedCalls).sum(),
        tallies.stream().mapToLong(InstanceTally::knownRejections).sum(),
        tallies.stream().mapToLong(InstanceTally::knownRejectionCalls).sum(),
        durationNanos,
        last == Long.MIN_VALUE ? 0 : Math.max(0, last - startNanos),
        InstanceTally.percentiles(tallies),
        tallies.stream()
            .flatMap(t -> t.firstFailure().stream())
            .map(Throwable::toString)
            .findFirst()
            .orElse(""));
  }

  /** Arrivals offered: admitted, refused, failed or dropped. */
  long offered() {
    return admitted() + rejected + failed + dropped;
  }

  /** Admitted calls over all instances. */
  long admitted() {
    return admittedPerInstance.stream().mapToLong(Long::longValue).sum();
  }

  /**
   * Admitted calls per second over the phase, or over the span admissions took when calls queued
   * past its end.
   */
  double admittedPerSecond() {
    return admitted() * 1e9 / Math.max(durationNanos, boundNanos);
  }

  /** Refused calls per second, over the same time as {@link #admittedPerSecond()}. */
  double rejectedPerSecond() {
    return rejected * 1e9 / Math.max(durationNanos, boundNanos);
  }

  /** The smallest instance's share of the admissions (0 when none). */
  double minShare() {
    long total = admitted();
    return total == 0
        ? 0
        : admittedPerInstance.stream().mapToLong(Long::longValue).min().orElse(0) / (double) total;
  }

  /** The largest instance's share of the admissions (0 when none). */
  double maxShare() {
    long total = admitted();
    return total == 0
        ? 0
        : admittedPerInstance.stream().mapToLong(Long::longValue).max().orElse(0) / (double) total;
  }

  /** DynamoDB calls per refused call, attributed to the thread that made them. */
  double callsPerRejection() {
    return rejected == 0 ? 0 : rejectedCalls / (double) rejected;
  }
}
