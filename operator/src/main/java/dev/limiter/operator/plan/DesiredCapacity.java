package dev.limiter.operator.plan;

import dev.limiter.operator.api.BillingMode;
import java.time.Duration;

/**
 * The capacity the spec asks for, already resolved (plan computed, defaults applied).
 *
 * @param mode billing mode
 * @param throughput provisioned throughput of the table and each GSI; null on demand
 * @param maxIncreasePercent step limit for increases; null for none
 * @param maxReadRequestUnits on-demand read cap, -1 for none
 * @param maxWriteRequestUnits on-demand write cap, -1 for none
 * @param switchCooldown minimum spacing between billing-mode switches
 * @param autoscalingOwnsThroughput whether autoscaling, not the spec, owns the table's provisioned
 *     units
 * @param autoscalingOwnsIndexes whether autoscaling, not the spec, owns the GSIs' provisioned units
 */
public record DesiredCapacity(
    BillingMode mode,
    Throughput throughput,
    Integer maxIncreasePercent,
    long maxReadRequestUnits,
    long maxWriteRequestUnits,
    Duration switchCooldown,
    boolean autoscalingOwnsThroughput,
    boolean autoscalingOwnsIndexes) {

  /** Validates that provisioned mode has throughput. */
  public DesiredCapacity {
    if (mode == BillingMode.Provisioned && throughput == null) {
      throw new IllegalArgumentException("provisioned capacity needs a throughput");
    }
  }
}
