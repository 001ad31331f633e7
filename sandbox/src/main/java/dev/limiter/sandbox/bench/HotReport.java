package dev.limiter.sandbox.bench;

import dev.limiter.runtime.ReservationStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Renders the hot-key benchmark's figures and checks its targets. */
final class HotReport {

  /** WCU per admitted acquire allowed on one hot key below its limit, with reservation. */
  static final double MAX_WCU_PER_ADMITTED = 0.05;

  /** Share of the bound that must be admitted on one hot key under overload. */
  static final double MIN_BOUND_SHARE = 0.90;

  /** Throughput per WCU over the best of Bucket4j's optimizations. */
  static final double MIN_PER_WCU_RATIO = 10;

  private HotReport() {}

  /** One row per measurement, in the order given. */
  static String figures(List<HotMeasurement> measurements) {
    ReportTable table =
        new ReportTable(
            "engine",
            "scenario",
            "admitted/s",
            "refused/s",
            "p50 ms",
            "p99 ms",
            "calls/adm",
            "WCU/adm",
            "RCU/adm",
            "calls/rej",
            "known rej: n / calls",
            "adm/bound",
            "over",
            "spread min-max",
            "dropped/failed");
    for (HotMeasurement m : measurements) {
      HotRun run = m.run();
      boolean bounded = m.scenario().hotKey() && m.scenario().overload();
      table.row(
          m.engine(),
          m.scenario().label(),
          format("%.0f", run.admittedPerSecond()),
          format("%.0f", run.rejectedPerSecond()),
          format("%.2f", run.latency().p50Millis()),
          format("%.2f", run.latency().p99Millis()),
          format("%.3f", m.callsPerAdmitted()),
          format("%.3f", m.writeUnitsPerAdmitted()),
          format("%.3f", m.readUnitsPerAdmitted()),
          run.rejected() == 0 ? "-" : format("%.3f", run.callsPerRejection()),
          run.knownRejections() + " / " + run.knownRejectionCalls(),
          bounded ? format("%.1f%%", 100 * m.boundShare()) : "-",
          bounded ? Long.toString(m.overAdmission()) : "-",
          format("%.1f", 100 * run.minShare()) + "-" + format("%.1f%%", 100 * run.maxShare()),
          run.dropped() + "/" + run.failed());
    }
    return table.render();
  }

  /**
   * One row per measurement of a reserving engine: where its writes go, each count also per
   * admitted acquire, beside the ideal of one reserving write per instance per {@code window}.
   */
  static String writes(List<HotMeasurement> measurements, int instances, Duration window) {
    ReportTable table =
        new ReportTable(
            "engine",
            "scenario",
            "admitted",
            "local",
            "ideal writes",
            "reserving writes",
            "plain writes",
            "refused reservations",
            "extra attempts",
            "failed conditions",
            "UpdateItems",
            "WCU");
    for (HotMeasurement m : measurements) {
      WriteCounts writes = m.writes();
      ReservationStats reservations = writes.reservations();
      double ideal = (double) instances * m.run().durationNanos() / window.toNanos();
      table.row(
          m.engine(),
          m.scenario().label(),
          m.run().admitted(),
          m.run().admitted() == 0
              ? "-"
              : format("%.1f%%", 100.0 * reservations.localAdmissions() / m.run().admitted()),
          perAdmitted(m, ideal),
          perAdmitted(m, reservations.reservationWrites()),
          perAdmitted(m, reservations.plainWrites()),
          perAdmitted(m, reservations.refusedReservations()),
          perAdmitted(m, writes.misGuesses()),
          perAdmitted(m, writes.failedConditions()),
          perAdmitted(m, writes.updateItems()),
          perAdmitted(m, m.writeUnits()));
    }
    return table.render();
  }

  /** {@code count}, then per admitted acquire: "18 (0.0450)". */
  private static String perAdmitted(HotMeasurement m, double count) {
    return format("%.0f", count) + " (" + format("%.4f", m.perAdmitted(count)) + ")";
  }

  /** One row per engine: what its refusals cost. */
  static String refusals(List<HotMeasurement> checks) {
    ReportTable table =
        new ReportTable(
            "engine",
            "admitted",
            "refused",
            "calls/rej",
            "inside an earlier retryAfter",
            "their calls",
            "dropped/failed");
    for (HotMeasurement m : checks) {
      HotRun run = m.run();
      table.row(
          m.engine(),
          run.admitted(),
          run.rejected(),
          run.rejected() == 0 ? "-" : format("%.3f", run.callsPerRejection()),
          run.knownRejections(),
          run.knownRejectionCalls(),
          run.dropped() + "/" + run.failed());
    }
    return table.render();
  }

