package dev.limiter.sandbox.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.limiter.runtime.ReservationStats;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The hot-key benchmark's targets, checked on figures given by hand. */
class HotReportTest {

  private static final BucketSpec SPEC = new BucketSpec(100, 100, Duration.ofSeconds(1));
  private static final HotScenario BELOW = new HotScenario(1, Duration.ZERO, 0.8);
  private static final HotScenario OVER = new HotScenario(1, Duration.ZERO, 2.0);
  private static final LatencySamples.Percentiles NO_LATENCY = new LatencySamples.Percentiles(0, 0);
  private static final List<HotReport.Peer> ONE_PEER =
      List.of(new HotReport.Peer("b4j", "equal error size"));

  @Test
  void targetsPassOnTheirThresholds() {
    List<HotMeasurement> runs =
        List.of(
            // 200 admitted for 10 WCU: 0.05 WCU each, 20 per WCU
            measurement("res", BELOW, 200, 0, 10, 0, 0),
            // bound 100 + 100 · 2 s = 300; 270 admitted = 90 %
            measurement("res", OVER, 270, 100, 27, 0, 0),
            measurement("b4j", BELOW, 200, 0, 100, 0, 0),
            measurement("b4j", OVER, 270, 100, 270, 0, 0));
    List<HotMeasurement> refusals = List.of(measurement("res", OVER, 10, 300, 1, 250, 0));

    List<HotReport.Target> targets =
        HotReport.targets(runs, refusals, "res", List.of("res"), ONE_PEER);

    assertThat(targets).extracting(HotReport.Target::pass).containsOnly(true);
    assertThat(targets).hasSize(6);
  }

  @Test
  void targetsFailJustBeyondThemAndWhenNothingExercisedThem() {
    List<HotMeasurement> runs =
        List.of(
            measurement("res", BELOW, 200, 0, 10.2, 0, 0),
            // 301 admitted: 1 token over the bound
            measurement("res", OVER, 301, 100, 30, 0, 0),
            measurement("b4j", BELOW, 200, 0, 101, 0, 0),
            measurement("b4j", OVER, 269, 100, 269, 0, 0));
    List<HotMeasurement> refusals = List.of(measurement("res", OVER, 10, 300, 1, 0, 0));

    List<HotReport.Target> targets =
        HotReport.targets(runs, refusals, "res", List.of("res"), ONE_PEER);

    assertThat(targets)
        .extracting(HotReport.Target::name, HotReport.Target::pass)
        .contains(
            tuple("res, 1 key 80%: <= 0.05 WCU/admitted", false),
            tuple("res, 1 key 200%: 0 over-admission", false),
            tuple("res, 1 key 200%: >= 90% of the bound", true),
            tuple("res, every run: 0 calls for a refusal inside its retryAfter", false));
    assertThat(targets)
        .filteredOn(t -> t.name().contains("admitted/WCU"))
        .extracting(HotReport.Target::pass)
        .containsExactly(false, true);
  }

  @Test
  void aCallForAKnownRefusalFails() {
    List<HotMeasurement> refusals = List.of(measurement("res", OVER, 10, 300, 1, 250, 1));

    assertThat(HotReport.targets(List.of(), refusals, "res", List.of("res"), ONE_PEER))
        .extracting(HotReport.Target::pass)
        .containsExactly(false);
  }

  @Test
  void eachPeerGivesItsOwnLabelledTarget() {
    List<HotMeasurement> runs =
        List.of(
            // 20 admitted per WCU against 2, 4 and 200/190: 10x, 5x and 19x the peers
            measurement("res", BELOW, 200, 0, 10, 0, 0),
            measurement("batch", BELOW, 200, 0, 100, 0, 0),
            measurement("delay", BELOW, 200, 0, 50, 0, 0),
            measurement("delay-1", BELOW, 200, 0, 190, 0, 0),
            // each peer also under overload, where its line is printed too
            measurement("res", OVER, 270, 100, 270, 0, 0),
            measurement("delay-1", OVER, 280, 100, 140, 0, 0));
    List<HotReport.Peer> peers =
        List.of(
            new HotReport.Peer("batch", "equal over-admission bound, 0 tokens"),
            new HotReport.Peer("delay", "equal error size, 50 unsynchronized tokens"),
            new HotReport.Peer(
                "delay-1",
                "closest over-admission bound allowed, 1 token per instance, <= 8 over"));

    List<HotReport.Target> targets = HotReport.targets(runs, List.of(), "res", List.of(), peers);

    assertThat(targets)
        .filteredOn(t -> t.name().contains("admitted/WCU"))
        .extracting(HotReport.Target::name, HotReport.Target::figure, HotReport.Target::pass)
        .containsExactly(
            tuple(
                "res, 1 key 80%: >= 10x batch's admitted/WCU (equal over-admission bound, 0"
                    + " tokens)",
                "20.0 vs 2.0 = 10.00x", true),
            tuple(
                "res, 1 key 80%: >= 10x delay's admitted/WCU (equal error size, 50 unsynchronized"
                    + " tokens)",
                "20.0 vs 4.0 = 5.00x", false),
            tuple(
                "res, 1 key 80%: >= 10x delay-1's admitted/WCU (closest over-admission bound"
                    + " allowed, 1 token per instance, <= 8 over)",
                "20.0 vs 1.1 = 19.00x", true),
            tuple(
                "res, 1 key 200%: >= 10x delay-1's admitted/WCU (closest over-admission bound"
                    + " allowed, 1 token per instance, <= 8 over)",
                "1.0 vs 2.0 = 0.50x", false));
  }

  @Test
  void whereTheWritesGoCountsEachKindPerAdmittedAcquire() {
    HotMeasurement base = measurement("res", BELOW, 400, 0, 24, 0, 0);
    // 20 acquire writes (16 reserving, 2 of them refused and retried plainly, 4 plain) in 23
    // UpdateItems: 3 attempts corrected a mis-guessed branch; 5 conditions failed with the refusals
    WriteCounts writes = new WriteCounts(new ReservationStats(380, 16, 2, 4), 23, 5);
    HotMeasurement m =
        new HotMeasurement(
            base.engine(), BELOW, SPEC, base.run(), 23, base.writeUnits(), 0, writes);

    assertThat(writes.misGuesses()).isEqualTo(3);
    // ideal: 4 instances × the 2 s phase / 1 s window = 8 writes
    assertThat(HotReport.writes(List.of(m), 4, Duration.ofSeconds(1)))
        .contains(
            "95.0%",
            "8 (0.0200)",
            "16 (0.0400)",
            "4 (0.0100)",
            "2 (0.0050)",
            "3 (0.0075)",
            "5 (0.0125)",
            "23 (0.0575)",
            "24 (0.0600)");
  }

  /** A 2 s phase of {@code engine} whose admissions spanned exactly those 2 s. */
  private static HotMeasurement measurement(
      String engine,
      HotScenario scenario,
      long admitted,
      long rejected,
      double writeUnits,
      long knownRejections,
      long knownRejectionCalls) {
    HotRun run =
        new HotRun(
            List.of(admitted),
            rejected,
            0,
            0,
            0,
            knownRejectionCalls,
            knownRejections,
            knownRejectionCalls,
            2_000_000_000L,
            2_000_000_000L,
            NO_LATENCY,
            "");
    return new HotMeasurement(
        engine,
        scenario,
        SPEC,
        run,
        0,
        writeUnits,
        0,
        new WriteCounts(ReservationStats.NONE, 0, 0));
  }
}
