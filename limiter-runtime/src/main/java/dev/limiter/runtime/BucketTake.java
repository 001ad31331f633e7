package dev.limiter.runtime;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One bucket an acquire takes from: its key, its limits by name, the operations and the amounts
 * asked for.
 */
record BucketTake(
    BucketKey key, Map<String, Limit> limits, List<LimitOp> ops, Map<String, Long> consume) {

  /**
   * Shards of a sharded entity an acquire tries before it is refused: a random one and two more.
   */
  static final int SHARD_TRIES = 3;

  /** Validates {@code consume} against {@code limits} for the bucket at {@code key}. */
  static BucketTake of(BucketKey key, Map<String, Long> consume, List<Limit> limits) {
    Map<String, Limit> byName = Arguments.limitsByName(key, limits);
    return new BucketTake(key, byName, Arguments.acquireOps(consume, byName), consume);
  }

  /**
   * The buckets to try, in order, for {@code entityId}: its one bucket, or for a sharded entity up
   * to {@value #SHARD_TRIES} shards, each with its share of the limits, from {@code preferredShard}
   * on when it is usable (the shard this instance holds a reservation of; -1 for none), else from a
   * random one.
   */
  static List<BucketTake> candidates(
      String entityId,
      String resource,
      Map<String, Long> consume,
      List<Limit> limits,
      ShardLayout layout,
      int preferredShard) {
    if (!layout.sharded()) {
      return List.of(of(new BucketKey(entityId, resource), consume, limits));
    }
    int usable = layout.usableWith(limits);
    int first =
        preferredShard >= 0 && preferredShard < usable
            ? preferredShard
            : ThreadLocalRandom.current().nextInt(usable);
    List<BucketTake> candidates = new ArrayList<>();
    for (int i = 0; i < Math.min(SHARD_TRIES, usable); i++) {
      int shard = (first + i) % usable;
      candidates.add(
          of(new BucketKey(entityId, resource, shard), consume, layout.share(limits, shard)));
    }
    return candidates;
  }

  /**
   * {@code consume} without the limits {@code limits} lacks (a parent is charged only for the
   * limits it has).
   */
  static Map<String, Long> known(Map<String, Long> consume, List<Limit> limits) {
    Map<String, Long> known = new LinkedHashMap<>();
    consume.forEach(
        (name, tokens) -> {
          if (limits.stream().anyMatch(limit -> limit.name().equals(name))) {
            known.put(name, tokens);
          }
        });
    return known;
  }

  /**
   * The lease of this take's admitted acquire, made at {@code acquiredAtNanos} and returning {@code
   * after} ({@link BucketState#EMPTY} when the write returned no times).
   */
  BucketLease lease(AdjustmentWriter adjustments, BucketState after, long acquiredAtNanos) {
    return new BucketLease(adjustments, key, limits, consume, after, acquiredAtNanos, null);
  }

  /** The lease of this take admitted from a reservation ({@code local}, or by its own write). */
  BucketLease lease(
      AdjustmentWriter adjustments, ReservationPool.Admission local, long acquiredAtNanos) {
    return new BucketLease(
        adjustments, key, limits, consume, local.leaseState(), acquiredAtNanos, local);
  }
}
