package dev.limiter.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limiter.runtime.FaultInjector.Fault;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Random interleavings of acquire, adjust, rollback and close from three limiters with
 * independently skewed clocks, some behind injected faults, on one bucket in DynamoDB Local,
 * checked against {@link GcraReference}: after every step the tokens net-admitted stay within its
 * bound (capacity, refill over true time, the clocks' spread, debt, undecided refunds), and with no
 * faults every request the reference admits with its bucket reduced by the spread is admitted. Each
 * try uses a fresh key; a failure prints jqwik's seed, and shrinking is bounded.
 */
class GcraBoundPropertiesTest {

  private static final Limit LIMIT = Limit.of("t", 20, 10, Duration.ofSeconds(1));
  private static final int DEBT_PERIODS = 1;
  private static final AtomicLong WORST_SAFETY_MARGIN = new AtomicLong(Long.MAX_VALUE);
  private static final AtomicLong REFERENCE_ADMITTED = new AtomicLong();
  private static SkewedFleet fleet;

  enum Kind {
    ACQUIRE,
    ADJUST,
    ROLLBACK,
    CLOSE,
    ADVANCE
  }

  /** One step: what, by which limiter (or which held lease), and how much. */
  record Step(Kind kind, int who, int amount) {}

  @BeforeContainer
  static void startFleet() {
    fleet = new SkewedFleet(3);
  }

  @AfterContainer
  static void stopFleet() {
    fleet.close();
    System.out.printf(
        "worst safety margin %d tokens; reference-admitted acquires all admitted: %d%n",
        WORST_SAFETY_MARGIN.get(), REFERENCE_ADMITTED.get());
  }

  @Property(tries = 50, shrinking = ShrinkingMode.BOUNDED)
  void admittedTokensStayWithinTheBound(
      @ForAll("offsets") List<Integer> offsetsMillis,
      @ForAll("faults") List<Fault> faults,
      @ForAll("steps") List<Step> steps) {
    try (SkewedFleet.Run run =
        fleet.run(LIMIT, DEBT_PERIODS, durations(offsetsMillis), faults, 0.15)) {
      List<Lease> held = new ArrayList<>();
      for (Step step : steps) {
        switch (step.kind()) {
          case ACQUIRE -> run.acquire(step.who(), step.amount()).ifPresent(held::add);
          case ADJUST -> lease(held, step).ifPresent(lease -> adjust(lease, step.amount() - 5));
          case ROLLBACK ->
              lease(held, step)
                  .ifPresent(
                      lease -> {
                        held.remove(lease);
                        run.finish(lease, true);
                      });
          case CLOSE ->
              lease(held, step)
                  .ifPresent(
                      lease -> {
                        held.remove(lease);
                        run.finish(lease, false);
                      });
          case ADVANCE -> run.advance(Duration.ofMillis(step.amount() * 60L));
        }
        assertThat(run.margin())
            .as(
                "admitted %d, bound %d after %s (offsets %s ms, faults %s)",
                run.tally().admitted(), run.bound(), step, offsetsMillis, faults)
            .isGreaterThanOrEqualTo(0);
      }
      held.forEach(lease -> run.finish(lease, false));
      assertThat(run.margin()).isGreaterThanOrEqualTo(0);
      WORST_SAFETY_MARGIN.accumulateAndGet(run.worstMargin(), Math::min);
    }
  }

  @Property(tries = 100, shrinking = ShrinkingMode.BOUNDED)
  void loadTheReferenceAdmitsIsNeverRefused(
      @ForAll("smallOffsets") List<Integer> offsetsMillis, @ForAll("steps") List<Step> steps) {
    List<Fault> none = List.of(Fault.NONE, Fault.NONE, Fault.NONE);
    try (SkewedFleet.Run run = fleet.run(LIMIT, DEBT_PERIODS, durations(offsetsMillis), none, 0)) {
      GcraReference.Bucket reference = run.reference().bucket(run.spreadNanos());
      List<Lease> held = new ArrayList<>();
      for (Step step : steps) {
        switch (step.kind()) {
          case ACQUIRE -> {
            long tokens = 1 + step.amount() % 4;
            if (reference.tryAcquire(run.elapsedNanos(), tokens)) {
              Optional<Lease> lease = run.acquire(step.who(), tokens);
              assertThat(lease)
                  .as(
                      "%d tokens the reference admits at %d ns (offsets %s ms)",
                      tokens, run.elapsedNanos(), offsetsMillis)
                  .isPresent();
              held.add(lease.get());
              REFERENCE_ADMITTED.incrementAndGet();
            }
          }
          case ADJUST, CLOSE ->
              lease(held, step)
                  .ifPresent(
                      lease -> {
                        held.remove(lease);
                        run.finish(lease, false);
                      });
          case ROLLBACK ->
              lease(held, step)
                  .ifPresent(
                      lease -> {
                        held.remove(lease);
                        run.finish(lease, true);
                      });
          case ADVANCE -> run.advance(Duration.ofMillis(step.amount() * 60L));
        }
      }
    }
  }

  @Provide
  Arbitrary<List<Integer>> offsets() {
    return Arbitraries.integers().between(-1_000, 1_000).list().ofSize(3);
  }

  @Provide
  Arbitrary<List<Integer>> smallOffsets() {
    return Arbitraries.oneOf(
        Arbitraries.just(List.of(0, 0, 0)),
        Arbitraries.integers().between(-300, 300).list().ofSize(3));
  }

  @Provide
  Arbitrary<List<Fault>> faults() {
    return Arbitraries.frequencyOf(
            Tuple.of(4, Arbitraries.just(Fault.NONE)),
            Tuple.of(
                6,
                Arbitraries.of(
                    Fault.SERVER_ERROR_AFTER_COMMIT, Fault.RESPONSE_LOST, Fault.THROTTLED)),
            Tuple.of(1, Arbitraries.just(Fault.DELAYED_PAST_TIMEOUT)))
        .list()
        .ofSize(3);
  }

  @Provide
  Arbitrary<List<Step>> steps() {
    Arbitrary<Kind> kinds =
        Arbitraries.frequency(
            Tuple.of(5, Kind.ACQUIRE),
            Tuple.of(2, Kind.ADJUST),
            Tuple.of(1, Kind.ROLLBACK),
            Tuple.of(2, Kind.CLOSE),
            Tuple.of(3, Kind.ADVANCE));
    return Combinators.combine(
            kinds, Arbitraries.integers().between(0, 2), Arbitraries.integers().between(1, 9))
        .as(Step::new)
        .list()
        .ofMinSize(20)
        .ofMaxSize(50);
  }

  private static Optional<Lease> lease(List<Lease> held, Step step) {
    return held.isEmpty()
        ? Optional.empty()
        : Optional.of(held.get((step.who() + step.amount()) % held.size()));
  }

  /**
   * Changes a lease by {@code delta} of its limit; a delta the lease refuses (below zero) changes
   * nothing.
   */
  private static void adjust(Lease lease, long delta) {
    try {
      lease.adjust(Map.of(LIMIT.name(), delta));
    } catch (IllegalArgumentException | IllegalStateException e) {
      // Refused before any write: a refund beyond what the lease took, or a finished lease.
    }
  }

  private static List<Duration> durations(List<Integer> millis) {
    return millis.stream().map(Duration::ofMillis).toList();
  }
}
