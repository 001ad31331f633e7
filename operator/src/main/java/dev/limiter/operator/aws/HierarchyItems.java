package dev.limiter.operator.aws;

import dev.limiter.operator.plan.hierarchy.DesiredItem;
import dev.limiter.operator.plan.hierarchy.EntityShards;
import dev.limiter.operator.plan.hierarchy.ItemKey;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The operator's data-plane access to a limiter table: an owner's items and its manifest. */
public interface HierarchyItems {

  /** {@code owner}'s manifest in {@code table}: each item it wrote, with the digest it wrote it with. */
  Map<ItemKey, String> manifest(String table, String owner);

  /**
   * Who holds the items at {@code keys}: absent from the result when no item exists, an empty
   * optional when one exists without an owner.
   */
  Map<ItemKey, Optional<String>> holders(String table, Collection<ItemKey> keys);

  /** The shard state of the entity items at {@code keys} that exist. */
  Map<ItemKey, EntityShards> shards(String table, Collection<ItemKey> keys);

  /** Writes {@code items} (and the hierarchy marker), then records them in {@code owner}'s manifest. */
  void put(String table, String owner, List<DesiredItem> items);

  /** Deletes the items at {@code keys}, then removes them from {@code owner}'s manifest. */
  void delete(String table, String owner, List<ItemKey> keys);
}
