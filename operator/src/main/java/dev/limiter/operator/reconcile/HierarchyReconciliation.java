package dev.limiter.operator.reconcile;

import static dev.limiter.operator.api.ConditionTypes.CONFLICT;
import static dev.limiter.operator.api.ConditionTypes.READY;
import static dev.limiter.operator.api.ConditionTypes.SYNCED;
import static dev.limiter.operator.api.ConditionTypes.TABLE_READY;

import dev.limiter.operator.api.ConditionReasons;
import dev.limiter.operator.api.ConditionTypes;
import dev.limiter.operator.api.CrdSchema;
import dev.limiter.operator.api.DeletionPolicy;
import dev.limiter.operator.api.EntityHierarchy;
import dev.limiter.operator.api.EntityHierarchyStatus;
import dev.limiter.operator.aws.HierarchyItems;
import dev.limiter.operator.aws.Sleeper;
import dev.limiter.operator.plan.AwsFailures;
import dev.limiter.operator.plan.ConditionStatus;
import dev.limiter.operator.plan.hierarchy.DesiredHierarchy;
import dev.limiter.operator.plan.hierarchy.DesiredItem;
import dev.limiter.operator.plan.hierarchy.HierarchyPlan;
import dev.limiter.operator.plan.hierarchy.HierarchyPlanner;
import dev.limiter.operator.plan.hierarchy.ItemKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * One pass over an EntityHierarchy: resolve the spec into items, and unless they were applied
 * already (same digest, same table identity, and the hierarchy's marker still in the table), read
 * the owner's manifest, plan, and write a bounded, paced batch. Large hierarchies take several
 * passes, each resumable from the manifest after a restart.
 */
public final class HierarchyReconciliation {

  /**
   * Items written or deleted per pass at most: bounds memory, time and the burst of writes on the
   * table.
   */
  public static final int BUDGET = 2_000;

  /** How long one pass may spend writing before it leaves the rest to the next pass. */
  public static final Duration PASS_TIME = Duration.ofSeconds(5);

  /** When to look again while the referenced table is not ready. */
  public static final Duration TABLE_POLL = Duration.ofSeconds(15);

  private static final int CONFLICTS_NAMED = 5;

  private final Function<String, HierarchyItems> itemsInRegion;
  private final HierarchyPacing pacing;
  private final TablePacers pacers = new TablePacers();
  private final Clock clock;
  private final Sleeper sleeper;

  /**
   * A pass reaching each region's table through {@code itemsInRegion}, writing at {@code pacing} as
   * {@code clock} tells time and {@code sleeper} waits.
   */
  public HierarchyReconciliation(
      Function<String, HierarchyItems> itemsInRegion,
      HierarchyPacing pacing,
      Clock clock,
      Sleeper sleeper) {
    this.itemsInRegion = itemsInRegion;
    this.pacing = pacing;
    this.clock = clock;
    this.sleeper = sleeper;
  }

  /** Where the hierarchy's table is, when it is ready. */
  public record Table(String name, String region) {}

  /**
   * The outcome of a pass.
   *
   * @param status the status to write
   * @param events events to emit
   * @param wakeAt when to run again at the latest; empty for the regular resync
   */
  public record Result(
      EntityHierarchyStatus status,
      List<TableReconciliation.Event> events,
      Optional<Instant> wakeAt) {}

  /**
   * Runs a pass for {@code resource}.
   *
   * @param table the referenced table, or empty with {@code notReady} saying why
   */
  public Result reconcile(
      EntityHierarchy resource, Optional<Table> table, String notReady, Instant now) {
    EntityHierarchyStatus previous = resource.getStatus();
    long generation =
        resource.getMetadata().getGeneration() == null ? 0 : resource.getMetadata().getGeneration();
    String owner = owner(resource);
    List<CrdSchema.Violation> violations = CrdSchema.specViolations(resource);
    DesiredHierarchy.Resolution resolution =
        violations.isEmpty()
            ? DesiredHierarchy.resolve(resource.getSpec(), owner)
            : new DesiredHierarchy.Invalid(List.of(CrdSchema.describe(violations)));
    if (resolution instanceof DesiredHierarchy.Invalid invalid) {
      return new Result(
          status(
              previous,
              generation,
              previous == null ? null : previous.tableName(),
              null,
              now,
              List.of(
                  ConditionStatus.isFalse(READY, ConditionReasons.INVALID_SPEC, invalid.message()),
                  ConditionStatus.isFalse(
                      SYNCED, ConditionReasons.INVALID_SPEC, invalid.message()))),
          List.of(
              new TableReconciliation.Event(
                  true, ConditionReasons.INVALID_SPEC, invalid.message())),
          Optional.empty());
    }
    DesiredHierarchy.Resolved desired = (DesiredHierarchy.Resolved) resolution;
    if (table.isEmpty()) {
      return new Result(
          status(
              previous,
              generation,
              null,
              counts(desired, previous),
              now,
              List.of(
                  ConditionStatus.isFalse(TABLE_READY, "TableNotReady", notReady),
                  ConditionStatus.isFalse(READY, "TableNotReady", notReady),
                  ConditionStatus.isTrue(SYNCED, "Waiting", notReady))),
          List.of(),
          Optional.of(now.plus(TABLE_POLL)));
    }
    String name = table.get().name();
    String digest = digest(desired.items());
    List<ConditionStatus> tableReady =
        List.of(ConditionStatus.isTrue(TABLE_READY, "Ready", "table " + name + " is ready"));
    HierarchyItems items = itemsInRegion.apply(table.get().region());
    List<TableReconciliation.Event> events = new ArrayList<>();
    HierarchyPlan plan;
    HierarchyPlanner.ShardTransitions transitions;
    PacedHierarchyWrites.Outcome outcome;
    HierarchyItems.TableFacts facts;
    try {
      facts = items.describe(name);
      boolean sameTable =
          previous != null
              && name.equals(previous.tableName())
              && facts.arn().equals(previous.tableArn())
              && facts.createdAt().toString().equals(previous.tableCreatedAt());
      boolean applied = previous != null && previous.appliedDigest() != null;
      if (applied && digest.equals(previous.appliedDigest()) && sameTable) {
        // One read a pass: the marker goes with the table, so an emptied table is noticed at the
        // next resync.
        if (items.appliedDigest(name, owner).filter(digest::equals).isPresent()) {
          return new Result(
              applied(
                  previous,
                  generation,
                  name,
                  counts(desired, previous),
                  now,
                  converged(tableReady, desired),
                  digest,
                  facts),
              List.of(),
              Optional.empty());
        }
        events.add(
            new TableReconciliation.Event(
                true,
                "Reapplying",
                "the hierarchy's marker is missing from table "
                    + name
                    + " (emptied or restored?): applying the hierarchy again"));
      } else if (applied
          && previous.tableArn() != null
          && name.equals(previous.tableName())
          && !sameTable) {
        events.add(
            new TableReconciliation.Event(
                true,
                "Reapplying",
                "table "
                    + name
                    + " is not the one the hierarchy was applied to"
                    + " (created "
                    + facts.createdAt()
                    + ", was "
                    + previous.tableCreatedAt()
                    + "): applying the hierarchy again"));
      }
      TablePacers.Handle pacer = pacers.of(table.get().region(), name);
      pacer.rate(pacing.unitsPerSecond(facts), clock.instant());
      int budget =
          (int) Math.min(BUDGET, Math.max(1, pacer.unitsPerSecond() * PASS_TIME.toSeconds() / 2));
      Map<ItemKey, String> manifest = items.manifest(name, owner);
      List<ItemKey> lookedUp = new ArrayList<>();
      Map<ItemKey, Optional<String>> holders =
          holdersOfWritable(
              items,
              name,
              owner,
              HierarchyPlanner.unlisted(desired.items(), manifest),
              budget,
              lookedUp);
      plan = HierarchyPlanner.plan(desired.items(), manifest, holders, lookedUp, owner, budget);
      List<ItemKey> entityKeys =
          new ArrayList<>(
              plan.puts().stream()
                  .filter(put -> put.entity() != null)
                  .map(DesiredItem::key)
                  .toList());
      plan.deletes().stream().filter(HierarchyPlanner::isEntity).forEach(entityKeys::add);
      HierarchyItems.EntityRecords records = items.entities(name, entityKeys);
      transitions =
          HierarchyPlanner.withShardTransitions(
              plan.puts(), records.live(), records.removed(), owner, now);
      outcome =
          new PacedHierarchyWrites(
                  items, name, owner, pacer, clock, sleeper, clock.instant().plus(PASS_TIME))
              .apply(transitions.puts(), plan.deletes(), records.live(), now);
      if (plan.conflicts().isEmpty()
          && outcome.conflicts().isEmpty()
          && plan.pending() + transitions.deferred() + outcome.unfinished() == 0) {
        items.markApplied(name, owner, digest);
      }
    } catch (SdkException e) {
      AwsFailures.Failure failure =
          AwsFailures.classify("apply hierarchy to table " + name, e, now);
      String reason = failure instanceof AwsFailures.Transient t ? t.reason() : "AwsError";
      String message = e.getMessage();
      events.add(new TableReconciliation.Event(true, reason, message));
      return new Result(
          status(
              previous,
              generation,
              name,
              counts(desired, previous),
              now,
              List.of(ConditionStatus.isFalse(SYNCED, reason, message))),
          events,
          Optional.of(now.plus(AwsFailures.BUSY_RETRY)));
    }
    // Counts of the last pass that changed something: derived from this pass alone, never added to
    // a
    // status the informer cache may not have caught up with yet.
    boolean changed = outcome.written() > 0 || outcome.deleted() > 0;
    Long written =
        changed
            ? Long.valueOf(outcome.written())
            : previous == null ? null : previous.itemsWritten();
    Long deleted =
        changed
            ? Long.valueOf(outcome.deleted())
            : previous == null ? null : previous.itemsDeleted();
    long left = plan.pending() + outcome.unfinished();
    long pending = left + transitions.deferred();
    Counts counts =
        new Counts(
            desired.entities(),
            desired.limits(),
            desired.shards(),
            desired.localReservations(),
            written,
            deleted,
            pending);
    if (changed) {
      events.add(
          new TableReconciliation.Event(
              false,
              "Applied",
              "wrote "
                  + outcome.written()
                  + " and deleted "
                  + outcome.deleted()
                  + " items in table "
                  + name
                  + (pending > 0 ? ", " + pending + " left" : "")));
    }
    ConditionSlots conditions = new ConditionSlots(ConditionTypes.HIERARCHY).putAll(tableReady);
    List<HierarchyPlan.Conflict> conflicts = new ArrayList<>(plan.conflicts());
    conflicts.addAll(outcome.conflicts());
    if (!conflicts.isEmpty()) {
      String message = conflictMessage(conflicts);
      conditions.put(ConditionStatus.isTrue(CONFLICT, "ItemsOwnedElsewhere", message));
      conditions.put(ConditionStatus.isFalse(READY, ConditionReasons.CONFLICT, message));
      conditions.put(
          ConditionStatus.isTrue(
              SYNCED, ConditionReasons.RECONCILE_SUCCEEDED, "the last reconcile succeeded"));
      events.add(new TableReconciliation.Event(true, ConditionReasons.CONFLICT, message));
      return new Result(
          status(previous, generation, name, counts, now, conditions.toList()),
          events,
          left > 0 ? Optional.of(now) : transitions.retryAt());
    }
    if (left > 0) {
      String message =
          left
              + " items left to apply ("
              + written
              + " written and "
              + deleted
              + " deleted by the last pass,"
              + " at most "
              + Math.round(pacing.unitsPerSecond(facts))
              + " write units a second)";
      conditions.put(ConditionStatus.isFalse(CONFLICT, "NoConflict", "no item is owned elsewhere"));
      conditions.put(ConditionStatus.isFalse(READY, "Applying", message));
      conditions.put(
          ConditionStatus.isTrue(
              SYNCED, ConditionReasons.RECONCILE_SUCCEEDED, "the last reconcile succeeded"));
      return new Result(
          status(previous, generation, name, counts, now, conditions.toList()),
          events,
          Optional.of(now));
    }
    if (transitions.deferred() > 0) {
      String message =
          transitions.deferred()
              + " shard-count changes wait until "
              + transitions.retryAt().orElseThrow()
              + ", when the previous change's transition ends (processes may still use the old"
              + " count until then)";
      conditions.put(ConditionStatus.isFalse(CONFLICT, "NoConflict", "no item is owned elsewhere"));
      conditions.put(ConditionStatus.isFalse(READY, "ShardTransition", message));
      conditions.put(
          ConditionStatus.isTrue(
              SYNCED, ConditionReasons.RECONCILE_SUCCEEDED, "the last reconcile succeeded"));
      return new Result(
          status(previous, generation, name, counts, now, conditions.toList()),
          events,
          transitions.retryAt());
    }
    return new Result(
        applied(
            previous, generation, name, counts, now, converged(tableReady, desired), digest, facts),
        events,
        Optional.empty());
  }

  /**
   * The holders of {@code unlisted} items, read a budget at a time until {@code budget} of them can
   * be written (absent, or this owner's): a pass reads no more than it can use, and items held
   * elsewhere in front of the others never hold them back. Adds the keys read to {@code lookedUp}.
   */
  private static Map<ItemKey, Optional<String>> holdersOfWritable(
      HierarchyItems items,
      String table,
      String owner,
      List<ItemKey> unlisted,
      int budget,
      List<ItemKey> lookedUp) {
    Map<ItemKey, Optional<String>> holders = new HashMap<>();
    long writable = 0;
    for (int from = 0; from < unlisted.size() && writable < budget; from += budget) {
      List<ItemKey> chunk = unlisted.subList(from, Math.min(unlisted.size(), from + budget));
      Map<ItemKey, Optional<String>> read = items.holders(table, chunk);
      holders.putAll(read);
      lookedUp.addAll(chunk);
      writable +=
          chunk.stream()
              .filter(key -> !read.containsKey(key) || read.get(key).equals(Optional.of(owner)))
              .count();
    }
    return holders;
  }

  /**
   * Where the referenced table stands, as found in Kubernetes.
   *
   * @param table the table, when its RateLimiterTable is ready
   * @param notReady why not, when it is not
   * @param comingBack whether the RateLimiterTable exists, so that its table may yet become ready
   */
  public record TableLookup(Optional<Table> table, String notReady, boolean comingBack) {}

  /**
   * The outcome of a deletion pass.
   *
   * @param events events to emit
   * @param release whether the finalizer may be removed
   * @param checkAgainIn when to look again while the resource is kept ({@link Duration#ZERO}: as
   *     soon as allowed)
   */
  public record Removal(
      List<TableReconciliation.Event> events, boolean release, Duration checkAgainIn) {

    /** Copies the events. */
    public Removal {
      events = List.copyOf(events);
    }

    private static Removal released(TableReconciliation.Event event) {
      return new Removal(List.of(event), true, Duration.ZERO);
    }
  }

  /**
   * A deletion pass: under {@code deletionPolicy: Retain} (the default) the items stay; under
   * {@code Delete} a bounded, paced batch of the items {@code resource} owns in the table {@code
   * lookup} finds (those its manifest lists, entities last with their buckets) is removed, and its
   * marker once nothing is left.
   */
  public Removal remove(EntityHierarchy resource, Supplier<TableLookup> lookup, Instant now) {
    if (resource.getSpec() == null
        || resource.getSpec().deletionPolicyOrDefault() == DeletionPolicy.Retain) {
      return Removal.released(
          new TableReconciliation.Event(
              false,
              "Retained",
              "deletionPolicy Retain: the hierarchy's items stay in the table, owned by "
                  + owner(resource)
                  + " (a hierarchy of the same name takes them up again)"));
    }
    TableLookup found = lookup.get();
    if (found.table().isEmpty()) {
      if (found.comingBack()) {
        // The table comes back (it is being created or updated): remove the items then, not never.
        return new Removal(List.of(), false, TABLE_POLL);
      }
      return Removal.released(
          new TableReconciliation.Event(
              true, "ItemsLeft", "cannot remove the hierarchy's items: " + found.notReady()));
    }
    Table table = found.table().get();
    try {
      if (removeBatch(resource, table, now) > 0) {
        return new Removal(List.of(), false, Duration.ZERO);
      }
      return Removal.released(
          new TableReconciliation.Event(
              false, "Removed", "removed the hierarchy's items from table " + table.name()));
    } catch (SdkException e) {
      return new Removal(
          List.of(
              new TableReconciliation.Event(
                  true,
                  "AwsError",
                  "removing the hierarchy's items failed, will retry: " + e.getMessage())),
          false,
          TABLE_POLL);
    }
  }

  /**
   * Removes a bounded, paced batch of the items {@code resource} owns in {@code table}; returns how
   * many are left.
   */
  private long removeBatch(EntityHierarchy resource, Table table, Instant now) {
    String owner = owner(resource);
    HierarchyItems items = itemsInRegion.apply(table.region());
    TablePacers.Handle pacer = pacers.of(table.region(), table.name());
    pacer.rate(pacing.unitsPerSecond(items.describe(table.name())), clock.instant());
    Map<ItemKey, String> manifest = items.manifest(table.name(), owner);
    HierarchyPlan plan =
        HierarchyPlanner.plan(List.of(), manifest, Map.of(), List.of(), owner, BUDGET);
    List<ItemKey> entityKeys = plan.deletes().stream().filter(HierarchyPlanner::isEntity).toList();
    PacedHierarchyWrites.Outcome outcome =
        new PacedHierarchyWrites(
                items, table.name(), owner, pacer, clock, sleeper, clock.instant().plus(PASS_TIME))
            .apply(List.of(), plan.deletes(), items.entities(table.name(), entityKeys).live(), now);
    long left = plan.pending() + outcome.unfinished();
    if (left == 0) {
      items.unmark(table.name(), owner);
    }
    return left;
  }

  /** The owner mark of {@code resource}'s items. */
  public static String owner(EntityHierarchy resource) {
    return resource.getMetadata().getNamespace() + "/" + resource.getMetadata().getName();
  }

  private static List<ConditionStatus> converged(
      List<ConditionStatus> tableReady, DesiredHierarchy.Resolved desired) {
    ConditionSlots conditions = new ConditionSlots(ConditionTypes.HIERARCHY).putAll(tableReady);
    conditions.put(ConditionStatus.isFalse(CONFLICT, "NoConflict", "no item is owned elsewhere"));
    conditions.put(
        ConditionStatus.isTrue(
            READY,
            "Applied",
            desired.entities()
                + " entities and "
                + desired.limits()
                + " limit sets are in the table"));
    conditions.put(
        ConditionStatus.isTrue(
            SYNCED, ConditionReasons.RECONCILE_SUCCEEDED, "the last reconcile succeeded"));
    return conditions.toList();
  }

  private static String conflictMessage(List<HierarchyPlan.Conflict> conflicts) {
    List<String> named = conflicts.stream().limit(CONFLICTS_NAMED).map(Object::toString).toList();
    return conflicts.size()
        + " items are held elsewhere and were left alone: "
        + String.join(", ", named)
        + (conflicts.size() > CONFLICTS_NAMED ? ", …" : "");
  }

  /** A digest of every desired item, in key order: equal digests mean nothing to apply. */
  static String digest(List<DesiredItem> items) {
    return DesiredItem.sha256(
        items.stream()
            .sorted(
                Comparator.comparing((DesiredItem item) -> item.key().partition())
                    .thenComparing(item -> item.key().sort()))
            .map(
                item ->
                    item.key().partition()
                        + "\u001f"
                        + item.key().sort()
                        + "="
                        + item.digest()
                        + "\n"));
  }

  private record Counts(
      long entities,
      long limits,
      long shards,
      long localReservations,
      Long written,
      Long deleted,
      Long pending) {}

  private static Counts counts(DesiredHierarchy.Resolved desired, EntityHierarchyStatus previous) {
    return new Counts(
        desired.entities(),
        desired.limits(),
        desired.shards(),
        desired.localReservations(),
        previous == null ? null : previous.itemsWritten(),
        previous == null ? null : previous.itemsDeleted(),
        previous == null ? null : previous.itemsPending());
  }

  private static EntityHierarchyStatus status(
      EntityHierarchyStatus previous,
      long generation,
      String tableName,
      Counts counts,
      Instant now,
      List<ConditionStatus> conditions) {
    return assembly(previous, generation, tableName, counts, now, conditions).build();
  }

  private static HierarchyStatusAssembly assembly(
      EntityHierarchyStatus previous,
      long generation,
      String tableName,
      Counts counts,
      Instant now,
      List<ConditionStatus> conditions) {
    return HierarchyStatusAssembly.from(previous)
        .observedGeneration(generation)
        .tableName(tableName)
        .declared(
            counts == null ? null : counts.entities(),
            counts == null ? null : counts.limits(),
            counts == null ? null : counts.shards(),
            // none is left out rather than 0, so that a hierarchy without reservations keeps the
            // status it had
            counts == null || counts.localReservations() == 0 ? null : counts.localReservations())
        .items(
            counts == null ? null : counts.written(),
            counts == null ? null : counts.deleted(),
            counts == null ? null : counts.pending())
        // only a converged pass vouches for a digest, and for the table it holds for: anything else
        // may have left the table half-applied
        .applied(null, null, null)
        .conditions(conditions, generation, now);
  }

  /**
   * The status of a converged pass: nothing pending, the digest applied to the table {@code table}
   * describes.
   */
  private static EntityHierarchyStatus applied(
      EntityHierarchyStatus previous,
      long generation,
      String tableName,
      Counts counts,
      Instant now,
      List<ConditionStatus> conditions,
      String digest,
      HierarchyItems.TableFacts table) {
    return assembly(previous, generation, tableName, counts, now, conditions)
        .itemsPending(0L)
        .applied(digest, table.arn(), table.createdAt().toString())
        .build();
  }

  /**
   * {@code resource}'s status after a pass that stopped unexpectedly: {@code conditions} merged in,
   * and no applied digest, since the pass may have stopped half way and the next one must look at
   * the table again.
   */
  public static EntityHierarchyStatus afterFailure(
      EntityHierarchy resource, List<ConditionStatus> conditions, Instant now) {
    long generation =
        resource.getMetadata().getGeneration() == null ? 0 : resource.getMetadata().getGeneration();
    return HierarchyStatusAssembly.from(resource.getStatus())
        .observedGeneration(generation)
        .appliedDigest(null)
        .conditions(conditions, generation, now)
        .build();
  }
}
