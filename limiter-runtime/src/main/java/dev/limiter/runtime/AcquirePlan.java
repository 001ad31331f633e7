package dev.limiter.runtime;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The buckets an acquire tries: its own candidates (one, or shards of a sharded entity), and its
 * parent's (empty when it does not cascade), with the local reservation each side uses.
 */
record AcquirePlan(
    List<BucketTake> own,
    List<BucketTake> parent,
    LocalReservation ownReservation,
    LocalReservation parentReservation) {

  /** One bucket and no parent: written by a single UpdateItem. */
  boolean simple() {
    return own.size() == 1 && parent.isEmpty();
  }

  /**
   * The plan of an acquire on {@code entityId}: its own buckets, and its parent's when it cascades
   * and the parent has limits for the resource. Lookups come from the caches, so this completes at
   * once in steady state. A sharded side starts from the shard this instance holds a reservation
   * of; the parent reserves as its stored limits declare, else as the limiter's default.
   */
  static CompletableFuture<AcquirePlan> of(
      Entities entities,
      StoredLimits storedLimits,
      LocalReservations reservations,
      Instant now,
      String entityId,
      String resource,
      Map<String, Long> consume,
      List<Limit> limits,
      LocalReservation reservation) {
    return entities
        .lookupAsync(entityId)
        .thenCompose(
            state -> {
              List<BucketTake> own =
                  BucketTake.candidates(
                      entityId,
                      resource,
                      consume,
                      limits,
                      ShardLayout.of(state, now),
                      reservations.preferredShard(entityId, resource));
              if (state.isEmpty() || !state.get().entity().cascade()) {
                return CompletableFuture.completedFuture(
                    new AcquirePlan(own, List.of(), reservation, LocalReservation.OFF));
              }
              String parentId = state.get().entity().parentId();
              return storedLimits
                  .resolutionAsync(parentId, resource)
                  .thenCompose(
                      resolution -> {
                        Optional<List<Limit>> parentLimits = resolution.limits();
                        Map<String, Long> parentConsume =
                            parentLimits
                                .map(found -> BucketTake.known(consume, found))
                                .orElse(Map.of());
                        if (parentConsume.isEmpty()) {
                          return CompletableFuture.completedFuture(
                              new AcquirePlan(own, List.of(), reservation, LocalReservation.OFF));
                        }
                        return entities
                            .lookupAsync(parentId)
                            .thenApply(
                                parent ->
                                    new AcquirePlan(
                                        own,
                                        BucketTake.candidates(
                                            parentId,
                                            resource,
                                            parentConsume,
                                            parentLimits.get(),
                                            ShardLayout.of(parent, now),
                                            reservations.preferredShard(parentId, resource)),
                                        reservation,
                                        reservations.effective(resolution.reservation())));
                      });
            });
  }
}
