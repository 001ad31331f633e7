package dev.limiter.operator.plan.automation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.ContributorInsightsMode;
import software.amazon.awssdk.services.dynamodb.model.ContributorInsightsStatus;
import software.amazon.awssdk.services.dynamodb.model.DescribeContributorInsightsResponse;
import software.amazon.awssdk.services.dynamodb.model.FailureException;

class InsightsPlannerTest {

  private static final Instant NOW = Instant.parse("2026-11-25T08:00:00Z");

  @Test
  void enablesTheModeOnTheTableAndEveryIndex() {
    Section plan =
        InsightsPlanner.plan(
            "orders",
            List.of("gsi1"),
            Optional.of(ContributorInsightsMode.THROTTLED_KEYS),
            Map.of(),
            NOW);
    assertThat(plan.actions())
        .extracting(AutomationAction::describe)
        .containsExactly(
            "enable Contributor Insights (THROTTLED_KEYS) on table orders",
            "enable Contributor Insights (THROTTLED_KEYS) on index gsi1");
    assertThat(plan.condition().status()).isEqualTo("False");
  }

  @Test
  void aModeChangeIsOneEnableAndAMatchingStateNeedsNothing() {
    Map<String, DescribeContributorInsightsResponse> enabled =
        Map.of(
            "", state(ContributorInsightsStatus.ENABLED, ContributorInsightsMode.THROTTLED_KEYS),
            "gsi1",
                state(
                    ContributorInsightsStatus.ENABLED,
                    ContributorInsightsMode.ACCESSED_AND_THROTTLED_KEYS));
    Section plan =
        InsightsPlanner.plan(
            "orders",
            List.of("gsi1"),
            Optional.of(ContributorInsightsMode.THROTTLED_KEYS),
            enabled,
            NOW);
    assertThat(plan.actions())
        .extracting(AutomationAction::describe)
        .containsExactly("enable Contributor Insights (THROTTLED_KEYS) on index gsi1");

    Section synced =
        InsightsPlanner.plan(
            "orders", List.of(), Optional.of(ContributorInsightsMode.THROTTLED_KEYS), enabled, NOW);
    assertThat(synced.actions()).isEmpty();
    assertThat(synced.condition().holds()).isTrue();
  }

  @Test
  void disabledSpecDisablesAndTransitionsAreWaitedFor() {
    Map<String, DescribeContributorInsightsResponse> observed =
        Map.of(
            "", state(ContributorInsightsStatus.ENABLED, ContributorInsightsMode.THROTTLED_KEYS),
            "gsi1",
                state(ContributorInsightsStatus.ENABLING, ContributorInsightsMode.THROTTLED_KEYS));
    Section plan = InsightsPlanner.plan("orders", List.of("gsi1"), Optional.empty(), observed, NOW);
    assertThat(plan.actions())
        .extracting(AutomationAction::describe)
        .containsExactly("disable Contributor Insights on table orders");
    assertThat(plan.condition().message()).contains("index gsi1 is ENABLING");

    Section quiet = InsightsPlanner.plan("orders", List.of(), Optional.empty(), Map.of(), NOW);
    assertThat(quiet.actions()).isEmpty();
    assertThat(quiet.condition().reason()).isEqualTo("Disabled");
  }

  @Test
  void anEnabledTargetWithoutAModeRecordsAccessedAndThrottledKeys() {
    Map<String, DescribeContributorInsightsResponse> legacy =
        Map.of(
            "",
            DescribeContributorInsightsResponse.builder()
                .contributorInsightsStatus(ContributorInsightsStatus.ENABLED)
                .build());
    assertThat(
            InsightsPlanner.plan(
                    "orders",
                    List.of(),
                    Optional.of(ContributorInsightsMode.ACCESSED_AND_THROTTLED_KEYS),
                    legacy,
                    NOW)
                .actions())
        .isEmpty();
    assertThat(
            InsightsPlanner.plan(
                    "orders",
                    List.of(),
                    Optional.of(ContributorInsightsMode.THROTTLED_KEYS),
                    legacy,
                    NOW)
                .actions())
        .hasSize(1);
  }

  @Test
  void aFailedTargetIsEnabledAgainOnlyAfterABackoffAndTheFailureIsReported() {
    Instant failedAt = NOW.minus(Duration.ofMinutes(1));
    Map<String, DescribeContributorInsightsResponse> failed =
        Map.of(
            "",
            DescribeContributorInsightsResponse.builder()
                .contributorInsightsStatus(ContributorInsightsStatus.FAILED)
                .lastUpdateDateTime(failedAt)
                .failureException(
                    FailureException.builder()
                        .exceptionName("LimitExceededException")
                        .exceptionDescription("Contributor Insights rule limit reached")
                        .build())
                .build());

    Section soon =
        InsightsPlanner.plan(
            "orders", List.of(), Optional.of(ContributorInsightsMode.THROTTLED_KEYS), failed, NOW);
    assertThat(soon.actions()).as("not re-enabled on every pass").isEmpty();
    assertThat(soon.pending()).as("not polled every few seconds").isFalse();
    assertThat(soon.condition().status()).isEqualTo("False");
    assertThat(soon.condition().reason()).isEqualTo("ContributorInsightsFailed");
    assertThat(soon.condition().message())
        .contains("LimitExceededException")
        .contains("rule limit reached")
        .contains(failedAt.plus(InsightsPlanner.FAILED_RETRY).toString());

    Instant later = failedAt.plus(InsightsPlanner.FAILED_RETRY);
    assertThat(
            InsightsPlanner.plan(
                    "orders",
                    List.of(),
                    Optional.of(ContributorInsightsMode.THROTTLED_KEYS),
                    failed,
                    later)
                .actions())
        .extracting(AutomationAction::describe)
        .containsExactly("enable Contributor Insights (THROTTLED_KEYS) on table orders");
  }

  private static DescribeContributorInsightsResponse state(
      ContributorInsightsStatus status, ContributorInsightsMode mode) {
    return DescribeContributorInsightsResponse.builder()
        .contributorInsightsStatus(status)
        .contributorInsightsMode(mode)
        .build();
  }
}
