package dev.limiter.operator.plan.automation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReservationCreditTest {

  private static EntityDemand reserving(String entity, long acquires, Optional<Integer> instances) {
    return new EntityDemand(
        "tenants",
        entity,
        acquires,
        1,
        Optional.of(
            ReservationEstimate.of(
                Duration.ofSeconds(1),
                0.1,
                instances,
                acquires,
                ReservationEstimateTest.HOT_LIMITS)));
  }

  @Test
  void anEntityWithDeclaredInstancesCoveredByThePlanIsCreditedItsAcquiresLessItsEstimate() {
    ReservationCredit credit =
        ReservationCredit.of(30_000, List.of(reserving("hot", 20_000, Optional.of(8))));

    assertThat(credit).isEqualTo(new ReservationCredit(1, 20_000, 11));
    assertThat(credit.writesSaved()).isEqualTo(19_989);
  }

  @Test
  void anUndeclaredInstanceCountIsNeverCredited() {
    assertThat(
            ReservationCredit.of(
                30_000,
                List.of(
                    reserving("hot", 20_000, Optional.empty()),
                    new EntityDemand("tenants", "plain", 5_000, 1))))
        .isEqualTo(ReservationCredit.NONE);
  }

  @Test
  void onlyAcquiresThePlanCoversAreCreditedTheLargestSavingFirst() {
    ReservationCredit credit =
        ReservationCredit.of(
            30_000,
            List.of(
                reserving("warm", 15_000, Optional.of(8)),
                reserving("hot", 20_000, Optional.of(8)),
                reserving("small", 9_000, Optional.of(8))));

    assertThat(credit)
        .as("hot (20,000) and small (9,000) fit in 30,000 acquires/s; warm would not")
        .isEqualTo(new ReservationCredit(2, 29_000, 22));
  }

  @Test
  void aPlanSmallerThanTheEntitysAcquiresCreditsNothing() {
    assertThat(ReservationCredit.of(10_000, List.of(reserving("hot", 20_000, Optional.of(8)))))
        .isEqualTo(ReservationCredit.NONE);
  }
}
