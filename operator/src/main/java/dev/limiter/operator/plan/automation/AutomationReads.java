package dev.limiter.operator.plan.automation;

import java.util.List;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalableTarget;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalingPolicy;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;
import software.amazon.awssdk.services.dynamodb.model.DescribeContributorInsightsResponse;

/** The AWS reads the {@link SyncedArea}s observe through; the reconciler's observer makes them. */
public interface AutomationReads {

  /** DescribeScalableTargets of {@code resources}. */
  List<ScalableTarget> scalableTargets(List<String> resources);

  /** DescribeScalingPolicies of {@code resource}. */
  List<ScalingPolicy> scalingPolicies(String resource);

  /** DescribeAlarms under {@code prefix}. */
  List<MetricAlarm> alarms(String prefix);

  /** DescribeContributorInsights of {@code table}'s {@code index} (null: the table itself). */
  DescribeContributorInsightsResponse contributorInsights(String table, String index);
}
