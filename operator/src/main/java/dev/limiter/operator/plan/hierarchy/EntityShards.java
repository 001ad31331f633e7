package dev.limiter.operator.plan.hierarchy;

import dev.limiter.runtime.Entity;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * An entity's shard count as the table holds it, with the transition of its last change.
 *
 * @param shards the current count
 * @param previousShards the count before the last change (the current one if none)
 * @param changedAt when the last change was made, or null
 * @param maxShards the most shards its buckets ever had (at least {@code shards} and {@code
 *     previousShards})
 */
public record EntityShards(int shards, int previousShards, Instant changedAt, int maxShards) {

  /** How long acquires use the conservative layout after a change (the runtime's). */
  public static final Duration TRANSITION = Entity.SHARD_TRANSITION;

  /** Keeps {@code maxShards} at least the two counts, whatever an older item recorded. */
  public EntityShards {
    maxShards = Math.max(maxShards, Math.max(shards, previousShards));
  }

  /** When the last change's transition ends, if it is still running at {@code now}. */
  public Optional<Instant> transitionEnd(Instant now) {
    if (changedAt == null
        || previousShards == shards
        || !now.isBefore(changedAt.plus(TRANSITION))) {
      return Optional.empty();
    }
    return Optional.of(changedAt.plus(TRANSITION));
  }
}
