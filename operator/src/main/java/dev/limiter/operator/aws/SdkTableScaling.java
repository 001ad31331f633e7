package dev.limiter.operator.aws;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import software.amazon.awssdk.services.applicationautoscaling.ApplicationAutoScalingClient;
import software.amazon.awssdk.services.applicationautoscaling.model.DeleteScalingPolicyRequest;
import software.amazon.awssdk.services.applicationautoscaling.model.DeregisterScalableTargetRequest;
import software.amazon.awssdk.services.applicationautoscaling.model.PutScalingPolicyRequest;
import software.amazon.awssdk.services.applicationautoscaling.model.RegisterScalableTargetRequest;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalableTarget;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalingPolicy;
import software.amazon.awssdk.services.applicationautoscaling.model.ServiceNamespace;

/**
 * {@link TableScaling} over an AWS SDK v2 {@link ApplicationAutoScalingClient}: the production
 * adapter.
 *
 * <p>Thin by design: each method is one SDK call per page (DescribeScalableTargets one call per
 * page of each chunk of {@value #RESOURCE_IDS_PER_CALL} resource ids, the most AWS takes in one
 * call), the describe calls set namespace {@code dynamodb}, requests the caller builds pass through
 * unchanged, and every AWS error surfaces as the SDK's exception. Retries are the client's business
 * (its retry strategy).
 *
 * <p>Thread-safe as far as the client is (SDK clients are).
 */
public final class SdkTableScaling implements TableScaling {

  /** The most resource ids DescribeScalableTargets accepts in one call. */
  public static final int RESOURCE_IDS_PER_CALL = 50;

  private final ApplicationAutoScalingClient client;

  /** An adapter over {@code client}; the caller keeps ownership of it (and closes it). */
  public SdkTableScaling(ApplicationAutoScalingClient client) {
    this.client = Objects.requireNonNull(client, "client");
  }

  /**
   * DescribeScalableTargets per chunk of {@value #RESOURCE_IDS_PER_CALL} ids, following {@code
   * NextToken} within each chunk; targets in AWS's order, chunk after chunk. No ids make no call:
   * AWS reads an absent {@code ResourceIds} as every target of the namespace.
   */
  @Override
  public List<ScalableTarget> describeScalableTargets(Collection<String> resourceIds) {
    List<String> ids = List.copyOf(resourceIds);
    List<ScalableTarget> targets = new ArrayList<>();
    for (int from = 0; from < ids.size(); from += RESOURCE_IDS_PER_CALL) {
      List<String> chunk = ids.subList(from, Math.min(ids.size(), from + RESOURCE_IDS_PER_CALL));
      client
          .describeScalableTargetsPaginator(
              r -> r.serviceNamespace(ServiceNamespace.DYNAMODB).resourceIds(chunk))
          .scalableTargets()
          .forEach(targets::add);
    }
    return targets;
  }

  /** DescribeScalingPolicies of {@code resourceId}, following {@code NextToken}; AWS's order. */
  @Override
  public List<ScalingPolicy> describeScalingPolicies(String resourceId) {
    return client
        .describeScalingPoliciesPaginator(
            r -> r.serviceNamespace(ServiceNamespace.DYNAMODB).resourceId(resourceId))
        .scalingPolicies()
        .stream()
        .toList();
  }

  @Override
  public void registerScalableTarget(RegisterScalableTargetRequest request) {
    client.registerScalableTarget(request);
  }

  @Override
  public void putScalingPolicy(PutScalingPolicyRequest request) {
    client.putScalingPolicy(request);
  }

  @Override
  public void deregisterScalableTarget(DeregisterScalableTargetRequest request) {
    client.deregisterScalableTarget(request);
  }

  @Override
  public void deleteScalingPolicy(DeleteScalingPolicyRequest request) {
    client.deleteScalingPolicy(request);
  }
}
