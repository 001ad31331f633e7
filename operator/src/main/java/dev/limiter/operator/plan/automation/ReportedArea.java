package dev.limiter.operator.plan.automation;

import dev.limiter.operator.plan.ConditionStatus;

/**
 * An automation area that makes no calls and reports what the pass found (the throttling diagnosis,
 * the hot-partition risk): a pure condition over the pass's automation facts. A new one is a class
 * implementing this plus its registration in the reconciler's list of areas.
 */
public interface ReportedArea {

  /** The area's condition type. */
  String conditionType();

  /** The area's condition. */
  ConditionStatus condition(AutomationFacts facts);
}
