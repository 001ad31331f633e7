package dev.limiter.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * Capacity mode and its settings.
 *
 * @param mode Provisioned or OnDemand
 * @param provisioned explicit capacity units (Provisioned mode; or {@code plan})
 * @param plan capacity computed from expected traffic (Provisioned mode; or {@code provisioned})
 * @param onDemand optional on-demand throughput caps
 * @param switchCooldown minimum spacing between billing-mode switches, e.g. {@code 24h}
 */
@ValidationRule(
    value = "self.mode == 'OnDemand' || (has(self.provisioned) != has(self.plan))",
    message = "mode Provisioned needs exactly one of provisioned or plan")
public record Billing(
    @JsonPropertyDescription("Provisioned or OnDemand") @Required BillingMode mode,
    @JsonPropertyDescription("Explicit capacity units, applied to the table and each index")
        ProvisionedCapacity provisioned,
    @JsonPropertyDescription(
            "Capacity computed from expected traffic with the runtime's real per-acquire costs")
        CapacityPlan plan,
    @JsonPropertyDescription("Optional on-demand throughput caps") OnDemandCapacity onDemand,
    @JsonPropertyDescription(
            "Minimum spacing between billing-mode switches (Go duration such as 24h or 90m);"
                + " default 24h")
        @Pattern("^([0-9]+h)?([0-9]+m)?([0-9]+s)?$")
        @Size(min = 2)
        @Default("24h")
        String switchCooldown) {}
