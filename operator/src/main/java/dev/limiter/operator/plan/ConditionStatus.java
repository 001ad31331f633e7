package dev.limiter.operator.plan;

/**
 * A condition as the planner decides it, before timestamps are attached.
 *
 * @param type condition type, e.g. Ready
 * @param status True, False or Unknown
 * @param reason CamelCase reason
 * @param message human explanation
 */
public record ConditionStatus(String type, String status, String reason, String message) {

  /** A True condition. */
  public static ConditionStatus isTrue(String type, String reason, String message) {
    return new ConditionStatus(type, "True", reason, message);
  }

  /** A False condition. */
  public static ConditionStatus isFalse(String type, String reason, String message) {
    return new ConditionStatus(type, "False", reason, message);
  }

  /** An Unknown condition. */
  public static ConditionStatus unknown(String type, String reason, String message) {
    return new ConditionStatus(type, "Unknown", reason, message);
  }

  /** Whether the status is True. */
  public boolean holds() {
    return "True".equals(status);
  }
}
