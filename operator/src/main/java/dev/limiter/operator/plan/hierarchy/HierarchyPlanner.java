package dev.limiter.operator.plan.hierarchy;

import java.util.ArrayList;
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

  private HierarchyPlanner() {}

  /**
   * The items a pass writes and deletes.
   *
   * @param desired what the spec wants
   * @param manifest the owner's manifest: item key to the digest it was written with
   * @param holders for desired items missing from the manifest, who holds them now: absent when
   *     no such item exists, an empty optional when it exists without an owner
   * @param owner this hierarchy
   * @param budget most writes and deletes in this pass
   */
  public static HierarchyPlan plan(List<DesiredItem> desired, Map<ItemKey, String> manifest,
                                   Map<ItemKey, Optional<String>> holders, String owner, int budget) {
    List<DesiredItem> puts = new ArrayList<>();
    List<HierarchyPlan.Conflict> conflicts = new ArrayList<>();
    Set<ItemKey> wanted = new HashSet<>();
    long pending = 0;
    for (DesiredItem item : desired) {
      wanted.add(item.key());
      if (item.digest().equals(manifest.get(item.key()))) {
        continue;
      }
      Optional<String> holder = manifest.containsKey(item.key()) ? Optional.of(owner) : holders.get(item.key());
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
