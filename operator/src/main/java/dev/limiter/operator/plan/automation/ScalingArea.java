package dev.limiter.operator.plan.automation;

import dev.limiter.operator.api.ConditionTypes;
import dev.limiter.operator.plan.ObservedTable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalableTarget;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalingPolicy;

/** Autoscaling: the scalable targets and target-tracking policies of the table and its GSIs. */
public final class ScalingArea implements SyncedArea<ObservedScaling> {

  /** The area. */
  public static final ScalingArea AREA = new ScalingArea();

  private ScalingArea() {}

  @Override
  public String conditionType() {
    return ConditionTypes.AUTOSCALING_SYNCED;
  }

  /**
   * Autoscaling belongs to a provisioned table: it is removed only once a switch to on-demand was
   * accepted.
   */
  @Override
  public Phase phase() {
    return Phase.WHILE_PROVISIONED;
  }

  @Override
  public String describe(ObservedTable table) {
    return "describe scalable targets of " + table.name();
  }

  @Override
  public ObservedScaling observe(AutomationReads reads, ObservedTable table) {
    List<String> resources = new ArrayList<>();
    resources.add(ScalingKey.tableResource(table.name()));
    table
        .indexNames()
        .forEach(index -> resources.add(ScalingKey.indexResource(table.name(), index)));
    Map<ScalingKey, ScalableTarget> targets = new LinkedHashMap<>();
    for (ScalableTarget target : reads.scalableTargets(resources)) {
      targets.put(new ScalingKey(target.resourceId(), target.scalableDimension()), target);
    }
    Map<ScalingKey, List<ScalingPolicy>> policies = new LinkedHashMap<>();
    targets.keySet().stream()
        .map(ScalingKey::resourceId)
        .distinct()
        .forEach(
            resource -> {
              for (ScalingPolicy policy : reads.scalingPolicies(resource)) {
                policies
                    .computeIfAbsent(
                        new ScalingKey(policy.resourceId(), policy.scalableDimension()),
                        k -> new ArrayList<>())
                    .add(policy);
              }
            });
    return new ObservedScaling(targets, policies);
  }

  @Override
  public Section plan(ObservedScaling observed, AreaInputs in) {
    return ScalingPlanner.plan(
        in.table().name(),
        in.table().indexNames(),
        in.emergency().scaling(),
        in.provisioned(),
        observed);
  }
}
