package dev.limiter.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;

/**
 * Explicit provisioned throughput.
 *
 * @param readCapacityUnits read capacity units of the table and each index
 * @param writeCapacityUnits write capacity units of the table and each index
 * @param maxIncreasePercent raise in steps of at most this much per reconcile; unlimited when
 *     absent
 */
public record ProvisionedCapacity(
    @JsonPropertyDescription("Read capacity units of the table and each index")
        @Required
        @Min(1)
        @Max(1000000)
        Long readCapacityUnits,
    @JsonPropertyDescription("Write capacity units of the table and each index")
        @Required
        @Min(1)
        @Max(1000000)
        Long writeCapacityUnits,
    @JsonPropertyDescription("Raise capacity in steps of at most this percentage per reconcile")
        @Min(1)
        @Max(1000)
        Integer maxIncreasePercent) {}
