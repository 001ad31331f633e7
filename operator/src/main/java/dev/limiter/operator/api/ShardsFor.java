package dev.limiter.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;

/** @param writesPerSecond peak acquires per second the entity's buckets must absorb */
public record ShardsFor(
    @JsonPropertyDescription("Peak acquires per second reaching this entity (its own and its cascading children's)")
    @Required @Min(1) @Max(10_000_000)
    Long writesPerSecond) {
}
