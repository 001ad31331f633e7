package dev.limiter.sandbox.bench;

/** A run under a binding limit, with the most tokens the limit allows over its elapsed time. */
record CorrectnessRun(String engine, PhaseResult phase, double bound) {

  /** Whether the engine admitted no more than the limit allows. */
  boolean withinBound() {
    return phase.admitted() <= bound;
  }
}
