package dev.limiter.operator.plan;

import dev.limiter.operator.plan.automation.AutomationAction;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What deleting a RateLimiterTable does in one pass.
 *
 * @param automation calls removing the operator's autoscaling and alarms, made first
 * @param table table calls made once those succeeded (lift deletion protection, or delete the
 *     table)
 * @param conditions conditions to write on the resource while it waits (empty: none)
 * @param events what to tell people once the calls succeeded
 * @param release whether to remove the finalizer and let the resource go
 * @param checkAgainIn when to look again while the resource is kept; empty for the regular resync
 */
public record DeletionPlan(
    List<AutomationAction> automation,
    List<TableAction> table,
    List<ConditionStatus> conditions,
    List<Event> events,
    boolean release,
    Optional<Duration> checkAgainIn) {

  /** Copies the lists; a released resource has nothing left to do. */
  public DeletionPlan {
    automation = List.copyOf(automation);
    table = List.copyOf(table);
    conditions = List.copyOf(conditions);
    events = List.copyOf(events);
    if (release && (!automation.isEmpty() || !table.isEmpty())) {
      throw new IllegalArgumentException(
          "a released resource makes no AWS call: " + automation + " " + table);
    }
  }

  /** A Kubernetes event; {@code warning} marks what someone should look at. */
  public record Event(boolean warning, String reason, String message) {}
}
