package dev.limiter.operator.plan.automation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.limiter.runtime.Limit;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReservationEstimateTest {

  /** 20,000 a second (R/C = 1 per second) and 1.2 million a minute (R/C = 1/60 per second). */
  static final List<Limit> HOT_LIMITS =
      List.of(
          Limit.of("rps", 20_000, 20_000, Duration.ofSeconds(1)),
          Limit.of("rpm", 1_200_000, 1_200_000, Duration.ofMinutes(1)));

  @Test
  void writesAreTheRenewalsOfTheRefillWhenTheyExceedOnePerInstanceAndWindow() {
    ReservationEstimate estimate =
        ReservationEstimate.of(Duration.ofSeconds(1), 0.1, Optional.of(8), 20_000, HOT_LIMITS);

    // max(8 / 1 s, 20,000 / (0.1 × 20,000) + 20,000 / (0.1 × 1,200,000))
    assertThat(estimate.writesPerSecond()).isCloseTo(10 + 1 / 6.0, within(1e-9));
    assertThat(estimate.roundedWritesPerSecond()).isEqualTo(11);
    assertThat(estimate.writesSaved()).isEqualTo(19_989);
    assertThat(estimate.basis()).isEqualTo("local reservation 1s (8 instances)");
  }

  @Test
  void writesAreOnePerInstanceAndWindowWhenTheyExceedTheRenewals() {
    ReservationEstimate estimate =
        ReservationEstimate.of(Duration.ofMillis(100), 0.1, Optional.of(8), 20_000, HOT_LIMITS);

    // max(8 / 0.1 s, 10 + 1/6): each instance renews once a window, and those writes take the
    // refill
    assertThat(estimate.writesPerSecond()).isCloseTo(80, within(1e-9));
  }

  @Test
  void aShorterWindowAndASmallerShareRenewMoreOften() {
    ReservationEstimate estimate =
        ReservationEstimate.of(
            Duration.ofMillis(250),
            0.05,
            Optional.of(1),
            20_000,
            List.of(Limit.of("rps", 20_000, 20_000, Duration.ofSeconds(1))));

    assertThat(estimate.writesPerSecond()).isCloseTo(20, within(1e-9));
    assertThat(estimate.basis()).isEqualTo("local reservation 250ms (1 instance)");
  }

  @Test
  void withoutADeclaredInstanceCountOnlyTheRenewalsAreCountedAndTheBasisSaysSo() {
    ReservationEstimate estimate =
        ReservationEstimate.of(Duration.ofSeconds(1), 0.1, Optional.empty(), 20_000, HOT_LIMITS);

    assertThat(estimate.writesPerSecond()).isCloseTo(10 + 1 / 6.0, within(1e-9));
    assertThat(estimate.basis()).isEqualTo("local reservation 1s (instances not declared)");
  }

  @Test
  void neverMoreWritesThanAcquires() {
    ReservationEstimate estimate =
        ReservationEstimate.of(Duration.ofMillis(10), 0.1, Optional.of(100), 50, HOT_LIMITS);

    assertThat(estimate.writesPerSecond()).isEqualTo(50);
    assertThat(estimate.writesSaved()).isZero();
  }

  @Test
  void aReservationThatIsOffHasNoEstimate() {
    assertThatThrownBy(
            () -> ReservationEstimate.of(Duration.ZERO, 0.1, Optional.of(8), 20_000, HOT_LIMITS))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
