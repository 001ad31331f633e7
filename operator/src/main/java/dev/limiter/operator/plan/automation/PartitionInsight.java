package dev.limiter.operator.plan.automation;

import static dev.limiter.operator.api.ConditionTypes.HOT_PARTITION_RISK;

import dev.limiter.operator.api.BillingMode;
import dev.limiter.operator.api.ConditionReasons;
import dev.limiter.operator.api.PartitionLimits;
import dev.limiter.operator.api.PartitionStatus;
import dev.limiter.operator.api.ThrottleReading;
import dev.limiter.operator.plan.ConditionStatus;
import dev.limiter.operator.plan.ObservedTable;
import dev.limiter.operator.plan.Throughput;
import dev.limiter.runtime.Entity;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Partition estimate and hot-partition risk. Pure.
 *
 * <p>A partition holds at most 10 GB and serves at most 3,000 read and 1,000 write units; DynamoDB
 * splits partitions to stay within that and never merges them. The estimate is therefore {@code
 * max(⌈size / 10 GB⌉, ⌈highest read / 3,000 + highest write / 1,000⌉)} over the highest throughput
 * ever seen (provisioned units, or consumed units on demand), and a provisioned table's units are
 * shared evenly: one partition key gets {@code units / partitions}, at most 1,000 write units. An
 * entity whose declared writes per shard exceed that is at risk of throttling however much capacity
 * the table has; the condition names it and the shard count that fixes it. An entity whose keys use
 * a local reservation is judged by its estimated writes ({@link ReservationEstimate}), not by its
 * acquires, and the condition says so; one that its reservation spares shards it would need
 * otherwise is named too.
 */
public final class PartitionInsight {

  private PartitionInsight() {}

  /** The estimate for {@code table}, remembering the highest throughput in {@code previous}. */
  public static PartitionStatus estimate(
      PartitionStatus previous, ObservedTable table, Optional<ThrottleReading> reading) {
    Throughput provisioned =
        table.capacity().mode() == BillingMode.Provisioned ? table.capacity().table() : null;
    long highestRead =
        max(
            previous == null ? null : previous.highestReadCapacityUnits(),
            provisioned == null ? 0 : provisioned.read(),
            reading.map(ThrottleReading::peakConsumedReadPerSecond).orElse(0L));
    long highestWrite =
        max(
            previous == null ? null : previous.highestWriteCapacityUnits(),
            provisioned == null ? 0 : provisioned.write(),
            reading.map(ThrottleReading::peakConsumedWritePerSecond).orElse(0L));
    long bySize = (table.sizeBytes() + PartitionLimits.BYTES - 1) / PartitionLimits.BYTES;
    long byThroughput =
        (long)
            Math.ceil(
                (double) highestRead / PartitionLimits.READ_UNITS
                    + (double) highestWrite / PartitionLimits.WRITE_UNITS);
    long partitions = Math.max(1, Math.max(bySize, byThroughput));
    long readPer =
        provisioned == null
            ? PartitionLimits.READ_UNITS
            : Math.min(PartitionLimits.READ_UNITS, provisioned.read() / partitions);
    long writePer =
        provisioned == null
            ? PartitionLimits.WRITE_UNITS
            : Math.min(PartitionLimits.WRITE_UNITS, provisioned.write() / partitions);
    return new PartitionStatus(
        partitions, table.sizeBytes(), highestRead, highestWrite, readPer, writePer);
  }

  /**
   * The HotPartitionRisk condition for the entities' demands on a table with {@code partitions}.
   */
  public static ConditionStatus risk(PartitionStatus partitions, List<EntityDemand> demands) {
    return risk(partitions, demands, Optional.empty());
  }

