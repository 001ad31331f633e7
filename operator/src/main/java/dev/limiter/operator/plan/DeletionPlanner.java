package dev.limiter.operator.plan;

import dev.limiter.operator.api.ConditionReasons;
import dev.limiter.operator.api.ConditionTypes;
import dev.limiter.operator.api.DeletionPolicy;
import dev.limiter.operator.plan.automation.AlarmArea;
import dev.limiter.operator.plan.automation.AlarmPlanner;
import dev.limiter.operator.plan.automation.AutomationAction;
import dev.limiter.operator.plan.automation.ObservedAutomation;
import dev.limiter.operator.plan.automation.ObservedScaling;
import dev.limiter.operator.plan.automation.Reading;
import dev.limiter.operator.plan.automation.ScalingArea;
import dev.limiter.operator.plan.automation.ScalingPlanner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;

/**
 * Plans what deleting a RateLimiterTable does: {@code (desired, policy, observed table, observed
 * automation) → (calls, conditions, events, release)}. Pure.
 *
 * <p>Rules: nothing in AWS is touched unless the policy is Delete and the table's ownership tag
 * names this resource; a table someone else owns, or nobody, is left exactly as it is (its deletion
 * protection included) and the resource is released with a warning. An owned table whose deletion
 * protection is on is kept until the spec lifts it (then the operator lifts it in AWS); otherwise
 * the operator's scalable targets and alarms are removed (AWS leaves them behind a deleted table)
 * and the table is deleted. The resource goes once the table is gone.
 */
public final class DeletionPlanner {

  /** How soon to look again while a table is being changed or deleted. */
  public static final Duration POLL = Duration.ofSeconds(10);

  /** How soon to try again when the table's automation could not be read. */
  public static final Duration RETRY = Duration.ofSeconds(30);

  private DeletionPlanner() {}

  /**
   * Whether {@code table}'s ownership tag names {@code owner}: the only proof that this resource
   * may change or delete it.
   */
  public static boolean owns(String owner, ObservedTable table) {
    return owner.equals(table.tags().get(DesiredTable.OWNER_TAG));
  }

  /**
   * Whether the plan for {@code table} needs its automation observed: the table is the resource's,
   * ACTIVE and unprotected, so it is about to be deleted.
   */
  public static boolean needsAutomation(
      DesiredTable desired, DeletionPolicy policy, Optional<ObservedTable> table) {
    return policy == DeletionPolicy.Delete
        && table
            .filter(t -> t.active() && owns(desired.owner(), t) && !t.deletionProtection())
            .isPresent();
  }

  /**
   * The resource's spec could not be resolved ({@code why}): nothing can be proven about its table
   * ({@code tableName}, null when never known), so the table is left alone and the resource
   * released.
   */
  public static DeletionPlan unresolved(String tableName, DeletionPolicy policy, String why) {
    String table = tableName == null ? "no table" : "table " + tableName;
    return release(
        new DeletionPlan.Event(
            policy == DeletionPolicy.Delete,
            "Retained",
            "the spec cannot be resolved ("
                + why
                + "); "
                + table
                + " is left in AWS, nothing deleted"));
  }

  /**
   * The plan for {@code desired}'s table under {@code policy}; {@code automation} is the table's
   * automation when {@link #needsAutomation} said so.
   */
  public static DeletionPlan plan(
      DesiredTable desired,
      DeletionPolicy policy,
      Optional<ObservedTable> observed,
      Optional<ObservedAutomation> automation) {
    String name = desired.name();
    if (policy != DeletionPolicy.Delete) {
      return release(
          new DeletionPlan.Event(
              false, "Retained", "table " + name + " is retained in AWS (deletionPolicy Retain)"));
    }
    if (observed.isEmpty()) {
      return new DeletionPlan(List.of(), List.of(), List.of(), List.of(), true, Optional.empty());
    }
    ObservedTable table = observed.get();
    if (!table.active()) {
      // DELETING: the resource goes once the table is gone. Otherwise ownership is read once it is
      // ACTIVE again.
      return keep(List.of(), List.of(), List.of(), POLL);
    }
    if (!owns(desired.owner(), table)) {
      String owner = table.tags().get(DesiredTable.OWNER_TAG);
      return release(
          new DeletionPlan.Event(
              true,
              "TableNotOwned",
              "table "
                  + name
                  + " is not owned by this resource ("
                  + (owner == null
                      ? "it has no " + DesiredTable.OWNER_TAG + " tag"
                      : "it belongs to " + owner)
                  + "); released, nothing deleted"));
    }
    if (table.deletionProtection()) {
      if (Boolean.FALSE.equals(desired.deletionProtection())) {
        // The spec lifted protection after deletion began: reconcile no longer runs, so it is
        // lifted here.
        return keep(
            List.of(
                new TableAction.Update(
                    TableRequests.deletionProtection(name, false), "disable deletion protection")),
            List.of(),
            List.of(
                new DeletionPlan.Event(
                    false,
                    "Deleting",
                    "disabling deletion protection of table "
                        + name
                        + " to delete it (deletionPolicy Delete)")),
            POLL);
      }
      String message =
          "table "
              + name
              + " has deletion protection on; turn spec.deletionProtection off (or delete the table"
              + " yourself) to let the resource go; nothing was deleted";
      return new DeletionPlan(
          List.of(),
          List.of(),
          List.of(
              ConditionStatus.isFalse(
                  ConditionTypes.READY, ConditionReasons.DELETION_BLOCKED, message)),
          List.of(new DeletionPlan.Event(true, ConditionReasons.DELETION_BLOCKED, message)),
          false,
          Optional.empty());
    }
    ObservedAutomation observedAutomation =
        automation.orElseThrow(
            () ->
                new IllegalArgumentException(
                    "the automation of table " + name + " must be observed before it is deleted"));
    Reading<ObservedScaling> scaling = observedAutomation.reading(ScalingArea.AREA);
    Reading<List<MetricAlarm>> alarms = observedAutomation.reading(AlarmArea.AREA);
    Optional<AwsFailures.Failure> unobserved = scaling.failed().or(alarms::failed);
    if (unobserved.isPresent()) {
      return new DeletionPlan(
          List.of(),
          List.of(),
          List.of(),
          List.of(
              new DeletionPlan.Event(
                  true,
                  "DeletionWaiting",
                  "the table is deleted once its autoscaling and alarms are removed: "
                      + unobserved.get().message())),
          false,
          Optional.of(RETRY));
    }
    List<AutomationAction> removals =
        new ArrayList<>(
            ScalingPlanner.plan(name, table.indexNames(), Optional.empty(), false, scaling.value())
                .actions());
    removals.addAll(
        AlarmPlanner.plan(
                name, desired.owner(), table.indexNames(), Optional.empty(), false, alarms.value())
            .actions());
    return new DeletionPlan(
        removals,
        List.of(new TableAction.Delete()),
        List.of(),
        List.of(
            new DeletionPlan.Event(
                false, "Deleting", "deleting table " + name + " (deletionPolicy Delete)")),
        false,
        Optional.of(POLL));
  }

  private static DeletionPlan release(DeletionPlan.Event event) {
    return new DeletionPlan(
        List.of(), List.of(), List.of(), List.of(event), true, Optional.empty());
  }

  private static DeletionPlan keep(
      List<TableAction> table,
      List<ConditionStatus> conditions,
      List<DeletionPlan.Event> events,
      Duration checkAgainIn) {
    return new DeletionPlan(List.of(), table, conditions, events, false, Optional.of(checkAgainIn));
  }
}
