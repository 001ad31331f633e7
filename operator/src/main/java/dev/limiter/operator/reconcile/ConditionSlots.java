package dev.limiter.operator.reconcile;

import dev.limiter.operator.plan.ConditionStatus;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The conditions one pass decides for a kind, one named slot per condition type of that kind
 * ({@link dev.limiter.operator.api.ConditionTypes#TABLE}, {@code HIERARCHY}; Keycloak's status
 * aggregator is the model): a later step of the pass replaces what an earlier one put in a slot, by
 * its type, and the conditions come out in the kind's order, the order a first pass writes them.
 */
final class ConditionSlots {

  private final List<String> types;
  private final Map<String, ConditionStatus> slots = new HashMap<>();

  /** Slots for the condition types {@code types}, in their order. */
  ConditionSlots(List<String> types) {
    this.types = List.copyOf(types);
  }

  /** Puts {@code condition} in the slot of its type, replacing what was there. */
  ConditionSlots put(ConditionStatus condition) {
    if (!types.contains(condition.type())) {
      throw new IllegalArgumentException(
          "no condition " + condition.type() + " here; the types are " + types);
    }
    slots.put(condition.type(), condition);
    return this;
  }

  /** Puts each of {@code conditions} in its slot, in order. */
  ConditionSlots putAll(List<ConditionStatus> conditions) {
    conditions.forEach(this::put);
    return this;
  }

  /** The condition in the slot of {@code type}. */
  Optional<ConditionStatus> get(String type) {
    return Optional.ofNullable(slots.get(type));
  }

  /** The filled slots, in the kind's order. */
  List<ConditionStatus> toList() {
    return types.stream().map(slots::get).filter(Objects::nonNull).toList();
  }
}
