package dev.limiter.sandbox.bench;

import dev.limiter.runtime.ReservationStats;
import dev.limiter.testkit.ConsumedCapacityRecorder;

/**
 * A measured paced phase of one engine's instances in one scenario, with the DynamoDB work all of
 * them did during it.
 */
record HotMeasurement(
    String engine,
    HotScenario scenario,
    BucketSpec spec,
    HotRun run,
    long calls,
    double writeUnits,
    double readUnits,
    WriteCounts writes) {

  /**
   * Pairs {@code run} with what {@code recorder} counted since its last reset and what {@code
   * reservations} did meanwhile.
   */
  static HotMeasurement of(
      String engine,
      HotScenario scenario,
      BucketSpec spec,
      HotRun run,
      ConsumedCapacityRecorder recorder,
      ReservationStats reservations) {
    return new HotMeasurement(
        engine,
        scenario,
        spec,
        run,
        recorder.totalCalls(),
        recorder.writeUnits(),
        recorder.readUnits(),
        new WriteCounts(
            reservations, recorder.calls("UpdateItem"), recorder.failedConditionalWrites()));
  }

  double callsPerAdmitted() {
    return perAdmitted(calls);
  }

  double writeUnitsPerAdmitted() {
    return perAdmitted(writeUnits);
  }

  double readUnitsPerAdmitted() {
    return perAdmitted(readUnits);
  }

  /** Admitted acquires per write unit consumed: throughput per WCU. */
  double admittedPerWriteUnit() {
    return writeUnits == 0 ? Double.POSITIVE_INFINITY : run.admitted() / writeUnits;
  }

  /**
   * The most one key's bucket, full at the phase's start, may admit over the interval all
   * admissions lie in: {@code C + R·t/P}.
   */
  double bound() {
    return spec.admissionBound(run.boundNanos());
  }

  /** Admitted over {@link #bound()}. */
  double boundShare() {
    return run.admitted() / bound();
  }

  /** Tokens admitted beyond {@link #bound()} (whole tokens, 0 when within it). */
  long overAdmission() {
    return Math.max(0, run.admitted() - (long) Math.floor(bound()));
  }

  /** {@code amount} per admitted acquire (0 when nothing was admitted). */
  double perAdmitted(double amount) {
    return run.admitted() == 0 ? 0 : amount / run.admitted();
  }
}
