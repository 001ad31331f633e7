package dev.limiter.operator.plan.hierarchy;

import dev.limiter.runtime.LimiterTableSchema;
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
}
