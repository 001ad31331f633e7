package dev.limiter.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;

/**
 * Expected traffic, from which the operator computes provisioned capacity.
 *
 * @param requestsPerSecond acquires per second
 * @param cascadeRequestsPerSecond acquires per second that also consume a parent
 * @param headroomPercent extra capacity above the computed need
 */
public record CapacityPlan(
    @JsonPropertyDescription("Acquires per second") @Required @Min(1) @Max(1000000)
        Long requestsPerSecond,
    @JsonPropertyDescription(
            "Acquires per second on cascading children, which also consume their parent")
        @Min(0)
        @Max(1000000)
        Long cascadeRequestsPerSecond,
    @JsonPropertyDescription("Extra capacity above the computed need, in percent; default 20")
        @Min(0)
        @Max(400)
        Integer headroomPercent) {}
