package dev.limiter.operator.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limiter.operator.api.CapacityPlan;
import dev.limiter.operator.plan.automation.ReservationCredit;
import org.junit.jupiter.api.Test;

class CapacityPlannerTest {

  @Test
  void planUsesOneWriteUnitPerBucketWriteAndHeadroom() {
    // The runbook's example: 200 acquires/s, 50 of them cascading, 20% headroom.
    Throughput throughput = CapacityPlanner.fromPlan(new CapacityPlan(200L, 50L, 20));
    assertThat(throughput).isEqualTo(new Throughput(30, 300));
    assertThat(CapacityPlanner.explain(new CapacityPlan(200L, 50L, 20)))
        .contains("1 WCU and 0 RCU each")
        .contains("300 WCU, 30 RCU");
  }

  @Test
  void planDefaultsAndMinimums() {
    assertThat(CapacityPlanner.fromPlan(new CapacityPlan(1L, null, null)))
        .isEqualTo(new Throughput(5, 2));
    assertThat(CapacityPlanner.fromPlan(new CapacityPlan(1000L, null, 0)))
        .isEqualTo(new Throughput(100, 1000));
    assertThat(CapacityPlanner.fromPlan(new CapacityPlan(7L, 0L, 33)))
        .isEqualTo(new Throughput(5, 10));
  }

  @Test
  void increasesAreSteppedAndDecreasesAreNot() {
    assertThat(CapacityPlanner.step(100, 1000, 50)).isEqualTo(150);
    assertThat(CapacityPlanner.step(150, 1000, 50)).isEqualTo(225);
    assertThat(CapacityPlanner.step(900, 1000, 50)).isEqualTo(1000);
    assertThat(CapacityPlanner.step(1, 10, 10)).isEqualTo(2);
    assertThat(CapacityPlanner.step(100, 1000, null)).isEqualTo(1000);
    assertThat(CapacityPlanner.step(1000, 10, 50)).isEqualTo(10);
    assertThat(CapacityPlanner.step(10, 10, 50)).isEqualTo(10);
  }

  @Test
  void aReservationCreditTakesItsSavedWritesOffThePlanAndTheExplanationCountsTheUnits() {
    CapacityPlan plan = new CapacityPlan(30_000L, 0L, 20);
    ReservationCredit credit = new ReservationCredit(1, 20_000, 19);

    // 30,000 − (20,000 − 19) = 10,019 writes/s, + 20 %: 12,023 WCU instead of 36,000.
    assertThat(CapacityPlanner.fromPlan(plan, credit)).isEqualTo(new Throughput(1203, 12_023));
    assertThat(CapacityPlanner.explain(plan, credit))
        .isEqualTo(
            "planned from 30000 acquires/s + 0 cascading/s at 1 WCU and 0 RCU each"
                + " (limiter-runtime's measured cost), less the 19981 writes/s local reservations"
                + " spare (1 entity: 20000 acquires/s written as about 19; 23977 WCU saved), 20%"
                + " headroom: 12023 WCU, 1203 RCU");
    assertThat(CapacityPlanner.explain(plan, ReservationCredit.NONE))
        .isEqualTo(CapacityPlanner.explain(plan))
        .doesNotContain("reservation");
  }
}
