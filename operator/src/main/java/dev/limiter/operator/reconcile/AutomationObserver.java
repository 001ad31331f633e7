package dev.limiter.operator.reconcile;

import dev.limiter.operator.aws.AwsAccess;
import dev.limiter.operator.aws.DynamoDbTables;
import dev.limiter.operator.aws.TableAlarms;
import dev.limiter.operator.aws.TableMetrics;
import dev.limiter.operator.aws.TableScaling;
import dev.limiter.operator.plan.AwsFailures;
import dev.limiter.operator.plan.ObservedTable;
import dev.limiter.operator.plan.automation.AutomationReads;
import dev.limiter.operator.plan.automation.ObservedAutomation;
import dev.limiter.operator.plan.automation.Reading;
import dev.limiter.operator.plan.automation.SyncedArea;
import dev.limiter.operator.plan.automation.ThrottleQueries;
import java.time.Duration;
import java.time.Instant;
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
 * Observe: reads each {@link SyncedArea} of a table and (when due) its metrics into an immutable
 * snapshot, making the areas' AWS reads. A service that cannot be read fails only its own area.
 */
public final class AutomationObserver implements AutomationReads {

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
   * The snapshot of {@code table}'s {@code areas}, observed in order; metrics over the {@code
   * window} that ended CloudWatch's publication delay before {@code now} are read only when {@code
   * metricsDue}.
   */
  public ObservedAutomation observe(
      ObservedTable table,
      List<SyncedArea<?>> areas,
      boolean metricsDue,
      Duration window,
      Instant now) {
    Map<SyncedArea<?>, Reading<?>> observed = new LinkedHashMap<>();
    areas.forEach(
        area ->
            observed.put(area, read(area.describe(table), now, () -> area.observe(this, table))));
    List<String> indexes = table.indexNames();
    return new ObservedAutomation(
        observed,
        metricsDue
            ? Optional.of(
                read(
                    "read CloudWatch metrics of " + table.name(),
                    now,
                    () -> {
                      Instant end = ThrottleQueries.windowEnd(now);
                      return ThrottleQueries.reading(
                          metrics.getMetricData(
                              ThrottleQueries.queries(table.name(), indexes),
                              end.minus(window),
                              end),
                          end,
                          window);
                    }))
            : Optional.empty());
  }

  @Override
  public List<ScalableTarget> scalableTargets(List<String> resources) {
    return scaling.describeScalableTargets(resources);
  }

  @Override
  public List<ScalingPolicy> scalingPolicies(String resource) {
    return scaling.describeScalingPolicies(resource);
  }

  @Override
  public List<MetricAlarm> alarms(String prefix) {
    return alarms.describeAlarms(prefix);
  }

  @Override
  public DescribeContributorInsightsResponse contributorInsights(String table, String index) {
    return tables.describeContributorInsights(table, index);
  }

  private static <T> Reading<T> read(String what, Instant now, Supplier<T> call) {
    try {
      return Reading.of(call.get());
    } catch (SdkException e) {
      return Reading.failed(AwsFailures.classify(what, e, now));
    }
  }
}
