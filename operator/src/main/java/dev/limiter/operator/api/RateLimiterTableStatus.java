package dev.limiter.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;

/**
 * Observed state of a limiter table.
 *
 * @param observedGeneration the spec generation this status describes
 * @param tableName the DynamoDB table
 * @param tableArn its ARN
 * @param tableStatus DynamoDB's status (CREATING, ACTIVE, UPDATING, …)
 * @param billingMode the current capacity mode
 * @param readCapacityUnits current provisioned read units (absent on demand)
 * @param writeCapacityUnits current provisioned write units (absent on demand)
 * @param billingModeSwitches switches the operator made, newest last, kept for the cooldown guard
 * @param nextBillingModeSwitchAllowedAt earliest time the guard allows the next switch
 * @param decreases throughput-decrease quota state
 * @param observed the last throttling diagnosis reading
 * @param emergency the running emergency episode, if any
 * @param capacityFloor capacity an emergency returned the table to, held until the spec changes
 * @param partitions the estimated partitions and per-partition capacity
 * @param alarmNames the CloudWatch alarms the operator manages for the table
 * @param conditions Ready, Synced, TableReady, CapacitySynced, BillingModeCooldown,
 *     AutoscalingSynced, AlarmsSynced, ContributorInsightsSynced, Throttling, HotPartitionRisk
 */
public record RateLimiterTableStatus(
    Long observedGeneration,
    String tableName,
    String tableArn,
    String tableStatus,
    BillingMode billingMode,
    Long readCapacityUnits,
    Long writeCapacityUnits,
    @JsonPropertyDescription(
            "Billing-mode switches made by the operator, newest last (kept for 24 h at least)")
        List<BillingModeSwitch> billingModeSwitches,
    String nextBillingModeSwitchAllowedAt,
    DecreaseQuotaStatus decreases,
    ThrottleReading observed,
    EmergencyStatus emergency,
    CapacityFloor capacityFloor,
    PartitionStatus partitions,
    List<String> alarmNames,
    List<Condition> conditions) {}
