package dev.limiter.operator.plan.automation;

import dev.limiter.operator.api.ConditionTypes;
import dev.limiter.operator.plan.ObservedTable;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.DescribeContributorInsightsResponse;

/** Contributor Insights on the table (key {@code ""}) and each GSI (key: its name). */
public final class InsightsArea
    implements SyncedArea<Map<String, DescribeContributorInsightsResponse>> {

  /** The area. */
  public static final InsightsArea AREA = new InsightsArea();

  private InsightsArea() {}

  @Override
  public String conditionType() {
    return ConditionTypes.CONTRIBUTOR_INSIGHTS_SYNCED;
  }

  @Override
  public Phase phase() {
    return Phase.AFTER_TABLE;
  }

  @Override
  public String describe(ObservedTable table) {
    return "describe Contributor Insights of " + table.name();
  }

  @Override
  public Map<String, DescribeContributorInsightsResponse> observe(
      AutomationReads reads, ObservedTable table) {
    Map<String, DescribeContributorInsightsResponse> insights = new LinkedHashMap<>();
    insights.put("", reads.contributorInsights(table.name(), null));
    table
        .indexNames()
        .forEach(index -> insights.put(index, reads.contributorInsights(table.name(), index)));
    return insights;
  }

  @Override
  public Section plan(Map<String, DescribeContributorInsightsResponse> observed, AreaInputs in) {
    return InsightsPlanner.plan(
        in.table().name(),
        in.table().indexNames(),
        in.desired().automation().insights(),
        observed,
        in.now());
  }

  /**
   * A spec without Contributor Insights leaves them as they are, whether or not they could be read.
   */
  @Override
  public Section planReading(
      Reading<Map<String, DescribeContributorInsightsResponse>> reading, AreaInputs in) {
    return in.desired().automation().insightsLeftAsIs()
        ? InsightsPlanner.leftAsIs()
        : SyncedArea.super.planReading(reading, in);
  }
}
