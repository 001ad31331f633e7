package dev.limiter.operator.plan;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Turns planned conditions into Kubernetes conditions. Pure.
 *
 * <p>{@code lastTransitionTime} moves only when a condition's status flips, so that {@code kubectl
 * describe} and Argo CD see stable times; conditions the plan does not mention keep their previous
 * value.
 */
public final class Conditions {

  private Conditions() {}

  /** The conditions after this pass, in the previous order with new types appended. */
  public static List<Condition> merge(
      List<Condition> previous, List<ConditionStatus> planned, long generation, Instant now) {
    Map<String, ConditionStatus> byType =
        planned.stream()
            .collect(Collectors.toMap(ConditionStatus::type, Function.identity(), (a, b) -> b));
    List<Condition> merged = new ArrayList<>();
    List<String> seen = new ArrayList<>();
    for (Condition old : previous == null ? List.<Condition>of() : previous) {
      ConditionStatus next = byType.get(old.getType());
      merged.add(next == null ? old : condition(next, old, generation, now));
      seen.add(old.getType());
    }
    for (ConditionStatus next : planned) {
      if (!seen.contains(next.type())) {
        merged.add(condition(byType.get(next.type()), null, generation, now));
        seen.add(next.type());
      }
    }
    return merged;
  }

  private static Condition condition(
      ConditionStatus next, Condition old, long generation, Instant now) {
    boolean flipped = old == null || !next.status().equals(old.getStatus());
    return new ConditionBuilder()
        .withType(next.type())
        .withStatus(next.status())
        .withReason(next.reason())
        .withMessage(next.message())
        .withObservedGeneration(generation)
        .withLastTransitionTime(flipped ? now.toString() : old.getLastTransitionTime())
        .build();
  }
}
