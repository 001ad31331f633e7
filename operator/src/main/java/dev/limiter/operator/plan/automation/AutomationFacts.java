package dev.limiter.operator.plan.automation;

import dev.limiter.operator.api.PartitionStatus;
import dev.limiter.operator.api.ThrottleReading;
import dev.limiter.operator.plan.ObservedTable;
import java.util.List;

/**
 * What a pass knows of a table's automation, for the {@link ReportedArea}s' conditions.
 *
 * @param table the table as observed
 * @param observed the automation as observed
 * @param emergency what the emergency runbook decided
 * @param reading the diagnosis reading in effect (this pass's or the last), null for none yet
 * @param partitions the partition estimate
 * @param demands the entities the table's hierarchies declare
 */
public record AutomationFacts(
    ObservedTable table,
    ObservedAutomation observed,
    EmergencyPlan emergency,
    ThrottleReading reading,
    PartitionStatus partitions,
    List<EntityDemand> demands) {

  /** Copies the demands. */
  public AutomationFacts {
    demands = List.copyOf(demands);
  }
}
