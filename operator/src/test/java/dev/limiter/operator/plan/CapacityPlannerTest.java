package dev.limiter.operator.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limiter.operator.api.CapacityPlan;
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
}
