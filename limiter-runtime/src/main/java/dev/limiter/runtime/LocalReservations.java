package dev.limiter.runtime;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * This instance's {@link ReservationPool}s, one per hot (entity, resource) across its shards, the
 * limiter's default {@link LocalReservation}, and the counters of {@link ReservationStats}.
 *
 * <p>Bounded like {@link BucketStateCache}: pools that hold nothing usable go first, then every
 * pool (their leftovers lapse, which only admits less).
 */
final class LocalReservations {

  private record PoolKey(String entityId, String resource) {}

  private final LocalReservation defaults;
  private final int maxPools;
  private final ConcurrentHashMap<PoolKey, ReservationPool> pools = new ConcurrentHashMap<>();
  private final LongAdder localAdmissions = new LongAdder();
  private final LongAdder reservationWrites = new LongAdder();
  private final LongAdder refusedReservations = new LongAdder();
  private final LongAdder plainWrites = new LongAdder();

  LocalReservations(LocalReservation defaults, int maxPools) {
    this.defaults = defaults;
    this.maxPools = maxPools;
  }

  /** The limiter's default, for acquires with explicit limits. */
  LocalReservation defaults() {
    return defaults;
  }

  /**
   * The reservation of a stored-limits acquire: the one stored with its limits, else the default.
   */
  LocalReservation effective(Optional<LocalReservation> stored) {
    return stored.orElse(defaults);
  }

  /** The shard whose bucket this instance holds a pool of for the pair, or -1. */
  int preferredShard(String entityId, String resource) {
    ReservationPool pool = pools.get(new PoolKey(entityId, resource));
    return pool == null ? -1 : pool.key().shard();
  }

  /**
   * The pool for {@code take}'s bucket when {@code reservation} is on, else null. A pool of the
   * pair held for another shard or other limits (a changed limit set or shard layout) is replaced:
   * its leftovers lapse.
   */
  ReservationPool pool(BucketTake take, LocalReservation reservation, long nowNanos) {
    if (!reservation.enabled()) {
      return null;
    }
    PoolKey key = new PoolKey(take.key().entityId(), take.key().resource());
    ReservationPool pool =
        pools.compute(
            key,
            (k, held) ->
                held != null && held.serves(take)
                    ? held
                    : new ReservationPool(take.key(), take.limits()));
    trim(nowNanos);
    return pool;
  }

  void admittedLocally() {
    localAdmissions.increment();
  }

  void wrote(boolean reserving) {
    (reserving ? reservationWrites : plainWrites).increment();
  }

  void reservationRefused() {
    refusedReservations.increment();
  }

  ReservationStats stats() {
    return new ReservationStats(
        localAdmissions.sum(),
        reservationWrites.sum(),
        refusedReservations.sum(),
        plainWrites.sum());
  }

  /**
   * Forgets every pool: what they hold lapses at the refill rate. Not refunded, because GCRA takes
   * a refund off the end of the bucket's time, which lies inside the latest reservation (this one's
   * or another instance's), and giving it back there would let it be admitted twice.
   */
  void clear() {
    pools.clear();
  }

  private void trim(long nowNanos) {
    if (pools.size() <= maxPools) {
      return;
    }
    pools.values().removeIf(pool -> !pool.holds(nowNanos));
    if (pools.size() > maxPools) {
      pools.clear();
    }
  }
}
