package dev.limiter.operator.plan.automation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.ContributorInsightsMode;
import software.amazon.awssdk.services.dynamodb.model.ContributorInsightsStatus;
import software.amazon.awssdk.services.dynamodb.model.DescribeContributorInsightsResponse;

class InsightsPlannerTest {

  @Test
  void enablesTheModeOnTheTableAndEveryIndex() {
    Section plan = InsightsPlanner.plan("orders", List.of("gsi1"), Optional.of(ContributorInsightsMode.THROTTLED_KEYS), Map.of());
    assertThat(plan.actions()).extracting(AutomationAction::describe).containsExactly(
        "enable Contributor Insights (THROTTLED_KEYS) on table orders",
        "enable Contributor Insights (THROTTLED_KEYS) on index gsi1");
    assertThat(plan.condition().status()).isEqualTo("False");
  }

  @Test
  void aModeChangeIsOneEnableAndAMatchingStateNeedsNothing() {
    Map<String, DescribeContributorInsightsResponse> enabled = Map.of(
        "", state(ContributorInsightsStatus.ENABLED, ContributorInsightsMode.THROTTLED_KEYS),
        "gsi1", state(ContributorInsightsStatus.ENABLED, ContributorInsightsMode.ACCESSED_AND_THROTTLED_KEYS));
    Section plan = InsightsPlanner.plan("orders", List.of("gsi1"), Optional.of(ContributorInsightsMode.THROTTLED_KEYS), enabled);
    assertThat(plan.actions()).extracting(AutomationAction::describe)
        .containsExactly("enable Contributor Insights (THROTTLED_KEYS) on index gsi1");

    Section synced = InsightsPlanner.plan("orders", List.of(), Optional.of(ContributorInsightsMode.THROTTLED_KEYS), enabled);
    assertThat(synced.actions()).isEmpty();
    assertThat(synced.condition().holds()).isTrue();
  }

  @Test
  void disabledSpecDisablesAndTransitionsAreWaitedFor() {
    Map<String, DescribeContributorInsightsResponse> observed = Map.of(
        "", state(ContributorInsightsStatus.ENABLED, ContributorInsightsMode.THROTTLED_KEYS),
        "gsi1", state(ContributorInsightsStatus.ENABLING, ContributorInsightsMode.THROTTLED_KEYS));
    Section plan = InsightsPlanner.plan("orders", List.of("gsi1"), Optional.empty(), observed);
    assertThat(plan.actions()).extracting(AutomationAction::describe).containsExactly("disable Contributor Insights on table orders");
    assertThat(plan.condition().message()).contains("index gsi1 is ENABLING");

    Section quiet = InsightsPlanner.plan("orders", List.of(), Optional.empty(), Map.of());
    assertThat(quiet.actions()).isEmpty();
    assertThat(quiet.condition().reason()).isEqualTo("Disabled");
  }

  @Test
  void anEnabledTargetWithoutAModeRecordsAccessedAndThrottledKeys() {
    Map<String, DescribeContributorInsightsResponse> legacy = Map.of("", DescribeContributorInsightsResponse.builder()
        .contributorInsightsStatus(ContributorInsightsStatus.ENABLED).build());
    assertThat(InsightsPlanner.plan("orders", List.of(), Optional.of(ContributorInsightsMode.ACCESSED_AND_THROTTLED_KEYS), legacy)
        .actions()).isEmpty();
    assertThat(InsightsPlanner.plan("orders", List.of(), Optional.of(ContributorInsightsMode.THROTTLED_KEYS), legacy).actions())
        .hasSize(1);
  }

  private static DescribeContributorInsightsResponse state(ContributorInsightsStatus status, ContributorInsightsMode mode) {
    return DescribeContributorInsightsResponse.builder().contributorInsightsStatus(status).contributorInsightsMode(mode).build();
  }
}
