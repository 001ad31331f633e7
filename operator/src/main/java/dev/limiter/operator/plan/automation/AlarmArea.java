package dev.limiter.operator.plan.automation;

import dev.limiter.operator.api.ConditionTypes;
import dev.limiter.operator.plan.ObservedTable;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;

/** The runbook's CloudWatch alarms, found under the table's current and former name prefixes. */
public final class AlarmArea implements SyncedArea<List<MetricAlarm>> {

  /** The area. */
  public static final AlarmArea AREA = new AlarmArea();

  private AlarmArea() {}

  @Override
  public String conditionType() {
    return ConditionTypes.ALARMS_SYNCED;
  }

  @Override
  public Phase phase() {
    return Phase.AFTER_TABLE;
  }

  @Override
  public String describe(ObservedTable table) {
    return "describe alarms of " + table.name();
  }

  @Override
  public List<MetricAlarm> observe(AutomationReads reads, ObservedTable table) {
    List<MetricAlarm> found = new ArrayList<>();
    AlarmPlanner.prefixes(table.name()).forEach(prefix -> found.addAll(reads.alarms(prefix)));
    return found;
  }

  @Override
  public Section plan(List<MetricAlarm> observed, AreaInputs in) {
    return AlarmPlanner.plan(
        in.table().name(),
        in.desired().owner(),
        in.table().indexNames(),
        in.desired().automation().alarms(),
        in.provisioned(),
        observed);
  }
}
