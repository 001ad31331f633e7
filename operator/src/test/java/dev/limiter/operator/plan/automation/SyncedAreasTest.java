package dev.limiter.operator.plan.automation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limiter.operator.api.BillingMode;
import dev.limiter.operator.plan.AwsFailures;
import dev.limiter.operator.plan.DesiredCapacity;
import dev.limiter.operator.plan.DesiredTable;
import dev.limiter.operator.plan.ObservedTable;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalableTarget;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalingPolicy;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;
import software.amazon.awssdk.services.dynamodb.model.ContributorInsightsMode;
import software.amazon.awssdk.services.dynamodb.model.ContributorInsightsStatus;
import software.amazon.awssdk.services.dynamodb.model.DescribeContributorInsightsResponse;

class SyncedAreasTest {

  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  private static final ObservedTable TABLE = Tables.provisioned(10, 10);
  private static final AwsFailures.Failure FAILURE =
      new AwsFailures.Transient("AwsUnavailable", "describe failed, will retry");

  /** Reads that answer with nothing and record what was asked. */
  private static final class RecordedReads implements AutomationReads {
    private final List<String> asked = new ArrayList<>();

    @Override
    public List<ScalableTarget> scalableTargets(List<String> resources) {
      asked.add("targets " + resources);
      return List.of();
    }

    @Override
    public List<ScalingPolicy> scalingPolicies(String resource) {
      asked.add("policies " + resource);
      return List.of();
    }

    @Override
    public List<MetricAlarm> alarms(String prefix) {
      asked.add("alarms " + prefix);
      return List.of();
    }

    @Override
    public DescribeContributorInsightsResponse contributorInsights(String table, String index) {
      asked.add("insights " + table + " " + index);
      return DescribeContributorInsightsResponse.builder()
          .tableName(table)
          .indexName(index)
          .contributorInsightsStatus(ContributorInsightsStatus.DISABLED)
          .build();
    }
  }

  private static AreaInputs inputs(DesiredAutomation automation) {
    DesiredCapacity capacity =
        new DesiredCapacity(
            BillingMode.OnDemand, null, null, -1, -1, Duration.ofHours(24), false, false);
    DesiredTable desired =
        new DesiredTable(
            Tables.NAME,
            Tables.OWNER,
            DesiredTable.Adoption.NOT_ASKED,
            capacity,
            false,
            false,
            false,
            null,
            Map.of(),
            automation);
    EmergencyPlan emergency =
        new EmergencyPlan(
            capacity,
            Optional.empty(),
            "spec",
            null,
            null,
            List.of(),
            Optional.empty(),
            Optional.empty());
    return new AreaInputs(desired, TABLE, emergency, true, NOW);
  }

  private static DesiredAutomation insightsWanted() {
    return new DesiredAutomation(
        Optional.empty(),
        Optional.empty(),
        Optional.of(ContributorInsightsMode.THROTTLED_KEYS),
        Optional.empty(),
        DesiredAutomation.DEFAULT_INTERVAL,
        false);
  }

  @Test
  void eachAreaObservesTheTableAndEveryIndex() {
    RecordedReads reads = new RecordedReads();
    ScalingArea.AREA.observe(reads, TABLE);
    AlarmArea.AREA.observe(reads, TABLE);
    Map<String, DescribeContributorInsightsResponse> insights =
        InsightsArea.AREA.observe(reads, TABLE);
    assertThat(reads.asked)
        .containsExactly(
            "targets "
                + List.of(
                    ScalingKey.tableResource(Tables.NAME),
                    ScalingKey.indexResource(Tables.NAME, "gsi1")),
            "alarms " + AlarmPlanner.prefixes(Tables.NAME).get(0),
            "alarms " + AlarmPlanner.prefixes(Tables.NAME).get(1),
            "insights " + Tables.NAME + " null",
            "insights " + Tables.NAME + " gsi1");
    assertThat(insights).containsOnlyKeys("", "gsi1");
  }

  @Test
  void anAreaThatCouldNotBeObservedPlansNothingAndIsNotSynced() {
    List<SyncedArea<?>> areas = List.of(ScalingArea.AREA, AlarmArea.AREA, InsightsArea.AREA);
    for (SyncedArea<?> area : areas) {
      Section plan = planFailed(area, inputs(insightsWanted()));
      assertThat(plan.actions()).as(area.conditionType()).isEmpty();
      assertThat(plan.condition().type()).isEqualTo(area.conditionType());
      assertThat(plan.condition().status()).isEqualTo("False");
      assertThat(plan.condition().reason()).isEqualTo(FAILURE.reason());
      assertThat(plan.condition().message()).isEqualTo(FAILURE.message());
    }
  }

  @Test
  void contributorInsightsTheSpecLeavesAloneAreLeftAsIsEvenWhenTheyCouldNotBeRead() {
    assertThat(planFailed(InsightsArea.AREA, inputs(DesiredAutomation.NONE)))
        .isEqualTo(InsightsPlanner.leftAsIs());
  }

  @Test
  void onlyAutoscalingActsAroundTheTablesSwitch() {
    assertThat(ScalingArea.AREA.phase()).isEqualTo(SyncedArea.Phase.WHILE_PROVISIONED);
    assertThat(List.of(AlarmArea.AREA.phase(), InsightsArea.AREA.phase()))
        .containsOnly(SyncedArea.Phase.AFTER_TABLE);
  }

  private static <O> Section planFailed(SyncedArea<O> area, AreaInputs inputs) {
    return area.planReading(Reading.failed(FAILURE), inputs);
  }
}
