package dev.limiter.operator.plan.automation;

import dev.limiter.operator.api.DeclaredEntity;
import dev.limiter.operator.api.EntityHierarchySpec;
import dev.limiter.operator.api.LimitSpec;
import dev.limiter.operator.api.ResourceDefaults;
import dev.limiter.operator.plan.GoDurations;
import dev.limiter.operator.plan.hierarchy.DesiredHierarchy;
import java.util.ArrayList;
import java.util.List;

/**
 * The declared traffic of each entity of a hierarchy. Pure.
 *
 * <p>An entity's bucket items share its partition key (one per shard), so its traffic lands on one
 * partition per shard. Declared traffic is {@code shardsFor.writesPerSecond} when given; otherwise
 * the most its own limits admit: per resource, the slowest limit's refill rate (every admitted
 * acquire takes at least one token), summed over its resources and its default limits. Entities
 * without limits of their own declare nothing.
 */
public final class EntityDemands {

  private EntityDemands() {}

  /** The demands of the entities of {@code spec}, declared by hierarchy {@code hierarchy}. */
  public static List<EntityDemand> of(String hierarchy, EntityHierarchySpec spec) {
    List<EntityDemand> demands = new ArrayList<>();
    if (spec != null && spec.entities() != null) {
      spec.entities().forEach(root -> walk(hierarchy, root, demands));
    }
    return demands;
  }

  private static void walk(String hierarchy, DeclaredEntity entity, List<EntityDemand> demands) {
    long writes =
        entity.shardsFor() != null && entity.shardsFor().writesPerSecond() != null
            ? entity.shardsFor().writesPerSecond()
            : ownLimitsRate(entity);
    int shards =
        entity.shards() != null
            ? entity.shards()
            : entity.shardsFor() != null ? DesiredHierarchy.shardsFor(entity.shardsFor()) : 1;
    if (writes > 0) {
      demands.add(new EntityDemand(hierarchy, entity.id(), writes, shards));
    }
    entity.childEntities().forEach(child -> walk(hierarchy, child, demands));
  }

  private static long ownLimitsRate(DeclaredEntity entity) {
    long total = slowest(entity.limits());
    if (entity.resources() != null) {
      for (ResourceDefaults resource : entity.resources()) {
        total += slowest(resource.limits());
      }
    }
    return total;
  }

  /** The slowest limit's tokens per second, rounded up; 0 for none or an unreadable period. */
  private static long slowest(List<LimitSpec> limits) {
    if (limits == null || limits.isEmpty()) {
      return 0;
    }
    double slowest = Double.MAX_VALUE;
    for (LimitSpec limit : limits) {
      try {
        long seconds = GoDurations.parse(limit.period()).toSeconds();
        if (seconds > 0 && limit.rate() != null) {
          slowest = Math.min(slowest, (double) limit.rate() / seconds);
        }
      } catch (IllegalArgumentException e) {
        // An invalid period is the hierarchy's InvalidSpec to report, not a demand.
      }
    }
    return slowest == Double.MAX_VALUE ? 0 : (long) Math.ceil(slowest);
  }
}
