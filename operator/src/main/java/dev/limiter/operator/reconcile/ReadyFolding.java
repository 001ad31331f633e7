package dev.limiter.operator.reconcile;

import dev.limiter.operator.api.ConditionTypes;
import dev.limiter.operator.plan.ConditionStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Folds the capacity-automation conditions into {@code Ready}. Pure.
 *
 * <p>A table that is otherwise ready is not Ready while autoscaling, alarms or Contributor Insights
 * are out of sync (the area's reason, e.g. {@code Updating} or {@code AwsUnavailable}), while it
 * throttles (the diagnosis case, e.g. {@code CapacityExceeded}), or while an entity is at risk of a
 * hot partition ({@code EntityNeedsShards}). The first such condition, in {@link AutomationArea}'s
 * order, decides.
 */
final class ReadyFolding {

  private static final List<String> SYNCED =
      AutomationArea.conditionTypes(AutomationArea.HoldsReady.WHEN_FALSE);
  private static final List<String> RISKS =
      AutomationArea.conditionTypes(AutomationArea.HoldsReady.WHEN_TRUE);

  private ReadyFolding() {}

  /**
   * {@code conditions} with Ready replaced when an automation condition holds it back; the last of
   * each type wins.
   */
  static List<ConditionStatus> fold(List<ConditionStatus> conditions) {
    Optional<ConditionStatus> ready = last(conditions, ConditionTypes.READY);
    if (ready.isEmpty() || !ready.get().holds()) {
      return conditions;
    }
    Optional<ConditionStatus> blocker =
        SYNCED.stream()
            .map(type -> last(conditions, type))
            .flatMap(Optional::stream)
            .filter(c -> "False".equals(c.status()))
            .findFirst()
            .or(
                () ->
                    RISKS.stream()
                        .map(type -> last(conditions, type))
                        .flatMap(Optional::stream)
                        .filter(ConditionStatus::holds)
                        .findFirst());
    if (blocker.isEmpty()) {
      return conditions;
    }
    List<ConditionStatus> folded = new ArrayList<>(conditions);
    folded.add(
        ConditionStatus.isFalse(
            ConditionTypes.READY,
            blocker.get().reason(),
            blocker.get().type() + ": " + blocker.get().message()));
    return folded;
  }

  private static Optional<ConditionStatus> last(List<ConditionStatus> conditions, String type) {
    ConditionStatus found = null;
    for (ConditionStatus condition : conditions) {
      if (condition.type().equals(type)) {
        found = condition;
      }
    }
    return Optional.ofNullable(found);
  }
}
