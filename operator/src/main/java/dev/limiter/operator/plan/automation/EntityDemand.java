package dev.limiter.operator.plan.automation;

import java.util.Optional;

/**
 * The writes per second one entity's declared traffic puts on its bucket items.
 *
 * @param hierarchy the EntityHierarchy declaring it
 * @param entity the entity id
 * @param writesPerSecond its declared peak acquires per second (shardsFor, or its own limits'
 *     refill rates): the writes its buckets get without a local reservation
 * @param shards the shard count it has
 * @param reservation the estimate of its writes under the local reservation its keys use, if one is
 *     declared and on
 */
public record EntityDemand(
    String hierarchy,
    String entity,
    long writesPerSecond,
    int shards,
    Optional<ReservationEstimate> reservation) {

  /** An entity whose keys reserve nothing locally. */
  public EntityDemand(String hierarchy, String entity, long writesPerSecond, int shards) {
    this(hierarchy, entity, writesPerSecond, shards, Optional.empty());
  }

  /** The writes per second its buckets get: the reservation's estimate, else every acquire. */
  public long bucketWritesPerSecond() {
    return reservation.map(ReservationEstimate::roundedWritesPerSecond).orElse(writesPerSecond);
  }
}
