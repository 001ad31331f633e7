package dev.limiter.operator.plan.hierarchy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WritePacerTest {

  private static final Instant T0 = Instant.parse("2026-12-01T08:00:00Z");

  private record Spend(Instant at, int units) {}

  /** Spends {@code units} at a time, as soon as the pacer allows, for {@code duration}. */
  private static List<Spend> greedy(WritePacer pacer, int units, Duration duration) {
    List<Spend> spends = new ArrayList<>();
    Instant now = T0;
    while (now.isBefore(T0.plus(duration))) {
      Duration wait = pacer.waitFor(now, units);
      now = now.plus(wait);
      pacer = pacer.spend(now, units);
      spends.add(new Spend(now, units));
    }
    return spends;
  }

  private static int mostInAnySecond(List<Spend> spends) {
    int most = 0;
    for (Spend first : spends) {
      Instant end = first.at().plusSeconds(1);
      most =
          Math.max(
              most,
              spends.stream()
                  .filter(s -> !s.at().isBefore(first.at()) && s.at().isBefore(end))
                  .mapToInt(Spend::units)
                  .sum());
    }
    return most;
  }

  @Test
  void noWindowOfOneSecondHoldsMoreThanTheRateAndTheRateIsNearlyReached() {
    for (int units : new int[] {1, 2}) {
      List<Spend> spends = greedy(WritePacer.of(10, T0), units, Duration.ofSeconds(30));
      assertThat(mostInAnySecond(spends)).as("%d-unit writes", units).isLessThanOrEqualTo(10);
      assertThat(spends.stream().mapToInt(Spend::units).sum())
          .as("30 s of %d-unit writes", units)
          .isGreaterThanOrEqualTo(8 * 30);
    }
    List<Spend> fast = greedy(WritePacer.of(100, T0), 10, Duration.ofSeconds(10));
    assertThat(mostInAnySecond(fast)).isLessThanOrEqualTo(100);
  }

  @Test
  void burstIsATenthOfTheRateButAtLeastOneIndexedWrite() {
    assertThat(WritePacer.of(100, T0).burst()).isEqualTo(10);
    assertThat(WritePacer.of(10, T0).burst()).isEqualTo(2);
    assertThat(WritePacer.of(1, T0).burst()).isEqualTo(2);
  }

  @Test
  void anIdleBucketRefillsOnlyToItsBurstAndANewRateAppliesAtOnce() {
    WritePacer spent = WritePacer.of(100, T0).spend(T0, 10);
    assertThat(spent.waitFor(T0, 10)).isPositive();
    assertThat(spent.at(T0.plusSeconds(60)).tokens()).isEqualTo(10.0);
    WritePacer slower = spent.at(T0.plusSeconds(60)).withRate(10);
    assertThat(slower.tokens()).isEqualTo(2.0);
    assertThat(slower.waitFor(T0.plusSeconds(60), 2)).isZero();
  }
}
