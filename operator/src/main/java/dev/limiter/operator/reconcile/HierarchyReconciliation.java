package dev.limiter.operator.reconcile;

import dev.limiter.operator.api.CrdSchema;
import dev.limiter.operator.api.EntityHierarchy;
import dev.limiter.operator.api.EntityHierarchyStatus;
import dev.limiter.operator.aws.HierarchyItems;
import dev.limiter.operator.plan.AwsFailures;
import dev.limiter.operator.plan.ConditionStatus;
import dev.limiter.operator.plan.Conditions;
import dev.limiter.operator.plan.hierarchy.DesiredHierarchy;
import dev.limiter.operator.plan.hierarchy.DesiredItem;
import dev.limiter.operator.plan.hierarchy.HierarchyPlan;
import dev.limiter.operator.plan.hierarchy.HierarchyPlanner;
import dev.limiter.operator.plan.hierarchy.ItemKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * One pass over an EntityHierarchy: resolve the spec into items, and unless they were applied
 * already (same digest, same table), read the owner's manifest, plan, and write a bounded batch.
 * Large hierarchies take several passes, each resumable from the manifest after a restart.
 */
public final class HierarchyReconciliation {

  /** Items written or deleted per pass: bounds memory, time and the burst of writes on the table. */
  public static final int BUDGET = 2_000;
  /** When to look again while the referenced table is not ready. */
  public static final Duration TABLE_POLL = Duration.ofSeconds(15);
  static final String READY = "Ready";
  static final String SYNCED = "Synced";
  static final String TABLE_READY = "TableReady";
  static final String CONFLICT = "Conflict";
  private static final int CONFLICTS_NAMED = 5;

  private final Function<String, HierarchyItems> itemsInRegion;

