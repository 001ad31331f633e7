package dev.limiter.operator.plan.hierarchy;

import dev.limiter.runtime.Entity;
import dev.limiter.runtime.LimiterItems;
import dev.limiter.runtime.LimiterTableSchema;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Decides one pass over a hierarchy's items. Pure: compares the desired items with the owner's
 * manifest (what it wrote, with digests), so unchanged items cost nothing and removed ones are
 * found without scanning the table.
 */
public final class HierarchyPlanner {

  /** Sort key of entity items ({@link LimiterTableSchema#entityKey}). */
  private static final String ENTITY_SORT_KEY =
      ItemKey.of(LimiterTableSchema.entityKey("x")).sort();

  private HierarchyPlanner() {}

  /**
   * The items a pass writes and deletes.
   *
   * @param desired what the spec wants
   * @param manifest the owner's manifest: item key to the digest it was written with
   * @param holders for desired items missing from the manifest, who holds them now: absent when no
   *     such item exists, an empty optional when it exists without an owner. An entity held
   *     elsewhere makes every item under it a conflict too.
   * @param lookedUp the unlisted items whose holders were read: the others wait for a later pass
   *     (pending)
   * @param owner this hierarchy
   * @param budget most writes and deletes in this pass
   */
  public static HierarchyPlan plan(
      List<DesiredItem> desired,
      Map<ItemKey, String> manifest,
      Map<ItemKey, Optional<String>> holders,
      Collection<ItemKey> lookedUp,
      String owner,
      int budget) {
    Set<ItemKey> known = new HashSet<>(lookedUp);
    List<DesiredItem> puts = new ArrayList<>();
    List<HierarchyPlan.Conflict> conflicts = new ArrayList<>();
    Set<ItemKey> wanted = new HashSet<>();
    // An entity held elsewhere is left alone entirely: none of its limits are written either.
    Map<String, String> foreignEntities = new HashMap<>();
    for (DesiredItem item : desired) {
      Optional<String> holder =
          manifest.containsKey(item.key()) ? Optional.of(owner) : holders.get(item.key());
      if (isEntity(item.key()) && holder != null && !holder.equals(Optional.of(owner))) {
        foreignEntities.put(item.key().partition(), holder.orElse(null));
      }
    }
    long pending = 0;
    for (DesiredItem item : desired) {
      wanted.add(item.key());
      if (item.digest().equals(manifest.get(item.key()))) {
        continue;
      }
      Optional<String> holder =
          manifest.containsKey(item.key()) ? Optional.of(owner) : holders.get(item.key());
      if (foreignEntities.containsKey(item.key().partition())) {
        conflicts.add(
            new HierarchyPlan.Conflict(item.key(), foreignEntities.get(item.key().partition())));
        continue;
      }
      if (holder != null && !holder.equals(Optional.of(owner))) {
        conflicts.add(new HierarchyPlan.Conflict(item.key(), holder.orElse(null)));
        continue;
      }
      if (puts.size() < budget
          && (manifest.containsKey(item.key()) || known.contains(item.key()))) {
        puts.add(item);
      } else {
        pending++;
      }
    }
    List<ItemKey> deletes = new ArrayList<>();
    // Entity items go last: an entity is removed after everything stored under it.
    List<ItemKey> removed =
        manifest.keySet().stream()
            .filter(key -> !wanted.contains(key))
            .sorted(Comparator.comparing(HierarchyPlanner::isEntity))
            .toList();
    for (ItemKey key : removed) {
      if (puts.size() + deletes.size() < budget) {
        deletes.add(key);
      } else {
        pending++;
      }
    }
    return new HierarchyPlan(puts, deletes, conflicts, pending);
  }

  /** Desired items the manifest does not list: whose holders must be read before writing them. */
  public static List<ItemKey> unlisted(List<DesiredItem> desired, Map<ItemKey, String> manifest) {
    return desired.stream()
        .map(DesiredItem::key)
        .filter(key -> !manifest.containsKey(key))
        .toList();
  }

  /** Whether {@code key} is an entity item's. */
  public static boolean isEntity(ItemKey key) {
    return key.sort().equals(ENTITY_SORT_KEY);
  }

  /** The id of the entity whose item is at {@code key}. */
  public static String entityId(ItemKey key) {
    return LimiterTableSchema.entityIdOf(key.partition());
  }

  /**
   * A pass's writes in claim order: entity items first, so that the items stored under an entity
   * are written only once this hierarchy holds the entity.
   *
   * @param entities the entity items
   * @param rest everything else
   */
  public record ClaimOrder(List<DesiredItem> entities, List<DesiredItem> rest) {

    /** {@code puts} in claim order. */
    public static ClaimOrder of(List<DesiredItem> puts) {
      return new ClaimOrder(
          puts.stream().filter(put -> put.entity() != null).toList(),
          puts.stream().filter(put -> put.entity() == null).toList());
    }

