package dev.limiter.operator.plan.automation;

import dev.limiter.operator.plan.ConditionStatus;
import java.util.List;

/**
 * The plan of one automation area (autoscaling, alarms, Contributor Insights): its calls and its
 * condition as it will be once they succeed or as it is when nothing is to be done.
 *
 * @param actions calls to make, in order
 * @param condition the area's condition
 */
public record Section(List<AutomationAction> actions, ConditionStatus condition) {

  /** Reason of an area waiting for AWS to finish a transition it started. */
  public static final String WAITING = "Waiting";

  /** Copies the actions. */
  public Section {
    actions = List.copyOf(actions);
  }

  /** Whether to look again soon: calls to confirm, or a transition in AWS to wait out. */
  public boolean pending() {
    return !actions.isEmpty() || WAITING.equals(condition.reason());
  }
}
