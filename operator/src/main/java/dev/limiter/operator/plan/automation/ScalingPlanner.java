package dev.limiter.operator.plan.automation;

import static dev.limiter.operator.api.ConditionTypes.AUTOSCALING_SYNCED;

import dev.limiter.operator.plan.ConditionStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.applicationautoscaling.model.DeregisterScalableTargetRequest;
import software.amazon.awssdk.services.applicationautoscaling.model.MetricType;
import software.amazon.awssdk.services.applicationautoscaling.model.PolicyType;
import software.amazon.awssdk.services.applicationautoscaling.model.PredefinedMetricSpecification;
import software.amazon.awssdk.services.applicationautoscaling.model.PutScalingPolicyRequest;
import software.amazon.awssdk.services.applicationautoscaling.model.RegisterScalableTargetRequest;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalableTarget;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalingPolicy;
import software.amazon.awssdk.services.applicationautoscaling.model.ServiceNamespace;
import software.amazon.awssdk.services.applicationautoscaling.model.TargetTrackingScalingPolicyConfiguration;

/**
 * Plans the Application Auto Scaling of a table. Pure.
 *
 * <p>Rules: targets and target-tracking policies exist for the table (and, with {@code indexes},
 * every GSI) only while the table is provisioned and stays so; a target is registered again only
 * when its bounds differ and a policy put again only when its target or metric differs; targets of
 * an on-demand table, of a table whose switch to on-demand AWS has just accepted, or of a spec
 * without autoscaling are deregistered (AWS deletes their policies and alarms with them); a table
 * whose switch is still waiting or was refused is provisioned and keeps them. Capacity units are
 * never written here: autoscaling owns them. Policies someone else added to a target are left
 * alone.
 */
public final class ScalingPlanner {

  private ScalingPlanner() {}

  /**
   * The plan.
   *
   * @param table the table
   * @param indexes its GSIs
   * @param goal the bounds to apply (an emergency may have raised them), empty for no autoscaling
   * @param provisioned whether the table is provisioned once this pass's table calls are made
   * @param observed what is registered now
   */
  public static Section plan(
      String table,
      List<String> indexes,
      Optional<DesiredAutomation.ScalingGoal> goal,
      boolean provisioned,
      ObservedScaling observed) {
    Map<ScalingKey, DesiredAutomation.Bounds> wanted =
        provisioned ? wanted(table, indexes, goal) : Map.of();
    List<AutomationAction> actions = new ArrayList<>();
    wanted.forEach(
        (key, bounds) -> {
          ScalableTarget target = observed.targets().get(key);
          if (target == null
              || target.minCapacity() != bounds.min()
              || target.maxCapacity() != bounds.max()) {
            actions.add(
                new AutomationAction.RegisterTarget(
                    RegisterScalableTargetRequest.builder()
                        .serviceNamespace(ServiceNamespace.DYNAMODB)
                        .resourceId(key.resourceId())
                        .scalableDimension(key.dimension())
                        .minCapacity((int) bounds.min())
                        .maxCapacity((int) bounds.max())
                        .build()));
          }
          String name = policyName(table, key);
          MetricType metric =
              key.read()
                  ? MetricType.DYNAMO_DB_READ_CAPACITY_UTILIZATION
                  : MetricType.DYNAMO_DB_WRITE_CAPACITY_UTILIZATION;
          boolean current =
              observed.policiesOf(key).stream()
                  .anyMatch(policy -> matches(policy, name, metric, bounds.targetPercent()));
          if (!current) {
            actions.add(
                new AutomationAction.PutPolicy(
                    PutScalingPolicyRequest.builder()
                        .serviceNamespace(ServiceNamespace.DYNAMODB)
                        .resourceId(key.resourceId())
                        .scalableDimension(key.dimension())
                        .policyName(name)
                        .policyType(PolicyType.TARGET_TRACKING_SCALING)
                        .targetTrackingScalingPolicyConfiguration(
                            TargetTrackingScalingPolicyConfiguration.builder()
                                .targetValue((double) bounds.targetPercent())
                                .predefinedMetricSpecification(
                                    PredefinedMetricSpecification.builder()
                                        .predefinedMetricType(metric)
                                        .build())
                                .build())
                        .build()));
          }
        });
    observed.targets().keySet().stream()
        .filter(key -> !wanted.containsKey(key))
        .sorted(
            (a, b) -> (a.resourceId() + a.dimension()).compareTo(b.resourceId() + b.dimension()))
        .forEach(
            key ->
                actions.add(
                    new AutomationAction.DeregisterTarget(
                        DeregisterScalableTargetRequest.builder()
                            .serviceNamespace(ServiceNamespace.DYNAMODB)
                            .resourceId(key.resourceId())
                            .scalableDimension(key.dimension())
                            .build())));
    return new Section(actions, condition(goal, provisioned, wanted, actions));
  }

  /** The policy name: the runbook's {@code <table>-read-scaling}, with the index for a GSI. */
  static String policyName(String table, ScalingKey key) {
    String prefix =
        key.resourceId().contains("/index/")
            ? table + "-" + key.resourceId().substring(key.resourceId().lastIndexOf('/') + 1)
            : table;
    return prefix + (key.read() ? "-read-scaling" : "-write-scaling");
  }

  private static Map<ScalingKey, DesiredAutomation.Bounds> wanted(
      String table, List<String> indexes, Optional<DesiredAutomation.ScalingGoal> goal) {
    Map<ScalingKey, DesiredAutomation.Bounds> wanted = new LinkedHashMap<>();
    goal.ifPresent(
        g -> {
          wanted.put(ScalingKey.table(table, true), g.read());
          wanted.put(ScalingKey.table(table, false), g.write());
          if (g.indexes()) {
            indexes.stream()
                .sorted()
                .forEach(
                    index -> {
                      wanted.put(ScalingKey.index(table, index, true), g.read());
                      wanted.put(ScalingKey.index(table, index, false), g.write());
                    });
          }
        });
    return wanted;
  }

  private static boolean matches(
      ScalingPolicy policy, String name, MetricType metric, int targetPercent) {
    TargetTrackingScalingPolicyConfiguration config =
        policy.targetTrackingScalingPolicyConfiguration();
    return name.equals(policy.policyName())
        && policy.policyType() == PolicyType.TARGET_TRACKING_SCALING
        && config != null
        && config.targetValue() != null
        && config.targetValue() == targetPercent
        && config.predefinedMetricSpecification() != null
        && config.predefinedMetricSpecification().predefinedMetricType() == metric;
  }

  private static ConditionStatus condition(
      Optional<DesiredAutomation.ScalingGoal> goal,
      boolean provisioned,
      Map<ScalingKey, DesiredAutomation.Bounds> wanted,
      List<AutomationAction> actions) {
    if (!actions.isEmpty()) {
      return ConditionStatus.isFalse(
          AUTOSCALING_SYNCED,
          "Updating",
          String.join("; ", actions.stream().map(AutomationAction::describe).toList()));
    }
    if (goal.isEmpty()) {
      return ConditionStatus.isTrue(
          AUTOSCALING_SYNCED,
          "NotConfigured",
          "no autoscaling is configured and none is registered");
    }
    if (!provisioned) {
      return ConditionStatus.isTrue(
          AUTOSCALING_SYNCED,
          "OnDemand",
          "autoscaling applies in Provisioned mode; it is registered when the table is"
              + " provisioned");
    }
    return ConditionStatus.isTrue(
        AUTOSCALING_SYNCED,
        "InSync",
        wanted.size()
            + " scalable targets with target-tracking"
            + " policies match the spec; autoscaling owns the capacity units");
  }
}