    /**
     * The items of {@link #rest} to write once the claims of {@code lost} entity items failed
     * (another owner got there first): those stored under a lost entity are conflicts instead.
     */
    public Split restAfter(List<HierarchyPlan.Conflict> lost) {
      Map<String, String> lostPartitions = new HashMap<>();
      lost.forEach(conflict -> lostPartitions.put(conflict.key().partition(), conflict.owner()));
      List<DesiredItem> write = new ArrayList<>();
      List<HierarchyPlan.Conflict> conflicts = new ArrayList<>();
      for (DesiredItem item : rest) {
        if (lostPartitions.containsKey(item.key().partition())) {
          conflicts.add(
              new HierarchyPlan.Conflict(item.key(), lostPartitions.get(item.key().partition())));
        } else {
          write.add(item);
        }
      }
      return new Split(write, conflicts);
    }
  }

  /**
   * Items to write and those left alone.
   *
   * @param write to write
   * @param conflicts left alone: their entity belongs to someone else
   */
  public record Split(List<DesiredItem> write, List<HierarchyPlan.Conflict> conflicts) {}

  /**
   * The partitions that may hold buckets of entity {@code entityId}: one per shard it ever had.
   * Pure.
   */
  public static List<String> bucketPartitions(String entityId, EntityShards state) {
    List<String> partitions = new ArrayList<>();
    for (int shard = 0; shard < state.maxShards(); shard++) {
      partitions.add(LimiterTableSchema.shardPartition(entityId, shard));
    }
    return partitions;
  }

  /**
   * The record entity {@code entityId} leaves when {@code owner} removes it at {@code now} with
   * {@code state}: kept (then expired) until no process can use its shard count any more.
   */
  public static Map<String, AttributeValue> removedRecord(
      String entityId, EntityShards state, String owner, Instant now) {
    return LimiterItems.removedEntity(
        entityId,
        state.shards(),
        state.previousShards(),
        state.changedAt(),
        state.maxShards(),
        now,
        now.plus(EntityShards.TRANSITION.multipliedBy(2)),
        owner);
  }

  /**
   * Entity items to write, carrying the runtime's shard-count transition: a changed count is
   * written with the old count and {@code now}, so that processes still on the old count never push
   * the total over the limit; a change while the previous one is in transition waits; an unchanged
   * count keeps a running transition. An entity that was removed while processes may still cache it
   * (see {@link RemovedEntity}) counts as its old self, so adding it back, or moving it to another
   * hierarchy, with another count goes through the transition too. The most shards an entity ever
   * had is kept, so that its removal finds every bucket. Pure.
   *
   * @param puts the pass's writes
   * @param current shard state of the entity items among them that exist
   * @param removed records of the removed entities among them that do not exist
   */
  public static ShardTransitions withShardTransitions(
      List<DesiredItem> puts,
      Map<ItemKey, EntityShards> current,
      Map<ItemKey, RemovedEntity> removed,
      String owner,
      Instant now) {
    List<DesiredItem> ready = new ArrayList<>();
    long deferred = 0;
    Instant retryAt = null;
    for (DesiredItem put : puts) {
      EntityShards state = put.entity() == null ? null : state(put, current, removed, now);
      if (state == null) {
        ready.add(put);
        continue;
      }
      Entity entity = put.entity();
      Optional<Instant> running = state.transitionEnd(now);
      if (entity.shards() == state.shards()) {
        ready.add(
            running.isPresent()
                ? put.writtenAs(
                    () ->
                        LimiterItems.entity(
                            entity,
                            state.previousShards(),
                            state.changedAt(),
                            state.maxShards(),
                            owner))
                : put.writtenAs(
                    () ->
                        LimiterItems.entity(
                            entity, entity.shards(), null, state.maxShards(), owner)));
      } else if (running.isPresent()) {
        deferred++;
        retryAt = retryAt == null || running.get().isBefore(retryAt) ? running.get() : retryAt;
      } else {
        ready.add(
            put.writtenAs(
                () -> LimiterItems.entity(entity, state.shards(), now, state.maxShards(), owner)));
      }
    }
    return new ShardTransitions(ready, deferred, Optional.ofNullable(retryAt));
  }

  /** What an entity write must take into account: its item, else the record it left, if any. */
  private static EntityShards state(
      DesiredItem put,
      Map<ItemKey, EntityShards> current,
      Map<ItemKey, RemovedEntity> removed,
      Instant now) {
    EntityShards live = current.get(put.key());
    if (live != null) {
      return live;
    }
    RemovedEntity gone = removed.get(put.key());
    if (gone == null) {
      return null;
    }
    if (gone.stillCached(now)) {
      return gone.shards();
    }
    int shards = put.entity().shards();
    return new EntityShards(shards, shards, null, gone.shards().maxShards());
  }

  /**
   * Entity writes after shard-transition handling.
   *
   * @param puts what to write now
   * @param deferred shard changes waiting for the previous change's transition to end
   * @param retryAt when the first of them may be written
   */
  public record ShardTransitions(
      List<DesiredItem> puts, long deferred, Optional<Instant> retryAt) {}
}
