package dev.limiter.runtime;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The buckets an acquire tries: its own candidates (one, or shards of a sharded entity), and its
 * parent's (empty when it does not cascade).
 */
record AcquirePlan(List<BucketTake> own, List<BucketTake> parent) {

  /** One bucket and no parent: written by a single UpdateItem. */
  boolean simple() {
    return own.size() == 1 && parent.isEmpty();
  }

  /**
   * The plan of an acquire on {@code entityId}: its own buckets, and its parent's when it cascades
   * and the parent has limits for the resource. Lookups come from the caches, so this completes at
   * once in steady state.
   */
  static CompletableFuture<AcquirePlan> of(
      Entities entities,
      StoredLimits storedLimits,
      Instant now,
      String entityId,
      String resource,
      Map<String, Long> consume,
      List<Limit> limits) {
    return entities
        .lookupAsync(entityId)
        .thenCompose(
            state -> {
              List<BucketTake> own =
                  BucketTake.candidates(
                      entityId, resource, consume, limits, ShardLayout.of(state, now));
              if (state.isEmpty() || !state.get().entity().cascade()) {
                return CompletableFuture.completedFuture(new AcquirePlan(own, List.of()));
              }
              String parentId = state.get().entity().parentId();
              return storedLimits
                  .findAsync(parentId, resource)
                  .thenCompose(
                      parentLimits -> {
                        Map<String, Long> parentConsume =
                            parentLimits
                                .map(found -> BucketTake.known(consume, found))
                                .orElse(Map.of());
                        if (parentConsume.isEmpty()) {
                          return CompletableFuture.completedFuture(new AcquirePlan(own, List.of()));
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
                                            ShardLayout.of(parent, now))));
                      });
            });
  }
}
