package dev.limiter.operator.plan.automation;

import dev.limiter.operator.plan.ConditionStatus;
import dev.limiter.operator.plan.ObservedTable;
import java.util.List;

/**
 * An automation area that keeps AWS in sync with the spec (autoscaling, alarms, Contributor
 * Insights): how it is observed, its pure plan over what was observed, and when in a pass its calls
 * run. A new area is a class implementing this plus its registration in the reconciler's list of
 * areas.
 *
 * @param <O> what observing the area gives
 */
public interface SyncedArea<O> {

  /** When in a pass the area's calls run, relative to the table's own calls. */
  enum Phase {
    /**
     * While the table is provisioned: before the table's calls, or after them when they switch the
     * table to on-demand (a refused switch leaves it provisioned, which the area then plans for).
     */
    WHILE_PROVISIONED,
    /** After the table's calls. */
    AFTER_TABLE
  }

  /** The area's condition type. */
  String conditionType();

  /** When the area's calls run. */
  Phase phase();

  /** What observing the area does, for the failure's message ("describe alarms of t"). */
  String describe(ObservedTable table);

  /** Reads the area's state of {@code table} through {@code reads}; AWS failures are thrown. */
  O observe(AutomationReads reads, ObservedTable table);

  /** The area's calls and condition, given what was observed. */
  Section plan(O observed, AreaInputs inputs);

  /**
   * The plan over {@code reading}: none, and the condition False, when the area could not be
   * observed.
   */
  default Section planReading(Reading<O> reading, AreaInputs inputs) {
    return reading
        .failed()
        .map(
            f ->
                new Section(
                    List.of(), ConditionStatus.isFalse(conditionType(), f.reason(), f.message())))
        .orElseGet(() -> plan(reading.value(), inputs));
  }
}
