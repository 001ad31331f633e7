package dev.limiter.operator.plan.automation;

import static dev.limiter.operator.api.ConditionTypes.THROTTLING;

import dev.limiter.operator.api.ConditionReasons;
import dev.limiter.operator.api.ThrottleReading;
import dev.limiter.operator.plan.ConditionStatus;
import dev.limiter.operator.plan.Throughput;

/**
 * Which case of the runbook a diagnosis reading shows. Pure.
 *
 * <ul>
 *   <li>{@code IndexThrottling}: a GSI throttles (its throttles also throttle the table's writes):
 *       raise the index's capacity;
 *   <li>{@code OnDemandCapReached}: an on-demand table is held back by its own caps ({@code
 *       MaxOnDemandThroughputThrottleEvents}): raise or lift {@code spec.billing.onDemand};
 *       switching modes or more provisioned capacity does not apply;
 *   <li>{@code HotPartition}: key-range throttles outnumber throttles on the table's capacity, or
 *       the table throttles while its busiest minute used under 80% of its units: one key is hot;
 *       find it with Contributor Insights and shard its entity;
 *   <li>{@code CapacityExceeded}: the table used its capacity: raise it, enable autoscaling, or in
 *       an emergency switch to on-demand;
 *   <li>{@code None}: no throttle events in the window.
 * </ul>
 */
public final class ThrottleDiagnosis {

  /** Utilization under which throttling without per-reason metrics is put down to a hot key. */
  static final int HOT_KEY_UTILIZATION_PERCENT = 80;

  private ThrottleDiagnosis() {}

  /** The cases. */
  public enum Case {
    None,
    IndexThrottling,
    OnDemandCapReached,
    HotPartition,
    CapacityExceeded
  }

  /** The case {@code reading} shows for a table with {@code provisioned} units (null on demand). */
  public static Case diagnose(ThrottleReading reading, Throughput provisioned) {
    long tableEvents = reading.readThrottleEvents() + reading.writeThrottleEvents();
    if (tableEvents == 0 && reading.indexThrottleEvents() == 0) {
      return Case.None;
    }
    if (reading.indexThrottleEvents() > 0) {
      return Case.IndexThrottling;
    }
    if (reading.maxOnDemandThrottleEvents() > 0
        && reading.maxOnDemandThrottleEvents() >= reading.keyRangeThrottleEvents()) {
      return Case.OnDemandCapReached;
    }
    if (reading.keyRangeThrottleEvents() > reading.provisionedThroughputThrottleEvents()) {
      return Case.HotPartition;
    }
    if (reading.provisionedThroughputThrottleEvents() > 0 || provisioned == null) {
      return Case.CapacityExceeded;
    }
    boolean underused =
        reading.peakConsumedReadPerSecond() * 100 < provisioned.read() * HOT_KEY_UTILIZATION_PERCENT
            && reading.peakConsumedWritePerSecond() * 100
                < provisioned.write() * HOT_KEY_UTILIZATION_PERCENT;
    return underused ? Case.HotPartition : Case.CapacityExceeded;
  }

  /** The Throttling condition for {@code reading}. */
  public static ConditionStatus condition(ThrottleReading reading, Throughput provisioned) {
    Case found = diagnose(reading, provisioned);
    String counts =
        reading.readThrottleEvents()
            + " read and "
            + reading.writeThrottleEvents()
            + " write throttle events ("
            + reading.keyRangeThrottleEvents()
            + " key range, "
            + reading.provisionedThroughputThrottleEvents()
            + " provisioned throughput, "
            + reading.indexThrottleEvents()
            + " on indexes) in the "
            + reading.window()
            + " to "
            + reading.at()
            + "; peak consumed "
            + reading.peakConsumedReadPerSecond()
            + " read / "
            + reading.peakConsumedWritePerSecond()
            + " write units per second"
            + (provisioned == null
                ? " (on-demand)"
                : " of " + provisioned.read() + " / " + provisioned.write() + " provisioned");
    return switch (found) {
      case None -> ConditionStatus.isFalse(THROTTLING, "None", "no throttling: " + counts);
      case IndexThrottling ->
          ConditionStatus.isTrue(
              THROTTLING,
              ConditionReasons.INDEX_THROTTLING,
              counts
                  + ". Runbook: a throttled index throttles the table's writes too; raise the"
                  + " index's capacity (or let autoscaling scale indexes) and check its partition"
                  + " key's cardinality");
      case OnDemandCapReached ->
          ConditionStatus.isTrue(
              THROTTLING,
              ConditionReasons.ON_DEMAND_CAP_REACHED,
              counts
                  + "; "
                  + reading.maxOnDemandThrottleEvents()
                  + " of them against the table's own on-demand caps. Runbook: the table is held"
                  + " back by spec.billing.onDemand.maxReadRequestUnits/maxWriteRequestUnits; raise"
                  + " or remove the caps (a billing-mode switch or more capacity does not help)");
      case HotPartition ->
          ConditionStatus.isTrue(
              THROTTLING,
              ConditionReasons.HOT_PARTITION,
              counts
                  + ". Runbook: one partition key is hot while the table has capacity; find it with"
                  + " Contributor Insights and shard that entity (EntityHierarchy shards or"
                  + " shardsFor); more table capacity does not help");
      case CapacityExceeded ->
          ConditionStatus.isTrue(
              THROTTLING,
              ConditionReasons.CAPACITY_EXCEEDED,
              counts
                  + ". Runbook: the table used its capacity; raise provisioned capacity or enable"
                  + " autoscaling, or in an emergency switch to on-demand (spec.emergency automates"
                  + " both)");
    };
  }
}
