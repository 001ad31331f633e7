package dev.limiter.runtime;

import java.time.Instant;

/**
 * An entity as stored, with the shard history acquires need during a shard-count change.
 *
 * @param entity the entity
 * @param previousShards its shard count before the last change (its current count if none)
 * @param shardsChangedAt when that change was made, or null
 * @param maxShards the most shards its buckets ever had (every one of them may hold buckets)
 */
record EntityState(Entity entity, int previousShards, Instant shardsChangedAt, int maxShards) {

  /** Whether the last shard-count change is still in its transition at {@code now}. */
  boolean changingShards(Instant now) {
    return shardsChangedAt != null
        && previousShards != entity.shards()
        && now.isBefore(shardsChangedAt.plus(ShardLayout.TRANSITION));
  }

  /** The shards acquires use at {@code now}. */
  ShardLayout layout(Instant now) {
    return changingShards(now)
        ? ShardLayout.transitional(previousShards, entity.shards())
        : ShardLayout.steady(entity.shards());
  }
}
