package dev.limiter.operator.reconcile;

import dev.limiter.operator.plan.automation.AlarmArea;
import dev.limiter.operator.plan.automation.DiagnosisArea;
import dev.limiter.operator.plan.automation.InsightsArea;
import dev.limiter.operator.plan.automation.PartitionArea;
import dev.limiter.operator.plan.automation.ReportedArea;
import dev.limiter.operator.plan.automation.ScalingArea;
import dev.limiter.operator.plan.automation.SyncedArea;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The areas of a table's capacity automation, in the order they are observed, act, report and hold
 * Ready back: each with its condition type and how that condition keeps an otherwise Ready table
 * from being Ready. An area that keeps AWS in sync is a {@link SyncedArea}, one that reports what
 * the pass found a {@link ReportedArea}, registered here; the pass observes, plans, acts on and
 * reports them in this order. The one list that the first pass's Unknown conditions and {@link
 * ReadyFolding} follow.
 */
enum AutomationArea {

  /** Scalable targets and target-tracking policies. */
  AUTOSCALING(ScalingArea.AREA),
  /** The runbook's CloudWatch alarms. */
  ALARMS(AlarmArea.AREA),
  /** Contributor Insights on the table and its GSIs. */
  CONTRIBUTOR_INSIGHTS(InsightsArea.AREA),
  /** The throttling diagnosis (and the emergency runbook it drives). */
  DIAGNOSIS(DiagnosisArea.AREA),
  /** The partition estimate against the declared traffic of the table's entities. */
  PARTITIONS(PartitionArea.AREA);

  /** How an area's condition holds Ready back: out of sync (False), or a risk that holds (True). */
  enum HoldsReady {
    WHEN_FALSE,
    WHEN_TRUE
  }

  private final String conditionType;
  private final HoldsReady holdsReady;

  /** The area's observe and plan; null for a reported area. */
  private final SyncedArea<?> synced;

  /** The area's condition; null for a synced area. */
  private final ReportedArea reported;

  /** An area kept in sync: out of sync holds Ready back. */
  AutomationArea(SyncedArea<?> synced) {
    this.conditionType = synced.conditionType();
    this.holdsReady = HoldsReady.WHEN_FALSE;
    this.synced = synced;
    this.reported = null;
  }

  /** An area that reports a risk: its holding (True) holds Ready back. */
  AutomationArea(ReportedArea reported) {
    this.conditionType = reported.conditionType();
    this.holdsReady = HoldsReady.WHEN_TRUE;
    this.synced = null;
    this.reported = reported;
  }

  /** The area's condition type. */
  String conditionType() {
    return conditionType;
  }

  /** The areas kept in sync, in order. */
  static List<SyncedArea<?>> synced() {
    return Arrays.stream(values())
        .<SyncedArea<?>>map(area -> area.synced)
        .filter(Objects::nonNull)
        .toList();
  }

  /** The reported areas, in order. */
  static List<ReportedArea> reported() {
    return Arrays.stream(values()).map(area -> area.reported).filter(Objects::nonNull).toList();
  }

  /** The condition types of the areas that hold Ready back as {@code holds} says, in order. */
  static List<String> conditionTypes(HoldsReady holds) {
    return Arrays.stream(values())
        .filter(area -> area.holdsReady == holds)
        .map(AutomationArea::conditionType)
        .toList();
  }

  /** Every area's condition type, in order. */
  static List<String> conditionTypes() {
    return Arrays.stream(values()).map(AutomationArea::conditionType).toList();
  }
}
