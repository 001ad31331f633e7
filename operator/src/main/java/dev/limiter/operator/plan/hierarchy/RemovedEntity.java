package dev.limiter.operator.plan.hierarchy;

import java.time.Instant;

/**
 * The record an entity left in the table when it was removed: processes that cached it may use its
 * shard count until {@link EntityShards#TRANSITION} after its removal.
 *
 * @param shards its shard state when it was removed
 * @param removedAt when it was removed
 */
public record RemovedEntity(EntityShards shards, Instant removedAt) {

  /** Whether a process may still use the removed entity's shard count at {@code now}. */
  public boolean stillCached(Instant now) {
    return now.isBefore(removedAt.plus(EntityShards.TRANSITION));
  }
}
