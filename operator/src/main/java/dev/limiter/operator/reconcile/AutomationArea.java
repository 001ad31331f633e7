package dev.limiter.operator.reconcile;

import dev.limiter.operator.api.ConditionTypes;
import dev.limiter.operator.plan.automation.AlarmArea;
import dev.limiter.operator.plan.automation.InsightsArea;
import dev.limiter.operator.plan.automation.ScalingArea;
import dev.limiter.operator.plan.automation.SyncedArea;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The areas of a table's capacity automation, in the order they are observed, act, report and hold
 * Ready back: each with its condition type and how that condition keeps an otherwise Ready table
 * from being Ready. An area that keeps AWS in sync is a {@link SyncedArea}, registered here; the
 * pass observes, plans and acts on those in this order. The one list that the first pass's Unknown
 * conditions and {@link ReadyFolding} follow.
 */
enum AutomationArea {

  /** Scalable targets and target-tracking policies. */
  AUTOSCALING(ScalingArea.AREA),
  /** The runbook's CloudWatch alarms. */
  ALARMS(AlarmArea.AREA),
  /** Contributor Insights on the table and its GSIs. */
  CONTRIBUTOR_INSIGHTS(InsightsArea.AREA),
  /** The throttling diagnosis (and the emergency runbook it drives). */
  DIAGNOSIS(ConditionTypes.THROTTLING, HoldsReady.WHEN_TRUE),
  /** The partition estimate against the declared traffic of the table's entities. */
  PARTITIONS(ConditionTypes.HOT_PARTITION_RISK, HoldsReady.WHEN_TRUE);

  /** How an area's condition holds Ready back: out of sync (False), or a risk that holds (True). */
  enum HoldsReady { WHEN_FALSE, WHEN_TRUE }

  private final String conditionType;
  private final HoldsReady holdsReady;
  /** The area's observe and plan; null for an area whose condition the pass derives from the diagnosis. */
  private final SyncedArea<?> synced;

  /** An area kept in sync: out of sync holds Ready back. */
  AutomationArea(SyncedArea<?> synced) {
    this.conditionType = synced.conditionType();
    this.holdsReady = HoldsReady.WHEN_FALSE;
    this.synced = synced;
  }

  AutomationArea(String conditionType, HoldsReady holdsReady) {
    this.conditionType = conditionType;
    this.holdsReady = holdsReady;
    this.synced = null;
  }

  /** The area's condition type. */
  String conditionType() {
    return conditionType;
  }

  /** The areas kept in sync, in order. */
  static List<SyncedArea<?>> synced() {
    return Arrays.stream(values()).<SyncedArea<?>>map(area -> area.synced).filter(Objects::nonNull).toList();
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
