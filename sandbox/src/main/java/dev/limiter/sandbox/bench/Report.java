package dev.limiter.sandbox.bench;

import java.util.List;
import java.util.Locale;

/** Renders the benchmark's results as tables. */
final class Report {

  private Report() {}

  /** One row per engine and scenario. */
  static String throughput(List<Measurement> measurements) {
    ReportTable table =
        new ReportTable(
            "engine",
            "threads",
            "keys",
            "acquires/s",
            "p50 ms",
            "p99 ms",
            "calls/acq",
            "WCU/acq",
            "RCU/acq",
            "admitted",
            "rejected");
    for (Measurement m : measurements) {
      PhaseResult phase = m.phase();
      table.row(
          m.engine(),
          m.scenario().threads(),
          m.scenario().keys(),
          format("%.0f", phase.acquiresPerSecond()),
          format("%.2f", phase.latency().p50Millis()),
          format("%.2f", phase.latency().p99Millis()),
          format("%.3f", m.callsPerAcquire()),
          format("%.3f", m.writeUnitsPerAcquire()),
          format("%.3f", m.readUnitsPerAcquire()),
          phase.admitted(),
          phase.rejected());
    }
    return table.render();
  }

  /** One row per engine: admissions against the limit's bound. */
  static String correctness(List<CorrectnessRun> runs) {
    ReportTable table =
        new ReportTable(
            "engine",
            "elapsed s",
            "admitted",
            "rejected",
            "bound = capacity + refill*elapsed",
            "admitted/bound",
            "within bound");
    for (CorrectnessRun run : runs) {
      PhaseResult phase = run.phase();
      table.row(
          run.engine(),
          format("%.3f", phase.elapsedNanos() / 1e9),
          phase.admitted(),
          phase.rejected(),
          format("%.1f", run.bound()),
          format("%.1f%%", 100 * phase.admitted() / run.bound()),
          run.withinBound() ? "yes" : "NO");
    }
    return table.render();
  }

  /** Per scenario: our limiter's throughput and capacity units per acquire over Bucket4j's. */
  static String ratios(List<Measurement> measurements) {
    ReportTable table = new ReportTable("scenario", "throughput", "capacity units/acquire");
    for (Measurement ours : measurements) {
      if (!ours.engine().equals(LimiterEngine.NAME)) {
        continue;
      }
      Measurement theirs =
          measurements.stream()
              .filter(
                  m ->
                      m.engine().equals(Bucket4jEngine.NAME)
                          && m.scenario().equals(ours.scenario()))
              .findFirst()
              .orElseThrow();
      table.row(
          ours.scenario().label(),
          format("%.2fx", ours.phase().acquiresPerSecond() / theirs.phase().acquiresPerSecond()),
          format("%.2fx", ours.capacityUnitsPerAcquire() / theirs.capacityUnitsPerAcquire()));
    }
    return table.render();
  }

  private static String format(String pattern, double value) {
    return String.format(Locale.ROOT, pattern, value);
  }
}
