package dev.limiter.sandbox.bench;

import dev.limiter.testkit.ConsumedCapacityRecorder;

/** A measured phase of one engine in one scenario, with the DynamoDB work it cost. */
record Measurement(
    String engine,
    Scenario scenario,
    PhaseResult phase,
    long calls,
    double writeUnits,
    double readUnits) {

  /** Pairs {@code phase} with what {@code engine}'s recorder counted since its last reset. */
  static Measurement of(Engine engine, Scenario scenario, PhaseResult phase) {
    ConsumedCapacityRecorder recorder = engine.recorder();
    return new Measurement(
        engine.name(),
        scenario,
        phase,
        recorder.totalCalls(),
        recorder.writeUnits(),
        recorder.readUnits());
  }

  double callsPerAcquire() {
    return calls / (double) phase.acquires();
  }

  double writeUnitsPerAcquire() {
    return writeUnits / phase.acquires();
  }

  double readUnitsPerAcquire() {
    return readUnits / phase.acquires();
  }

  /** Read and write units together: what the acquires cost on an on-demand bill, in units. */
  double capacityUnitsPerAcquire() {
    return (writeUnits + readUnits) / phase.acquires();
  }
}
