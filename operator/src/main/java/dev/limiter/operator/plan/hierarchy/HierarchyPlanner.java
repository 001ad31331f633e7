package dev.limiter.operator.plan.hierarchy;

import dev.limiter.runtime.Entity;
import dev.limiter.runtime.LimiterItems;
import dev.limiter.runtime.LimiterTableSchema;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Decides one pass over a hierarchy's items. Pure: compares the desired items with the owner's
 * manifest (what it wrote, with digests), so unchanged items cost nothing and removed ones are
 * found without scanning the table.
 */
public final class HierarchyPlanner {

  /** Sort key of entity items ({@link LimiterTableSchema#entityKey}). */
  private static final String ENTITY_SORT_KEY = ItemKey.of(LimiterTableSchema.entityKey("x")).sort();

  private HierarchyPlanner() {}

  /**
   * The items a pass writes and deletes.
   *
   * @param desired what the spec wants
   * @param manifest the owner's manifest: item key to the digest it was written with
   * @param holders for desired items missing from the manifest, who holds them now: absent when
   *     no such item exists, an empty optional when it exists without an owner. An entity held
   *     elsewhere makes every item under it a conflict too.
   * @param owner this hierarchy
   * @param budget most writes and deletes in this pass
   */
  public static HierarchyPlan plan(List<DesiredItem> desired, Map<ItemKey, String> manifest,
                                   Map<ItemKey, Optional<String>> holders, String owner, int budget) {
    List<DesiredItem> puts = new ArrayList<>();
    List<HierarchyPlan.Conflict> conflicts = new ArrayList<>();
    Set<ItemKey> wanted = new HashSet<>();
    // An entity held elsewhere is left alone entirely: none of its limits are written either.
    Map<String, String> foreignEntities = new HashMap<>();
    for (DesiredItem item : desired) {
      Optional<String> holder = manifest.containsKey(item.key()) ? Optional.of(owner) : holders.get(item.key());
      if (item.key().sort().equals(ENTITY_SORT_KEY) && holder != null && !holder.equals(Optional.of(owner))) {
        foreignEntities.put(item.key().partition(), holder.orElse(null));
      }
    }
    long pending = 0;
    for (DesiredItem item : desired) {
      wanted.add(item.key());
      if (item.digest().equals(manifest.get(item.key()))) {
        continue;
      }
      Optional<String> holder = manifest.containsKey(item.key()) ? Optional.of(owner) : holders.get(item.key());
      if (foreignEntities.containsKey(item.key().partition())) {
        conflicts.add(new HierarchyPlan.Conflict(item.key(), foreignEntities.get(item.key().partition())));
        continue;
      }
      if (holder != null && !holder.equals(Optional.of(owner))) {
        conflicts.add(new HierarchyPlan.Conflict(item.key(), holder.orElse(null)));
        continue;
      }
      if (puts.size() < budget) {
        puts.add(item);
      } else {
        pending++;
      }
    }
    List<ItemKey> deletes = new ArrayList<>();
    for (ItemKey key : manifest.keySet()) {
      if (wanted.contains(key)) {
        continue;
      }
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
    return desired.stream().map(DesiredItem::key).filter(key -> !manifest.containsKey(key)).toList();
  }

  /**
   * Entity items to write, carrying the runtime's shard-count transition: a changed count is
   * written with the old count and {@code now}, so that processes still on the old count never
   * push the total over the limit; a change while the previous one is in transition waits; an
   * unchanged count keeps a running transition. Pure.
   *
   * @param puts the pass's writes
   * @param current shard state of the entity items among them that exist
   */
  public static ShardTransitions withShardTransitions(List<DesiredItem> puts, Map<ItemKey, EntityShards> current, String owner,
                                                      Instant now) {
    List<DesiredItem> ready = new ArrayList<>();
    long deferred = 0;
    Instant retryAt = null;
    for (DesiredItem put : puts) {
      EntityShards state = put.entity() == null ? null : current.get(put.key());
      if (state == null) {
        ready.add(put);
        continue;
      }
      Entity entity = put.entity();
      Optional<Instant> running = state.transitionEnd(now);
      if (entity.shards() == state.shards()) {
        ready.add(running.isPresent()
            ? put.writtenAs(() -> LimiterItems.entity(entity, state.previousShards(), state.changedAt(), owner))
            : put);
      } else if (running.isPresent()) {
        deferred++;
        retryAt = retryAt == null || running.get().isBefore(retryAt) ? running.get() : retryAt;
      } else {
        ready.add(put.writtenAs(() -> LimiterItems.entity(entity, state.shards(), now, owner)));
      }
    }
    return new ShardTransitions(ready, deferred, Optional.ofNullable(retryAt));
  }

  /**
   * Entity writes after shard-transition handling.
   *
   * @param puts what to write now
   * @param deferred shard changes waiting for the previous change's transition to end
   * @param retryAt when the first of them may be written
   */
  public record ShardTransitions(List<DesiredItem> puts, long deferred, Optional<Instant> retryAt) {}
}
