package dev.limiter.runtime;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Which shards of an entity's buckets acquires use, and how the limits are split among them. Pure.
 *
 * <p>With {@code N} shards, shard {@code k} holds {@code C/N} of each limit's capacity and {@code
 * R/N} of its refill, the remainders going one unit each to the lowest shards: the shares add up to
 * exactly the limit, so the shards together never admit more than the entity's limit. A shard whose
 * share would be zero is not used.
 *
 * <p>A change of shard count is not seen by every process at once (each caches the entity for its
 * TTL). For {@link #TRANSITION} after a change, acquires use only the shards both counts have
 * ({@code min(old, new)}) with the shares of the larger count ({@code max(old, new)}): whatever mix
 * of old, transitional and new views is in use, no shard is ever used with more than its share
 * under some count that bounds the total, so the aggregate stays within the limit during the
 * transition (at the price of admitting less). Shards that an increase adds start full: right after
 * the transition the entity can admit up to their shares once more than a single bucket would,
 * which matters only for limits whose period is long next to the transition.
 *
 * @param usable shards acquires may use: 0 to {@code usable − 1}
 * @param divisor the count whose shares they hold
 */
record ShardLayout(int usable, int divisor) {

  /** See {@link Entity#SHARD_TRANSITION}. */
  static final Duration TRANSITION = Entity.SHARD_TRANSITION;

  /** A single, unsplit bucket. */
  static final ShardLayout UNSHARDED = new ShardLayout(1, 1);

  /**
   * The shards acquires use at {@code now} for an entity as stored; a single bucket when it is not
   * stored.
   */
  static ShardLayout of(Optional<EntityState> state, Instant now) {
    return state.map(found -> found.layout(now)).orElse(UNSHARDED);
  }

  /** Every one of {@code shards} shards, each with its share. */
  static ShardLayout steady(int shards) {
    return new ShardLayout(shards, shards);
  }

  /** The conservative layout while the count changes from {@code previous} to {@code shards}. */
  static ShardLayout transitional(int previous, int shards) {
    return new ShardLayout(Math.min(shards, previous), Math.max(shards, previous));
  }

  boolean sharded() {
    return divisor > 1;
  }

  /** Shards usable with {@code limits}: those whose share of every limit is at least one token. */
  int usableWith(List<Limit> limits) {
    int usableShards = usable;
    for (Limit limit : limits) {
      usableShards = (int) Math.min(usableShards, Math.min(limit.capacity(), limit.refillAmount()));
    }
    return usableShards;
  }

  /** Shard {@code shard}'s share of each of {@code limits}. */
  List<Limit> share(List<Limit> limits, int shard) {
    List<Limit> shares = new ArrayList<>(limits.size());
    for (Limit limit : limits) {
      shares.add(
          Limit.of(
              limit.name(),
              part(limit.capacity(), shard),
              part(limit.refillAmount(), shard),
              limit.refillPeriod()));
    }
    return shares;
  }

  private long part(long total, int shard) {
    return total / divisor + (shard < total % divisor ? 1 : 0);
  }
}
