package dev.limiter.runtime;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.function.Function;

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

  /** Where a plan's entities and stored limits come from. */
  private record Lookups(
      Function<String, CompletableFuture<Optional<EntityState>>> entity,
      BiFunction<String, String, CompletableFuture<StoredLimits.Resolution>> resolution) {}

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
    Lookups lookups = new Lookups(entities::lookupAsync, storedLimits::resolutionAsync);
    return of(lookups, reservations, now, entityId, resource, consume, limits, reservation);
  }

  /**
   * The plan {@link #of} makes from what the caches hold, without a call (while DynamoDB is known
   * to be unavailable); empty when a lookup would need one or the plan fails.
   */
  static Optional<AcquirePlan> cached(
      Entities entities,
      StoredLimits storedLimits,
      LocalReservations reservations,
      Instant now,
      String entityId,
      String resource,
      Map<String, Long> consume,
      List<Limit> limits,
      LocalReservation reservation) {
    Lookups lookups =
        new Lookups(
            id -> orNever(entities.cached(id)),
            (entity, name) -> orNever(storedLimits.cached(entity, name)));
    CompletableFuture<AcquirePlan> plan =
        of(lookups, reservations, now, entityId, resource, consume, limits, reservation);
    return plan.isDone() && !plan.isCompletedExceptionally()
        ? Optional.of(plan.join())
        : Optional.empty();
  }

  /** A cached value, or for none a future never completed, so that the plan is never done. */
  private static <T> CompletableFuture<T> orNever(Optional<T> cached) {
    return cached.map(CompletableFuture::completedFuture).orElseGet(CompletableFuture::new);
  }

  private static CompletableFuture<AcquirePlan> of(
      Lookups lookups,
      LocalReservations reservations,
      Instant now,
      String entityId,
      String resource,
      Map<String, Long> consume,
      List<Limit> limits,
      LocalReservation reservation) {
    return lookups
        .entity()
        .apply(entityId)
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
              return lookups
                  .resolution()
                  .apply(parentId, resource)
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
                        return lookups
                            .entity()
                            .apply(parentId)
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
