package dev.limiter.operator.plan.hierarchy;

import dev.limiter.runtime.Entity;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * An entity item's shard count as the table holds it, with the transition of its last change.
 *
 * @param shards the current count
 * @param previousShards the count before the last change (the current one if none)
 * @param changedAt when the last change was made, or null
 */
public record EntityShards(int shards, int previousShards, Instant changedAt) {

  /** How long acquires use the conservative layout after a change (the runtime's). */
  public static final Duration TRANSITION = Entity.SHARD_TRANSITION;

  /** When the last change's transition ends, if it is still running at {@code now}. */
  public Optional<Instant> transitionEnd(Instant now) {
    if (changedAt == null || previousShards == shards || !now.isBefore(changedAt.plus(TRANSITION))) {
      return Optional.empty();
    }
    return Optional.of(changedAt.plus(TRANSITION));
  }
}
