package dev.limiter.operator.reconcile;

import dev.limiter.operator.aws.HierarchyItems;
import dev.limiter.operator.aws.Sleeper;
import dev.limiter.operator.plan.hierarchy.DesiredItem;
import dev.limiter.operator.plan.hierarchy.EntityShards;
import dev.limiter.operator.plan.hierarchy.HierarchyPlan;
import dev.limiter.operator.plan.hierarchy.HierarchyPlanner;
import dev.limiter.operator.plan.hierarchy.ItemKey;
import dev.limiter.operator.plan.hierarchy.WriteUnits;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Carries out one pass's writes and deletes on a table, paced by the table's {@link TablePacers}
 * and stopping once the pass's time is up (what is left is pending, for the next pass).
 *
 * <p>Order: entity items are claimed first, then what is stored under the entities this hierarchy
 * holds; each item is recorded in the manifest after it is written. Removed items are released
 * before entities; an entity's buckets (in every shard partition it ever had) go first, then the
 * record of its shard state, then its entity item; manifest entries go last. An interrupted pass
 * therefore leaves nothing the next one cannot finish.
 */
final class PacedHierarchyWrites {

  /** Deleting an entity item: a child's carries the index keys. */
  private static final int ENTITY_DELETE_UNITS = 2;

  private final HierarchyItems items;
  private final String table;
  private final String owner;
  private final TablePacers.Handle pacer;
  private final Clock clock;
  private final Sleeper sleeper;
  private final Instant deadline;
  private boolean stopped;

  PacedHierarchyWrites(
      HierarchyItems items,
      String table,
      String owner,
      TablePacers.Handle pacer,
      Clock clock,
      Sleeper sleeper,
      Instant deadline) {
    this.items = items;
    this.table = table;
    this.owner = owner;
    this.pacer = pacer;
    this.clock = clock;
    this.sleeper = sleeper;
    this.deadline = deadline;
  }

  /**
   * What a pass did.
   *
   * @param written items written
   * @param deleted items deleted
   * @param conflicts claims that found the item held by someone else
   * @param unfinished writes and deletes the pass's time did not reach
   */
  record Outcome(
      long written, long deleted, List<HierarchyPlan.Conflict> conflicts, long unfinished) {}

  /**
   * Writes {@code puts} and deletes {@code deletes} (entity items last), using {@code removing}
   * (the shard state of the entities among the deletes) to find their buckets and to record it.
   */
  Outcome apply(
      List<DesiredItem> puts,
      List<ItemKey> deletes,
      Map<ItemKey, EntityShards> removing,
      Instant now) {
    HierarchyPlanner.ClaimOrder order = HierarchyPlanner.ClaimOrder.of(puts);
    List<HierarchyPlan.Conflict> conflicts = new ArrayList<>();
    List<DesiredItem> unrecorded = new ArrayList<>();
    if (!order.entities().isEmpty() && spend(1)) {
      items.markEntities(table);
    }
    List<HierarchyPlan.Conflict> lost = new ArrayList<>();
    long claimed = claim(order.entities(), lost, unrecorded);
    conflicts.addAll(lost);
    HierarchyPlanner.Split rest = order.restAfter(lost);
    conflicts.addAll(rest.conflicts());
    List<HierarchyPlan.Conflict> restLost = new ArrayList<>();
    claimed += claim(rest.write(), restLost, unrecorded);
    conflicts.addAll(restLost);
    recordAll(unrecorded);
    long unfinished =
        puts.size() - claimed - lost.size() - rest.conflicts().size() - restLost.size();

    long deleted = 0;
    List<ItemKey> released = new ArrayList<>();
    for (ItemKey key : deletes) {
      if (HierarchyPlanner.isEntity(key)) {
        if (!removeEntity(key, removing.get(key), now)) {
          break;
        }
      } else if (spend(1)) { // a stored-limits item carries no index keys and stays under 1 KB
        items.release(table, owner, key);
      } else {
        break;
      }
      released.add(key);
      if (released.size() >= pacer.burst()) {
        forget(released);
      }
      deleted++;
    }
    forget(released);
    return new Outcome(
        claimed, deleted, List.copyOf(conflicts), unfinished + deletes.size() - deleted);
  }

  private long claim(
      List<DesiredItem> toClaim, List<HierarchyPlan.Conflict> lost, List<DesiredItem> unrecorded) {
    long claimed = 0;
    for (DesiredItem item : toClaim) {
      Map<String, AttributeValue> written = item.item().get();
      if (!spend(WriteUnits.of(written))) {
        break;
      }
      Optional<HierarchyPlan.Conflict> conflict = items.claim(table, owner, written);
      if (conflict.isPresent()) {
        lost.add(conflict.get());
        continue;
      }
      claimed++;
      unrecorded.add(item);
      if (unrecorded.size() >= pacer.burst()) {
        recordAll(unrecorded);
      }
    }
    return claimed;
  }

  /**
   * Records {@code written} in the manifest, paced but past the deadline: what was written is
   * always recorded.
   */
  private void recordAll(List<DesiredItem> written) {
    while (!written.isEmpty()) {
      List<DesiredItem> batch =
          List.copyOf(written.subList(0, Math.min(written.size(), pacer.burst())));
      await(batch.size());
      items.record(table, owner, batch);
      written.subList(0, batch.size()).clear();
    }
  }

  /**
   * Buckets of every shard partition first, then the record of its shard state, then the entity
   * item.
   */
  private boolean removeEntity(ItemKey key, EntityShards state, Instant now) {
    if (state == null) {
      return true; // removed by an interrupted pass already: only its manifest entry is left
    }
    String id = HierarchyPlanner.entityId(key);
    for (String partition : HierarchyPlanner.bucketPartitions(id, state)) {
      List<ItemKey> buckets = items.buckets(table, partition);
      for (int from = 0; from < buckets.size(); from += pacer.burst()) {
        List<ItemKey> batch = buckets.subList(from, Math.min(buckets.size(), from + pacer.burst()));
        if (!spend(batch.size())) {
          return false;
        }
        items.deleteBuckets(table, batch);
      }
    }
    // The record first: should the pass stop in between, the entity is still there and is removed
    // again (a newer record), never gone without its record.
    Map<String, AttributeValue> record = HierarchyPlanner.removedRecord(id, state, owner, now);
    if (!spend(WriteUnits.of(record))) {
      return false;
    }
    items.recordRemoval(table, record);
    if (!spend(ENTITY_DELETE_UNITS)) {
      return false;
    }
    items.release(table, owner, key);
    return true;
  }

  private void forget(List<ItemKey> released) {
    while (!released.isEmpty()) {
      List<ItemKey> batch =
          List.copyOf(released.subList(0, Math.min(released.size(), pacer.burst())));
      await(batch.size());
      items.forget(table, owner, batch);
      released.subList(0, batch.size()).clear();
    }
  }

  /**
   * Waits for {@code units} unless that would pass the deadline; false (and stops the pass) then.
   */
  private boolean spend(int units) {
    while (!stopped) {
      Instant at = clock.instant();
      Duration wait = pacer.trySpend(at, units);
      if (wait.isZero()) {
        return true;
      }
      if (at.plus(wait).isAfter(deadline)) {
        stopped = true;
        return false;
      }
      sleeper.sleep(wait);
    }
    return false;
  }

  /** Waits for {@code units}, deadline or not. */
  private void await(int units) {
    for (Duration wait = pacer.trySpend(clock.instant(), units);
        !wait.isZero();
        wait = pacer.trySpend(clock.instant(), units)) {
      sleeper.sleep(wait);
    }
  }
}