  /**
   * The HotPartitionRisk condition; with {@code scalableWriteUnits} (autoscaling's maximum), a key
   * is judged by what autoscaling may give it, not by today's units, which follow the traffic.
   */
  public static ConditionStatus risk(
      PartitionStatus partitions, List<EntityDemand> demands, Optional<Long> scalableWriteUnits) {
    long perKey =
        Math.max(
            1,
            scalableWriteUnits
                .map(
                    units ->
                        Math.min(
                            PartitionLimits.WRITE_UNITS,
                            units / Math.max(1, partitions.estimated())))
                .orElse(partitions.writeCapacityPerPartition()));
    Optional<EntityDemand> worst =
        demands.stream()
            .filter(d -> perShard(d) > perKey)
            .max(Comparator.comparingLong(EntityDemand::bucketWritesPerSecond));
    String shape =
        partitions.estimated()
            + " estimated partitions, "
            + perKey
            + " write units per partition key";
    if (worst.isEmpty()) {
      return ConditionStatus.isFalse(
          HOT_PARTITION_RISK,
          "None",
          demands.isEmpty()
              ? "no entity declares traffic (" + shape + ")"
              : "every entity's declared writes fit its shards ("
                  + shape
                  + ")"
                  + relieved(demands, perKey));
    }
    EntityDemand d = worst.get();
    long needed = shardsNeeded(d.bucketWritesPerSecond(), perKey);
    long atRisk = demands.stream().filter(x -> perShard(x) > perKey).count();
    String fix =
        needed <= Entity.MAX_SHARDS
            ? "set shards: " + needed + " on it"
            : "it needs "
                + needed
                + " shards, more than "
                + Entity.MAX_SHARDS
                + "; split its traffic or raise table capacity";
    return ConditionStatus.isTrue(
        HOT_PARTITION_RISK,
        ConditionReasons.ENTITY_NEEDS_SHARDS,
        "entity "
            + d.entity()
            + " of EntityHierarchy "
            + d.hierarchy()
            + " declares "
            + declared(d)
            + " over "
            + d.shards()
            + " shard(s), "
            + perShard(d)
            + " per partition key, but "
            + shape
            + "; "
            + fix
            + (atRisk > 1 ? " (" + (atRisk - 1) + " more entities at risk)" : ""));
  }

  /** What the entity declares and, under a reservation, what that makes of it. */
  private static String declared(EntityDemand demand) {
    return demand
        .reservation()
        .map(
            estimate ->
                demand.writesPerSecond()
                    + " acquires/s with "
                    + estimate.basis()
                    + ": about "
                    + estimate.roundedWritesPerSecond()
                    + " writes/s")
        .orElse(demand.writesPerSecond() + " writes per second");
  }

  /**
   * The entities whose local reservation spares them shards their acquires alone would need, the
   * first named; empty when none.
   */
  private static String relieved(List<EntityDemand> demands, long perKey) {
    List<EntityDemand> relieved =
        demands.stream()
            .filter(d -> d.reservation().isPresent())
            .filter(
                d ->
                    shardsNeeded(d.bucketWritesPerSecond(), perKey)
                        < shardsNeeded(d.writesPerSecond(), perKey))
            .sorted(Comparator.comparingLong(EntityDemand::writesPerSecond).reversed())
            .toList();
    if (relieved.isEmpty()) {
      return "";
    }
    EntityDemand d = relieved.get(0);
    ReservationEstimate estimate = d.reservation().orElseThrow();
    long with = shardsNeeded(d.bucketWritesPerSecond(), perKey);
    return "; entity "
        + d.entity()
        + " of EntityHierarchy "
        + d.hierarchy()
        + " needs "
        + with
        + " shard(s) instead of "
        + shardsNeeded(d.writesPerSecond(), perKey)
        + " thanks to its "
        + estimate.basis()
        + ", which brings "
        + d.writesPerSecond()
        + " acquires/s down to about "
        + estimate.roundedWritesPerSecond()
        + " writes/s"
        + (d.shards() > with ? " (it has " + d.shards() + ")" : "")
        + (relieved.size() > 1 ? " (" + (relieved.size() - 1) + " more entities spared)" : "");
  }

  /** Shards that {@code writesPerSecond} needs at {@code perKey} each, at least one. */
  private static long shardsNeeded(long writesPerSecond, long perKey) {
    return Math.max(1, (writesPerSecond + perKey - 1) / perKey);
  }

  private static long perShard(EntityDemand demand) {
    return (demand.bucketWritesPerSecond() + demand.shards() - 1) / Math.max(1, demand.shards());
  }

  private static long max(Long previous, long a, long b) {
    return Math.max(previous == null ? 0 : previous, Math.max(a, b));
  }
}
