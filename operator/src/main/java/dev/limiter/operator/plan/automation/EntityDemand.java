package dev.limiter.operator.plan.automation;

/**
 * The writes per second one entity's declared traffic puts on its bucket items.
 *
 * @param hierarchy the EntityHierarchy declaring it
 * @param entity the entity id
 * @param writesPerSecond its declared peak writes per second (shardsFor, or its own limits' refill
 *     rates)
 * @param shards the shard count it has
 */
public record EntityDemand(String hierarchy, String entity, long writesPerSecond, int shards) {}
