package dev.limiter.operator.plan.automation;

import dev.limiter.operator.api.ThrottleReading;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;
import software.amazon.awssdk.services.dynamodb.model.DescribeContributorInsightsResponse;

/**
 * An immutable snapshot of a table's capacity automation; each part may have failed on its own.
 *
 * @param scaling scalable targets and policies of the table and its GSIs
 * @param alarms alarms whose names start with the table's prefix
 * @param insights Contributor Insights of the table (key {@code ""}) and each GSI
 * @param metrics the diagnosis reading made in this pass, empty when none was due
 */
public record ObservedAutomation(
    Reading<ObservedScaling> scaling,
    Reading<List<MetricAlarm>> alarms,
    Reading<Map<String, DescribeContributorInsightsResponse>> insights,
    Optional<Reading<ThrottleReading>> metrics) {

  /** The reading made in this pass, if one was due and succeeded. */
  public Optional<ThrottleReading> freshReading() {
    return metrics.flatMap(reading -> Optional.ofNullable(reading.value()));
  }
}
