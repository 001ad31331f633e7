package dev.limiter.operator.reconcile;

import dev.limiter.operator.api.ConditionTypes;
import java.util.Arrays;
import java.util.List;

/**
 * The areas of a table's capacity automation, in the order they report and hold Ready back: each
 * with its condition type and how that condition keeps an otherwise Ready table from being Ready.
 * The one list that the first pass's Unknown conditions and {@link ReadyFolding} follow.
 */
enum AutomationArea {

  /** Scalable targets and target-tracking policies. */
  AUTOSCALING(ConditionTypes.AUTOSCALING_SYNCED, HoldsReady.WHEN_FALSE),
  /** The runbook's CloudWatch alarms. */
  ALARMS(ConditionTypes.ALARMS_SYNCED, HoldsReady.WHEN_FALSE),
  /** Contributor Insights on the table and its GSIs. */
  CONTRIBUTOR_INSIGHTS(ConditionTypes.CONTRIBUTOR_INSIGHTS_SYNCED, HoldsReady.WHEN_FALSE),
  /** The throttling diagnosis (and the emergency runbook it drives). */
  DIAGNOSIS(ConditionTypes.THROTTLING, HoldsReady.WHEN_TRUE),
  /** The partition estimate against the declared traffic of the table's entities. */
  PARTITIONS(ConditionTypes.HOT_PARTITION_RISK, HoldsReady.WHEN_TRUE);

  /** How an area's condition holds Ready back: out of sync (False), or a risk that holds (True). */
  enum HoldsReady { WHEN_FALSE, WHEN_TRUE }

  private final String conditionType;
  private final HoldsReady holdsReady;

  AutomationArea(String conditionType, HoldsReady holdsReady) {
    this.conditionType = conditionType;
    this.holdsReady = holdsReady;
  }

  /** The area's condition type. */
  String conditionType() {
    return conditionType;
  }

  /** The condition types of the areas that hold Ready back as {@code holds} says, in order. */
  static List<String> conditionTypes(HoldsReady holds) {
    return Arrays.stream(values()).filter(area -> area.holdsReady == holds).map(AutomationArea::conditionType).toList();
  }

  /** Every area's condition type, in order. */
  static List<String> conditionTypes() {
    return Arrays.stream(values()).map(AutomationArea::conditionType).toList();
  }
}
