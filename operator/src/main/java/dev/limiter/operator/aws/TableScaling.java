package dev.limiter.operator.aws;

import java.util.Collection;
import java.util.List;
import software.amazon.awssdk.services.applicationautoscaling.model.DeleteScalingPolicyRequest;
import software.amazon.awssdk.services.applicationautoscaling.model.DeregisterScalableTargetRequest;
import software.amazon.awssdk.services.applicationautoscaling.model.PutScalingPolicyRequest;
import software.amazon.awssdk.services.applicationautoscaling.model.RegisterScalableTargetRequest;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalableTarget;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalingPolicy;

/**
 * The Application Auto Scaling calls the operator makes, in service namespace {@code dynamodb}.
 * Resource ids are {@code table/NAME} or {@code table/NAME/index/INDEX}. AWS's errors come through
 * unchanged as SDK exceptions ({@code ValidationException}, {@code ObjectNotFoundException}, …).
 */
public interface TableScaling {

  /** DescribeScalableTargets for {@code resourceIds} (any number; all pages). */
  List<ScalableTarget> describeScalableTargets(Collection<String> resourceIds);

  /** DescribeScalingPolicies of one resource id (all pages). */
  List<ScalingPolicy> describeScalingPolicies(String resourceId);

  /** RegisterScalableTarget: creates the target or updates its bounds. */
  void registerScalableTarget(RegisterScalableTargetRequest request);

  /** PutScalingPolicy: creates the policy or replaces its configuration. */
  void putScalingPolicy(PutScalingPolicyRequest request);

  /** DeregisterScalableTarget: also deletes its policies (and their alarms). */
  void deregisterScalableTarget(DeregisterScalableTargetRequest request);

  /** DeleteScalingPolicy. */
  void deleteScalingPolicy(DeleteScalingPolicyRequest request);
}
