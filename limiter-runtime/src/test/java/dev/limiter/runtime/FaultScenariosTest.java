package dev.limiter.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The README's fault table, shorter: in every scenario the fleet admits no more than the bound, at
 * every step.
 */
class FaultScenariosTest {

  @Test
  void everyScenarioAdmitsWithinTheBound() {
    Duration step = Duration.ofMillis(100);
    List<FaultScenarios.Row> rows = FaultScenarios.runAll(Duration.ofSeconds(2), step);
    System.out.print(FaultScenarios.markdown(rows, step));
    assertThat(rows)
        .hasSize(FaultScenarios.SCENARIOS.size())
        .allSatisfy(
            row -> {
              assertThat(row.worstMargin()).as(row.scenario()).isGreaterThanOrEqualTo(0);
              assertThat(row.admitted()).as(row.scenario()).isPositive();
            });
    // Unskewed and fault-free, the bucket binds: it admits its capacity plus the refill, exactly.
    assertThat(rows.get(0).admitted()).isEqualTo(rows.get(0).bound());
  }
}
