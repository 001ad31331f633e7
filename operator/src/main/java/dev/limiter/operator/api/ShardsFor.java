package dev.limiter.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;

/**
 * @param writesPerSecond peak acquires per second the entity's buckets must absorb: at most {@value
 *     PartitionLimits#MAX_SHARDED_WRITES}, what the largest shard count absorbs at {@value
 *     PartitionLimits#SHARD_WRITE_SHARE} writes per shard
 */
public record ShardsFor(
    @JsonPropertyDescription(
            "Peak acquires per second reaching this entity (its own and its cascading children's);"
                + " at most 204800, which 256 shards absorb")
        @Required
        @Min(1)
        @Max(PartitionLimits.MAX_SHARDED_WRITES)
        Long writesPerSecond) {}
