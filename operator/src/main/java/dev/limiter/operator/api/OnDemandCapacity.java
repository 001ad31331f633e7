package dev.limiter.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;

/**
 * Caps of an on-demand table (OnDemandThroughput); absent means no cap.
 *
 * @param maxReadRequestUnits most read request units per second
 * @param maxWriteRequestUnits most write request units per second
 */
public record OnDemandCapacity(
    @JsonPropertyDescription("Most read request units per second; no cap when absent") @Min(1)
        Long maxReadRequestUnits,
    @JsonPropertyDescription("Most write request units per second; no cap when absent") @Min(1)
        Long maxWriteRequestUnits) {}