  /**
   * Of {@code candidates}, the engine admitting the most per WCU over all hot-key scenarios
   * together.
   */
  static String bestPerWriteUnit(List<HotMeasurement> measurements, List<String> candidates) {
    return candidates.stream()
        .max(
            Comparator.comparingDouble(
                name -> {
                  double admitted = 0;
                  double units = 0;
                  for (HotMeasurement m : of(measurements, name)) {
                    if (m.scenario().hotKey()) {
                      admitted += m.run().admitted();
                      units += m.writeUnits();
                    }
                  }
                  return units == 0 ? 0 : admitted / units;
                }))
        .orElseThrow();
  }

  /**
   * A Bucket4j engine the throughput-per-WCU target is read against, and the reading it stands for
   * (how it is tuned against our reservation), e.g. "equal over-admission bound, 0 tokens".
   */
  record Peer(String engine, String reading) {}

  /** A checked target: what it is, the figure measured, and whether it was met. */
  record Target(String name, String figure, boolean pass) {}

  /**
   * The targets, each on every scenario it applies to: {@code refusals} are the runs on a
   * refusing key, {@code reserving} is our engine with reservation, {@code ours} every engine of
   * ours, {@code peers} the Bucket4j engines to compare with, each giving its own 10× target. A
   * target nothing exercised fails.
   */
  static List<Target> targets(
      List<HotMeasurement> measurements,
      List<HotMeasurement> refusals,
      String reserving,
      List<String> ours,
      List<Peer> peers) {
    List<Target> targets = new ArrayList<>();
    for (HotMeasurement m : of(measurements, reserving)) {
      if (!m.scenario().hotKey()) {
        continue;
      }
      String where = reserving + ", " + m.scenario().label();
      if (m.scenario().overload()) {
        targets.add(
            new Target(
                where + ": 0 over-admission",
                m.overAdmission() + " tokens over " + format("%.0f", m.bound()),
                m.overAdmission() == 0));
        targets.add(
            new Target(
                where + ": >= " + format("%.0f%%", 100 * MIN_BOUND_SHARE) + " of the bound",
                format("%.1f%%", 100 * m.boundShare()),
                m.boundShare() >= MIN_BOUND_SHARE));
      } else {
        targets.add(
            new Target(
                where + ": <= " + MAX_WCU_PER_ADMITTED + " WCU/admitted",
                format("%.4f", m.writeUnitsPerAdmitted()),
                m.writeUnitsPerAdmitted() <= MAX_WCU_PER_ADMITTED));
      }
      for (Peer peer : peers) {
        find(measurements, peer.engine(), m.scenario())
            .ifPresent(theirs -> targets.add(perWriteUnit(where, m, peer, theirs)));
      }
    }
    List<HotMeasurement> all = new ArrayList<>(measurements);
    all.addAll(refusals);
    for (String engine : ours) {
      long known = 0;
      long calls = 0;
      for (HotMeasurement m : of(all, engine)) {
        known += m.run().knownRejections();
        calls += m.run().knownRejectionCalls();
      }
      targets.add(
          new Target(
              engine + ", every run: 0 calls for a refusal inside its retryAfter",
              calls + " calls for " + known + " such refusals",
              known > 0 && calls == 0));
    }
    return targets;
  }

  private static Target perWriteUnit(
      String where, HotMeasurement ours, Peer peer, HotMeasurement theirs) {
    double ratio = ours.admittedPerWriteUnit() / theirs.admittedPerWriteUnit();
    return new Target(
        where
            + ": >= "
            + format("%.0fx", MIN_PER_WCU_RATIO)
            + " "
            + peer.engine()
            + "'s admitted/WCU ("
            + peer.reading()
            + ")",
        format("%.1f", ours.admittedPerWriteUnit())
            + " vs "
            + format("%.1f", theirs.admittedPerWriteUnit())
            + " = "
            + format("%.2fx", ratio),
        ratio >= MIN_PER_WCU_RATIO);
  }

  /** One line per target. */
  static String targetLines(List<Target> targets) {
    ReportTable table = new ReportTable("target", "measured", "result");
    targets.forEach(t -> table.row(t.name(), t.figure(), t.pass() ? "PASS" : "FAIL"));
    return table.render();
  }

  private static List<HotMeasurement> of(List<HotMeasurement> measurements, String engine) {
    return measurements.stream().filter(m -> m.engine().equals(engine)).toList();
  }

  private static Optional<HotMeasurement> find(
      List<HotMeasurement> measurements, String engine, HotScenario scenario) {
    return measurements.stream()
        .filter(m -> m.engine().equals(engine) && m.scenario().equals(scenario))
        .findFirst();
  }

  private static String format(String pattern, double value) {
    return String.format(Locale.ROOT, pattern, value);
  }
}
