package dev.limiter.operator.plan.automation;

import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalableTarget;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalingPolicy;

/**
 * The scalable targets of a table and its GSIs, and their scaling policies.
 *
 * @param targets registered targets by key
 * @param policies policies by the key of their target
 */
public record ObservedScaling(
    Map<ScalingKey, ScalableTarget> targets, Map<ScalingKey, List<ScalingPolicy>> policies) {

  /** Nothing registered. */
  public static final ObservedScaling NONE = new ObservedScaling(Map.of(), Map.of());

  /** Copies the maps. */
  public ObservedScaling {
    targets = Map.copyOf(targets);
    policies = Map.copyOf(policies);
  }

  /** The policies of {@code key}. */
  public List<ScalingPolicy> policiesOf(ScalingKey key) {
    return policies.getOrDefault(key, List.of());
  }
}
