package dev.limiter.operator.plan.automation;

import dev.limiter.operator.plan.DesiredTable;
import dev.limiter.operator.plan.ObservedTable;
import java.time.Instant;

/**
 * What a {@link SyncedArea}'s plan is made from besides its own observation.
 *
 * @param desired the table the spec asks for
 * @param table the table as observed
 * @param emergency what the emergency runbook decided in this pass
 * @param provisioned whether the table is provisioned when the area's calls run: for an area acting
 *     while the table is provisioned, as observed before the table's calls and as they left it
 *     after; for one acting after the table's calls, whether it is provisioned and stays so in this
 *     pass
 * @param now the pass's time
 */
public record AreaInputs(
    DesiredTable desired,
    ObservedTable table,
    EmergencyPlan emergency,
    boolean provisioned,
    Instant now) {}
