package dev.limiter.operator.api;

import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;
import java.util.Optional;

/** Reading conditions from a status: the first of a type, and whether it is True. */
public final class StatusConditions {

  private StatusConditions() {}

  /** The condition of {@code type} in {@code conditions} (null: none). */
  public static Optional<Condition> findCondition(List<Condition> conditions, String type) {
    return conditions == null
        ? Optional.empty()
        : conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  /** Whether {@code conditions} (null: none) hold a True condition of {@code type}. */
  public static boolean isTrue(List<Condition> conditions, String type) {
    return findCondition(conditions, type).filter(c -> "True".equals(c.getStatus())).isPresent();
  }
}
