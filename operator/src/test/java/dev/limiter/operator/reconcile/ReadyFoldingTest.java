package dev.limiter.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limiter.operator.plan.ConditionStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReadyFoldingTest {

  private static final ConditionStatus READY =
      ConditionStatus.isTrue("Ready", "Ready", "table matches the spec");

  @Test
  void automationOutOfSyncThrottlingOrAHotPartitionRiskHoldReadyBackInThatOrder() {
    List<ConditionStatus> conditions =
        List.of(
            READY,
            ConditionStatus.isTrue("AutoscalingSynced", "InSync", "ok"),
            ConditionStatus.isFalse("AlarmsSynced", "AwsUnavailable", "describe alarms failed"),
            ConditionStatus.isTrue("Throttling", "CapacityExceeded", "throttled"),
            ConditionStatus.isTrue("HotPartitionRisk", "EntityNeedsShards", "shard it"));
    assertThat(ready(ReadyFolding.fold(conditions)))
        .isEqualTo(
            ConditionStatus.isFalse(
                "Ready", "AwsUnavailable", "AlarmsSynced: describe alarms failed"));
    assertThat(
            ready(ReadyFolding.fold(List.of(READY, conditions.get(3), conditions.get(4)))).reason())
        .isEqualTo("CapacityExceeded");
    assertThat(ready(ReadyFolding.fold(List.of(READY, conditions.get(4)))).reason())
        .isEqualTo("EntityNeedsShards");
  }

  @Test
  void syncedAutomationAndNoRiskKeepReadyAndANotReadyTableStaysAsItIs() {
    List<ConditionStatus> fine =
        List.of(
            READY,
            ConditionStatus.isFalse("Throttling", "None", "quiet"),
            ConditionStatus.unknown("AlarmsSynced", "Creating", "later"));
    assertThat(ReadyFolding.fold(fine)).isEqualTo(fine);
    List<ConditionStatus> creating =
        List.of(
            ConditionStatus.isFalse("Ready", "Creating", "creating"),
            ConditionStatus.isTrue("Throttling", "CapacityExceeded", "throttled"));
    assertThat(ReadyFolding.fold(creating)).isEqualTo(creating);
  }

  private static ConditionStatus ready(List<ConditionStatus> conditions) {
    return conditions.stream()
        .filter(c -> c.type().equals("Ready"))
        .reduce((a, b) -> b)
        .orElseThrow();
  }
}
