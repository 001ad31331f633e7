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
 * @param conditions Ready, Synced, TableReady, CapacitySynced, BillingModeCooldown
 */
public record RateLimiterTableStatus(
    Long observedGeneration,
    String tableName,
    String tableArn,
    String tableStatus,
    BillingMode billingMode,
    Long readCapacityUnits,
    Long writeCapacityUnits,
    @JsonPropertyDescription("Billing-mode switches made by the operator, newest last (kept for 24 h at least)")
    List<BillingModeSwitch> billingModeSwitches,
    String nextBillingModeSwitchAllowedAt,
    DecreaseQuotaStatus decreases,
    List<Condition> conditions) {
}
