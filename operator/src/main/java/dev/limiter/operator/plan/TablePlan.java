package dev.limiter.operator.plan;

import dev.limiter.operator.api.BillingModeSwitch;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The outcome of planning one reconcile pass.
 *
 * @param actions AWS calls to make, in order (at most one UpdateTable)
 * @param conditions conditions as planned (Synced is added after acting)
 * @param switchMade the billing-mode switch the actions make, to append to the status history
 * @param events what to tell people through Kubernetes events
 * @param wakeAt when to reconcile again at the latest; empty for the regular resync
 * @param terminal whether the spec cannot be reconciled until it (or AWS) changes
 */
public record TablePlan(
    List<TableAction> actions,
    List<ConditionStatus> conditions,
    Optional<BillingModeSwitch> switchMade,
    List<String> events,
    Optional<Instant> wakeAt,
    boolean terminal) {

  /** Validates the one-UpdateTable-per-pass rule. */
  public TablePlan {
    actions = List.copyOf(actions);
    conditions = List.copyOf(conditions);
    events = List.copyOf(events);
    if (actions.stream().filter(TableAction.Update.class::isInstance).count() > 1) {
      throw new IllegalArgumentException("at most one UpdateTable per pass: " + actions);
    }
  }

  /** The planned condition of {@code type}. */
  public Optional<ConditionStatus> condition(String type) {
    return conditions.stream().filter(c -> c.type().equals(type)).findFirst();
  }
}
