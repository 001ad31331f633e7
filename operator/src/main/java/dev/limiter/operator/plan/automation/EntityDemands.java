package dev.limiter.operator.plan.automation;

import dev.limiter.operator.api.DeclaredEntity;
import dev.limiter.operator.api.EntityHierarchySpec;
import dev.limiter.operator.api.LimitSpec;
import dev.limiter.operator.api.LocalReservationSpec;
import dev.limiter.operator.api.ResourceDefaults;
import dev.limiter.operator.plan.GoDurations;
import dev.limiter.operator.plan.hierarchy.DeclaredReservations;
import dev.limiter.operator.plan.hierarchy.DesiredHierarchy;
import dev.limiter.runtime.Limit;
import dev.limiter.runtime.LocalReservation;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The declared traffic of each entity of a hierarchy. Pure.
 *
 * <p>An entity's bucket items share its partition key (one per shard), so its traffic lands on one
 * partition per shard. Declared traffic is {@code shardsFor.writesPerSecond} when given; otherwise
 * the most its own limits admit: per resource, the slowest limit's refill rate (every admitted
 * acquire takes at least one token), summed over its resources and its default limits. Entities
 * without limits of their own declare nothing.
 *
 * <p>An entity whose keys use a local reservation gets its writes estimated ({@link
 * ReservationEstimate}): the reservation is its own (the scope of its default limits), else the
 * system's, as the runtime resolves them for a resource without one of its own; per-resource
 * reservations are not estimated, since the spec does not say how an entity's traffic splits over
 * its resources. The limits are its own (default and per resource), else those its keys fall back
 * to (the top-level resources' and the system's).
 */
public final class EntityDemands {

  private EntityDemands() {}

  /** The demands of the entities of {@code spec}, declared by hierarchy {@code hierarchy}. */
  public static List<EntityDemand> of(String hierarchy, EntityHierarchySpec spec) {
    List<EntityDemand> demands = new ArrayList<>();
    if (spec != null && spec.entities() != null) {
      Defaults defaults = Defaults.of(spec);
      spec.entities().forEach(root -> walk(hierarchy, root, defaults, demands));
    }
    return demands;
  }

  /** What an entity's keys fall back to: the system's reservation and the spec's wider limits. */
  private record Defaults(LocalReservationSpec reservation, List<LimitSpec> limits) {
    static Defaults of(EntityHierarchySpec spec) {
      List<LimitSpec> limits = new ArrayList<>();
      if (spec.resources() != null) {
        spec.resources().stream()
            .filter(resource -> resource.limits() != null)
            .forEach(resource -> limits.addAll(resource.limits()));
      }
      if (spec.system() != null && spec.system().limits() != null) {
        limits.addAll(spec.system().limits());
      }
      return new Defaults(spec.system() == null ? null : spec.system().localReservation(), limits);
    }
  }

  private static void walk(
      String hierarchy, DeclaredEntity entity, Defaults defaults, List<EntityDemand> demands) {
    long writes =
        entity.shardsFor() != null && entity.shardsFor().writesPerSecond() != null
            ? entity.shardsFor().writesPerSecond()
            : ownLimitsRate(entity);
    int shards =
        entity.shards() != null
            ? entity.shards()
            : entity.shardsFor() != null ? DesiredHierarchy.shardsFor(entity.shardsFor()) : 1;
    if (writes > 0) {
      demands.add(
          new EntityDemand(
              hierarchy, entity.id(), writes, shards, estimate(entity, defaults, writes)));
    }
    entity.childEntities().forEach(child -> walk(hierarchy, child, defaults, demands));
  }

  /**
   * The estimate under the reservation {@code entity}'s keys use; none when none is declared, it is
   * off, or it is invalid (the hierarchy's InvalidSpec to report).
   */
  private static Optional<ReservationEstimate> estimate(
      DeclaredEntity entity, Defaults defaults, long acquires) {
    LocalReservationSpec declared =
        entity.localReservation() != null ? entity.localReservation() : defaults.reservation();
    if (declared == null) {
      return Optional.empty();
    }
    LocalReservation reservation;
    try {
      reservation = DeclaredReservations.of(declared);
    } catch (DeclaredReservations.Refused e) {
      return Optional.empty();
    }
    if (!reservation.enabled()) {
      return Optional.empty();
    }
    List<LimitSpec> own = new ArrayList<>();
    if (entity.limits() != null) {
      own.addAll(entity.limits());
    }
    if (entity.resources() != null) {
      entity.resources().stream()
          .filter(resource -> resource.limits() != null)
          .forEach(resource -> own.addAll(resource.limits()));
    }
    return Optional.of(
        ReservationEstimate.of(
            reservation.window(),
            reservation.maxShare(),
            Optional.ofNullable(declared.instances()),
            acquires,
            limits(own.isEmpty() ? defaults.limits() : own)));
  }

  /** The runtime's limits for {@code specs}, leaving out any that is invalid. */
  private static List<Limit> limits(List<LimitSpec> specs) {
    List<Limit> limits = new ArrayList<>();
    for (LimitSpec spec : specs) {
      if (spec.rate() == null || spec.period() == null) {
        continue;
      }
      try {
        limits.add(
            Limit.of(
                spec.name(),
                spec.burst() == null ? spec.rate() : spec.burst(),
                spec.rate(),
                GoDurations.parse(spec.period())));
      } catch (IllegalArgumentException e) {
        // An invalid limit is the hierarchy's InvalidSpec to report, not a renewal rate.
      }
    }
    return limits;
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