  /** A pass reaching each region's table through {@code itemsInRegion}. */
  public HierarchyReconciliation(Function<String, HierarchyItems> itemsInRegion) {
    this.itemsInRegion = itemsInRegion;
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
  public record Result(EntityHierarchyStatus status, List<TableReconciliation.Event> events, Optional<Instant> wakeAt) {}

  /**
   * Runs a pass for {@code resource}.
   *
   * @param table the referenced table, or empty with {@code notReady} saying why
   */
  public Result reconcile(EntityHierarchy resource, Optional<Table> table, String notReady, Instant now) {
    EntityHierarchyStatus previous = resource.getStatus();
    long generation = resource.getMetadata().getGeneration() == null ? 0 : resource.getMetadata().getGeneration();
    String owner = owner(resource);
    List<CrdSchema.Violation> violations = CrdSchema.specViolations(resource);
    DesiredHierarchy.Resolution resolution = violations.isEmpty() ? DesiredHierarchy.resolve(resource.getSpec(), owner)
        : new DesiredHierarchy.Invalid(List.of(CrdSchema.describe(violations)));
    if (resolution instanceof DesiredHierarchy.Invalid invalid) {
      return new Result(status(previous, generation, previous == null ? null : previous.tableName(), null, now,
          List.of(ConditionStatus.isFalse(READY, "InvalidSpec", invalid.message()),
              ConditionStatus.isFalse(SYNCED, "InvalidSpec", invalid.message()))),
          List.of(new TableReconciliation.Event(true, "InvalidSpec", invalid.message())), Optional.empty());
    }
    DesiredHierarchy.Resolved desired = (DesiredHierarchy.Resolved) resolution;
    if (table.isEmpty()) {
      return new Result(status(previous, generation, null, counts(desired, previous), now,
          List.of(ConditionStatus.isFalse(TABLE_READY, "TableNotReady", notReady),
              ConditionStatus.isFalse(READY, "TableNotReady", notReady),
              ConditionStatus.isTrue(SYNCED, "Waiting", notReady))),
          List.of(), Optional.of(now.plus(TABLE_POLL)));
    }
    String digest = digest(desired.items());
    List<ConditionStatus> tableReady = List.of(ConditionStatus.isTrue(TABLE_READY, "Ready", "table " + table.get().name() + " is ready"));
    if (previous != null && digest.equals(previous.appliedDigest()) && table.get().name().equals(previous.tableName())) {
      return new Result(withDigest(status(previous, generation, table.get().name(), counts(desired, previous), now,
          converged(tableReady, desired)), digest), List.of(), Optional.empty());
    }
    HierarchyItems items = itemsInRegion.apply(table.get().region());
    HierarchyPlan plan;
    HierarchyPlanner.ShardTransitions transitions;
    try {
      Map<ItemKey, String> manifest = items.manifest(table.get().name(), owner);
      plan = HierarchyPlanner.plan(desired.items(), manifest,
          items.holders(table.get().name(), HierarchyPlanner.unlisted(desired.items(), manifest)), owner, BUDGET);
      List<ItemKey> entityKeys = plan.puts().stream().filter(put -> put.entity() != null).map(DesiredItem::key).toList();
      transitions = HierarchyPlanner.withShardTransitions(plan.puts(), items.shards(table.get().name(), entityKeys), owner, now);
      items.put(table.get().name(), owner, transitions.puts());
      items.delete(table.get().name(), owner, plan.deletes());
    } catch (SdkException e) {
      AwsFailures.Failure failure = AwsFailures.classify("apply hierarchy to table " + table.get().name(), e, now);
      String reason = failure instanceof AwsFailures.Transient t ? t.reason() : "AwsError";
      String message = e.getMessage();
      return new Result(status(previous, generation, table.get().name(), counts(desired, previous), now,
          List.of(ConditionStatus.isFalse(SYNCED, reason, message))),
          List.of(new TableReconciliation.Event(true, reason, message)), Optional.of(now.plus(AwsFailures.BUSY_RETRY)));
    }
    // Counts of the last pass that changed something: derived from this pass alone, never added to a
    // status the informer cache may not have caught up with yet.
    boolean changed = !transitions.puts().isEmpty() || !plan.deletes().isEmpty();
    Long written = changed ? Long.valueOf(transitions.puts().size()) : previous == null ? null : previous.itemsWritten();
    Long deleted = changed ? Long.valueOf(plan.deletes().size()) : previous == null ? null : previous.itemsDeleted();
    long pending = plan.pending() + transitions.deferred();
    Counts counts = new Counts(desired.entities(), desired.limits(), desired.shards(), written, deleted, pending);
    List<TableReconciliation.Event> events = new ArrayList<>();
    if (changed) {
      events.add(new TableReconciliation.Event(false, "Applied", "wrote " + transitions.puts().size() + " and deleted "
          + plan.deletes().size() + " items in table " + table.get().name() + (pending > 0 ? ", " + pending + " left" : "")));
    }
    List<ConditionStatus> conditions = new ArrayList<>(tableReady);
    if (!plan.conflicts().isEmpty()) {
      String message = conflictMessage(plan.conflicts());
      conditions.add(ConditionStatus.isTrue(CONFLICT, "ItemsOwnedElsewhere", message));
      conditions.add(ConditionStatus.isFalse(READY, "Conflict", message));
      conditions.add(ConditionStatus.isTrue(SYNCED, "ReconcileSucceeded", "the last reconcile succeeded"));
      events.add(new TableReconciliation.Event(true, "Conflict", message));
      return new Result(status(previous, generation, table.get().name(), counts, now, conditions), events,
          plan.pending() > 0 ? Optional.of(now) : transitions.retryAt());
    }
    if (plan.pending() > 0) {
      String message = plan.pending() + " items left to apply (" + written + " written and " + deleted + " deleted by the last pass)";
      conditions.add(ConditionStatus.isFalse(CONFLICT, "NoConflict", "no item is owned elsewhere"));
      conditions.add(ConditionStatus.isFalse(READY, "Applying", message));
      conditions.add(ConditionStatus.isTrue(SYNCED, "ReconcileSucceeded", "the last reconcile succeeded"));
      return new Result(status(previous, generation, table.get().name(), counts, now, conditions), events, Optional.of(now));
    }
    if (transitions.deferred() > 0) {
      String message = transitions.deferred() + " shard-count changes wait until " + transitions.retryAt().orElseThrow()
          + ", when the previous change's transition ends (processes may still use the old count until then)";
      conditions.add(ConditionStatus.isFalse(CONFLICT, "NoConflict", "no item is owned elsewhere"));
      conditions.add(ConditionStatus.isFalse(READY, "ShardTransition", message));
      conditions.add(ConditionStatus.isTrue(SYNCED, "ReconcileSucceeded", "the last reconcile succeeded"));
      return new Result(status(previous, generation, table.get().name(), counts, now, conditions), events, transitions.retryAt());
    }
    EntityHierarchyStatus applied = status(previous, generation, table.get().name(), counts, now, converged(tableReady, desired));
    return new Result(withDigest(applied, digest), events, Optional.empty());
  }

  /** The owner mark of {@code resource}'s items. */
  public static String owner(EntityHierarchy resource) {
    return resource.getMetadata().getNamespace() + "/" + resource.getMetadata().getName();
  }

  private static List<ConditionStatus> converged(List<ConditionStatus> tableReady, DesiredHierarchy.Resolved desired) {
    List<ConditionStatus> conditions = new ArrayList<>(tableReady);
    conditions.add(ConditionStatus.isFalse(CONFLICT, "NoConflict", "no item is owned elsewhere"));
    conditions.add(ConditionStatus.isTrue(READY, "Applied", desired.entities() + " entities and " + desired.limits()
        + " limit sets are in the table"));
    conditions.add(ConditionStatus.isTrue(SYNCED, "ReconcileSucceeded", "the last reconcile succeeded"));
    return conditions;
  }

  private static String conflictMessage(List<HierarchyPlan.Conflict> conflicts) {
    List<String> named = conflicts.stream().limit(CONFLICTS_NAMED).map(Object::toString).toList();
    return conflicts.size() + " items are held elsewhere and were left alone: " + String.join(", ", named)
        + (conflicts.size() > CONFLICTS_NAMED ? ", …" : "");
  }

  /** A digest of every desired item, in key order: equal digests mean nothing to apply. */
  static String digest(List<DesiredItem> items) {
    return DesiredItem.sha256(items.stream()
        .sorted(Comparator.comparing((DesiredItem item) -> item.key().partition()).thenComparing(item -> item.key().sort()))
        .map(item -> item.key().partition() + "\u001f" + item.key().sort() + "=" + item.digest() + "\n"));
  }

  private record Counts(long entities, long limits, long shards, Long written, Long deleted, Long pending) {}

  private static Counts counts(DesiredHierarchy.Resolved desired, EntityHierarchyStatus previous) {
    return new Counts(desired.entities(), desired.limits(), desired.shards(),
        previous == null ? null : previous.itemsWritten(), previous == null ? null : previous.itemsDeleted(),
        previous == null ? null : previous.itemsPending());
  }

  private static EntityHierarchyStatus status(EntityHierarchyStatus previous, long generation, String tableName, Counts counts,
                                              Instant now, List<ConditionStatus> conditions) {
    return new EntityHierarchyStatus(generation, tableName,
        counts == null ? null : counts.entities(), counts == null ? null : counts.limits(), counts == null ? null : counts.shards(),
        counts == null ? null : counts.written(), counts == null ? null : counts.deleted(), counts == null ? null : counts.pending(),
        null, // only a converged pass vouches for a digest: anything else may have left the table half-applied
        Conditions.merge(previous == null ? null : previous.conditions(), conditions, generation, now));
  }

  private static EntityHierarchyStatus withDigest(EntityHierarchyStatus status, String digest) {
    return new EntityHierarchyStatus(status.observedGeneration(), status.tableName(), status.entities(), status.limits(),
        status.shards(), status.itemsWritten(), status.itemsDeleted(), 0L, digest, status.conditions());
  }
}
