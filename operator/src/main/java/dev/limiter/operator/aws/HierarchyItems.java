package dev.limiter.operator.aws;

import dev.limiter.operator.plan.hierarchy.DesiredItem;
import dev.limiter.operator.plan.hierarchy.EntityShards;
import dev.limiter.operator.plan.hierarchy.HierarchyPlan;
import dev.limiter.operator.plan.hierarchy.ItemKey;
import dev.limiter.operator.plan.hierarchy.RemovedEntity;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The operator's data-plane access to a limiter table: an owner's items, its manifest and its
 * marker. Every item write claims or releases conditionally on the owner attribute; manifest
 * entries and buckets (which carry no owner) are written in batches.
 */
public interface HierarchyItems {

  /**
   * What the operator needs to know of the table itself.
   *
   * @param arn its ARN
   * @param createdAt when it was created: with the ARN, its identity (a recreated table keeps its
   *     ARN)
   * @param writeCapacityUnits provisioned write units (the least of the table's and its indexes'),
   *     or null on demand
   */
  record TableFacts(String arn, Instant createdAt, Long writeCapacityUnits) {}

  /**
   * Shard state in the table of some entities.
   *
   * @param live of the entity items that exist
   * @param removed of the removed entities whose record is still there (keyed by entity item key)
   */
  record EntityRecords(Map<ItemKey, EntityShards> live, Map<ItemKey, RemovedEntity> removed) {}

  /** The table's identity and write capacity (DescribeTable). */
  TableFacts describe(String table);

  /** The digest in {@code owner}'s marker, or empty when the table has no marker of it. */
  Optional<String> appliedDigest(String table, String owner);

  /**
   * Records in {@code owner}'s marker that it applied the hierarchy with {@code digest} completely.
   */
  void markApplied(String table, String owner, String digest);

  /** Removes {@code owner}'s marker. */
  void unmark(String table, String owner);

  /**
   * {@code owner}'s manifest in {@code table}: each item it wrote, with the digest it wrote it
   * with.
   */
  Map<ItemKey, String> manifest(String table, String owner);

  /**
   * Who holds the items at {@code keys}: absent from the result when no item exists, an empty
   * optional when one exists without an owner.
   */
  Map<ItemKey, Optional<String>> holders(String table, Collection<ItemKey> keys);

  /** The shard state of the entities whose entity item keys are {@code keys}. */
  EntityRecords entities(String table, Collection<ItemKey> keys);

  /** Writes the runtime's marker saying the table holds entities (it belongs to no hierarchy). */
  void markEntities(String table);

  /**
   * Writes {@code item} for {@code owner} if no item is at its key or {@code owner} holds it.
   *
   * @return empty when written; the conflict, naming the holder, when someone else holds the key
   */
  Optional<HierarchyPlan.Conflict> claim(
      String table, String owner, Map<String, AttributeValue> item);

  /** Records {@code items} in {@code owner}'s manifest (at most 25 a call). */
  void record(String table, String owner, List<DesiredItem> items);

  /**
   * Deletes the item at {@code key} if {@code owner} holds it (a missing or foreign item is left
   * alone).
   */
  void release(String table, String owner, ItemKey key);

  /** Keys of the bucket items in {@code partition}. */
  List<ItemKey> buckets(String table, String partition);

  /** Deletes the buckets at {@code keys} (at most 25 a call). */
  void deleteBuckets(String table, List<ItemKey> keys);

  /**
   * Writes the record a removed entity leaves ({@code removedRecord}), before its entity item is
   * released.
   */
  void recordRemoval(String table, Map<String, AttributeValue> removedRecord);

  /**
   * Removes the manifest entries of {@code keys} from {@code owner}'s manifest (at most 25 a call).
   */
  void forget(String table, String owner, List<ItemKey> keys);
}
