package dev.limiter.operator.reconcile;

import dev.limiter.operator.aws.AwsAccess;
import dev.limiter.operator.aws.DynamoDbTables;
import dev.limiter.operator.aws.TableAlarms;
import dev.limiter.operator.aws.TableMetrics;
import dev.limiter.operator.aws.TableScaling;
import dev.limiter.operator.plan.AwsFailures;
import dev.limiter.operator.plan.ObservedTable;
import dev.limiter.operator.plan.automation.AlarmPlanner;
import dev.limiter.operator.plan.automation.ObservedAutomation;
import dev.limiter.operator.plan.automation.ObservedScaling;
import dev.limiter.operator.plan.automation.Reading;
import dev.limiter.operator.plan.automation.ScalingKey;
import dev.limiter.operator.plan.automation.ThrottleQueries;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalableTarget;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalingPolicy;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;
import software.amazon.awssdk.services.dynamodb.model.DescribeContributorInsightsResponse;

/**
 * Observe: reads a table's autoscaling, alarms, Contributor Insights and (when due) its metrics
 * into an immutable snapshot. A service that cannot be read fails only its own part.
 */
public final class AutomationObserver {

  private final DynamoDbTables tables;
  private final TableScaling scaling;
  private final TableAlarms alarms;
  private final TableMetrics metrics;

  /** An observer over {@code region}'s services. */
  public AutomationObserver(AwsAccess aws, String region) {
    this.tables = aws.tables().apply(region);
    this.scaling = aws.scaling().apply(region);
    this.alarms = aws.alarms().apply(region);
    this.metrics = aws.metrics().apply(region);
  }

  /**
   * The snapshot of {@code table}; metrics over the {@code window} that ended CloudWatch's publication
   * delay before {@code now} are read only when {@code metricsDue}.
   */
  public ObservedAutomation observe(ObservedTable table, boolean metricsDue, Duration window, Instant now) {
    List<String> indexes = table.indexNames();
    return new ObservedAutomation(
        read("describe scalable targets of " + table.name(), now, () -> scaling(table.name(), indexes)),
        read("describe alarms of " + table.name(), now, () -> alarms(table.name())),
        read("describe Contributor Insights of " + table.name(), now, () -> insights(table.name(), indexes)),
        metricsDue
            ? Optional.of(read("read CloudWatch metrics of " + table.name(), now, () -> {
              Instant end = ThrottleQueries.windowEnd(now);
              return ThrottleQueries.reading(metrics.getMetricData(ThrottleQueries.queries(table.name(), indexes),
                  end.minus(window), end), end, window);
            }))
            : Optional.empty());
  }

  /** The alarms under the table's current and former name prefixes. */
  private List<MetricAlarm> alarms(String table) {
    List<MetricAlarm> found = new ArrayList<>();
    AlarmPlanner.prefixes(table).forEach(prefix -> found.addAll(alarms.describeAlarms(prefix)));
    return found;
  }

  private ObservedScaling scaling(String table, List<String> indexes) {
    List<String> resources = new ArrayList<>();
    resources.add(ScalingKey.tableResource(table));
    indexes.forEach(index -> resources.add(ScalingKey.indexResource(table, index)));
    Map<ScalingKey, ScalableTarget> targets = new LinkedHashMap<>();
    for (ScalableTarget target : scaling.describeScalableTargets(resources)) {
      targets.put(new ScalingKey(target.resourceId(), target.scalableDimension()), target);
    }
    Map<ScalingKey, List<ScalingPolicy>> policies = new LinkedHashMap<>();
    targets.keySet().stream().map(ScalingKey::resourceId).distinct().forEach(resource -> {
      for (ScalingPolicy policy : scaling.describeScalingPolicies(resource)) {
        policies.computeIfAbsent(new ScalingKey(policy.resourceId(), policy.scalableDimension()), k -> new ArrayList<>()).add(policy);
      }
    });
    return new ObservedScaling(targets, policies);
  }

  private Map<String, DescribeContributorInsightsResponse> insights(String table, List<String> indexes) {
    Map<String, DescribeContributorInsightsResponse> insights = new LinkedHashMap<>();
    insights.put("", tables.describeContributorInsights(table, null));
    indexes.forEach(index -> insights.put(index, tables.describeContributorInsights(table, index)));
    return insights;
  }

  private static <T> Reading<T> read(String what, Instant now, Supplier<T> call) {
    try {
      return Reading.of(call.get());
    } catch (SdkException e) {
      return Reading.failed(AwsFailures.classify(what, e, now));
    }
  }
}
