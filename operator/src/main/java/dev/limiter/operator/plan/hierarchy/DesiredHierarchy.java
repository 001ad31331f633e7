package dev.limiter.operator.plan.hierarchy;

import dev.limiter.operator.api.DeclaredEntity;
import dev.limiter.operator.api.EntityHierarchySpec;
import dev.limiter.operator.api.LimitSpec;
import dev.limiter.operator.api.LocalReservationSpec;
import dev.limiter.operator.api.PartitionLimits;
import dev.limiter.operator.api.ResourceDefaults;
import dev.limiter.operator.api.ShardsFor;
import dev.limiter.operator.api.SystemDefaults;
import dev.limiter.operator.api.UnavailablePolicy;
import dev.limiter.operator.plan.GoDurations;
import dev.limiter.runtime.Entity;
import dev.limiter.runtime.Limit;
import dev.limiter.runtime.LimitScope;
import dev.limiter.runtime.LimiterItems;
import dev.limiter.runtime.LocalReservation;
import dev.limiter.runtime.OnUnavailable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * An EntityHierarchy's spec as the items it wants in the limiter table, encoded by the runtime
 * ({@link LimiterItems}), each marked as owned by the hierarchy. Pure. Every rule the CRD schema
 * cannot express is checked here, and all problems are reported together.
 */
public final class DesiredHierarchy {

  private static final Duration MIN_PERIOD = Duration.ofSeconds(1);
  private static final Duration MAX_PERIOD = Duration.ofHours(24);

  private DesiredHierarchy() {}

  /** What the spec resolves to. */
  public sealed interface Resolution {}

  /**
   * The items, and what they hold.
   *
   * @param items every item; the hierarchy marker is not among them (it belongs to no hierarchy)
   * @param entities number of entities
   * @param limits number of stored-limit items
   * @param shards bucket shards over all entities
   * @param localReservations stored-limit items declaring a local reservation ({@code 0s}, off,
   *     included)
   */
  public record Resolved(
      List<DesiredItem> items, long entities, long limits, long shards, long localReservations)
      implements Resolution {}

  /** The spec breaks rules the schema could not check; every problem, with its path. */
  public record Invalid(List<String> problems) implements Resolution {
    /** The problems in one message. */
    public String message() {
      return String.join("; ", problems);
    }
  }

  /** Resolves {@code spec} into items owned by {@code owner} ({@code <namespace>/<name>}). */
  public static Resolution resolve(EntityHierarchySpec spec, String owner) {
    Walk walk = new Walk(owner);
    if (spec.system() != null) {
      walk.system(spec.system());
    }
    Set<String> resources = new HashSet<>();
    List<ResourceDefaults> declared = spec.resources() == null ? List.of() : spec.resources();
    for (int i = 0; i < declared.size(); i++) {
      ResourceDefaults resource = declared.get(i);
      String path = "resources[" + i + "]";
      if (!resources.add(resource.name())) {
        walk.problems.add(path + ": resource " + resource.name() + " is declared twice");
      }
      walk.scope(path, () -> new LimitScope.Resource(resource.name()))
          .ifPresent(scope -> walk.limits(path, scope, resource));
    }
    List<? extends DeclaredEntity> roots = spec.entities() == null ? List.of() : spec.entities();
    for (int i = 0; i < roots.size(); i++) {
      walk.entity("entities[" + i + "]", roots.get(i), null, false);
    }
    if (!walk.problems.isEmpty()) {
      return new Invalid(List.copyOf(walk.problems));
    }
    return new Resolved(
        List.copyOf(walk.items),
        walk.entities,
        walk.limitItems,
        walk.shards,
        walk.localReservations);
  }

  /**
   * Shards for {@code shardsFor}: enough partitions for its peak writes at {@value
   * PartitionLimits#SHARD_WRITE_SHARE} each.
   */
  public static int shardsFor(ShardsFor shardsFor) {
    return (int)
        Math.max(
            1,
            (shardsFor.writesPerSecond() + PartitionLimits.SHARD_WRITE_SHARE - 1)
                / PartitionLimits.SHARD_WRITE_SHARE);
  }

  /** One pass over the spec, collecting items and problems. */
  private static final class Walk {
    private final String owner;
    private final List<DesiredItem> items = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();
    private final Set<String> ids = new HashSet<>();
    private long entities;
    private long limitItems;
    private long shards;
    private long localReservations;

    Walk(String owner) {
      this.owner = owner;
    }

    void entity(String path, DeclaredEntity declared, String parentId, boolean parentCascades) {
      if (!ids.add(declared.id())) {
        problems.add(
            path
                + ": entity "
                + declared.id()
                + " is declared more than once (an entity has one parent)");
        return;
      }
      if (declared.cascades() && parentCascades) {
        // The runtime consumes the direct parent only; a chain would silently skip the
        // grandparent's limits.
        problems.add(
            path
                + ": "
                + declared.id()
                + " cascades to "
                + parentId
                + ", which cascades too; cascade reaches one"
                + " level, so declare limits on "
                + parentId
                + " that cover its children or do not cascade both");
      }
      Integer shardCount = shards(path, declared);
      Entity entity;
      try {
        entity =
            new Entity(
                declared.id(), parentId, declared.cascades(), shardCount == null ? 1 : shardCount);
      } catch (IllegalArgumentException e) {
        problems.add(path + ": " + e.getMessage());
        return;
      }
      entities++;
      shards += entity.shards();
      items.add(DesiredItem.ofEntity(entity, owner));
      List<LimitSpec> defaults = declared.limits() == null ? List.of() : declared.limits();
      Optional<LocalReservation> reservation =
          reservation(path + ".localReservation", declared.localReservation());
      if (!defaults.isEmpty() || reservation.isPresent()) {
        // An entity declaring only a reservation gets an item holding only it: its limits come
        // from a less specific scope, the runtime resolves the two independently.
        limits(path, new LimitScope.Entity(entity.id()), defaults, reservation);
      }
      Set<String> resources = new HashSet<>();
      List<ResourceDefaults> perResource =
          declared.resources() == null ? List.of() : declared.resources();
      for (int i = 0; i < perResource.size(); i++) {
        ResourceDefaults resource = perResource.get(i);
        String resourcePath = path + ".resources[" + i + "]";
        if (!resources.add(resource.name())) {
          problems.add(
              resourcePath
                  + ": resource "
                  + resource.name()
                  + " is declared twice for entity "
                  + entity.id());
        }
        scope(resourcePath, () -> new LimitScope.EntityResource(entity.id(), resource.name()))
            .ifPresent(scope -> limits(resourcePath, scope, resource));
      }
      List<? extends DeclaredEntity> children = declared.childEntities();
      for (int i = 0; i < children.size(); i++) {
        entity(path + ".children[" + i + "]", children.get(i), entity.id(), entity.cascade());
      }
    }

    /** The scope {@code scope} makes, or a problem when its names are invalid. */
    Optional<LimitScope> scope(String path, Supplier<LimitScope> scope) {
      try {
        return Optional.of(scope.get());
      } catch (IllegalArgumentException e) {
        problems.add(path + ": " + e.getMessage());
        return Optional.empty();
      }
    }

    private Integer shards(String path, DeclaredEntity declared) {
      if (declared.shards() != null && declared.shardsFor() != null) {
        problems.add(path + ": set shards or shardsFor, not both");
        return null;
      }
      if (declared.shardsFor() == null) {
        return declared.shards();
      }
      int derived = shardsFor(declared.shardsFor());
      if (derived > Entity.MAX_SHARDS) {
        problems.add(
            path
                + ".shardsFor: "
                + declared.shardsFor().writesPerSecond()
                + " writes per second need "
                + derived
                + " shards, more than "
                + Entity.MAX_SHARDS);
        return null;
      }
      return derived;
    }

    void system(SystemDefaults system) {
      List<LimitSpec> specs = system.limits() == null ? List.of() : system.limits();
      OnUnavailable policy =
          system.onUnavailable() == null
              ? null
              : system.onUnavailable() == UnavailablePolicy.Allow
                  ? OnUnavailable.ALLOW
                  : OnUnavailable.BLOCK;
      List<Limit> limits = valid("system.limits", specs);
      LocalReservation reservation =
          reservation("system.localReservation", system.localReservation()).orElse(null);
      if (limits.size() == specs.size()
          && (!limits.isEmpty() || policy != null || reservation != null)) {
        limitItems++;
        if (reservation != null) {
          localReservations++;
        }
        items.add(
            DesiredItem.of(() -> LimiterItems.systemDefaults(limits, policy, reservation, owner)));
      }
    }

    /**
     * The item of a resource's limits and reservation ({@code path} is the resource's); a problem
     * when it declares neither.
     */
    void limits(String path, LimitScope scope, ResourceDefaults resource) {
      if (resource.limits() == null && resource.localReservation() == null) {
        problems.add(path + ": declare limits, a localReservation or both");
        return;
      }
      limits(
          path,
          scope,
          resource.limits() == null ? List.of() : resource.limits(),
          reservation(path + ".localReservation", resource.localReservation()));
    }

    /**
     * The stored-limits item of {@code scope}: its limits ({@code path}{@code .limits}) and the
     * reservation it declares; none when a limit is invalid or it declares nothing.
     */
    private void limits(
        String path, LimitScope scope, List<LimitSpec> specs, Optional<LocalReservation> declared) {
      List<Limit> limits = valid(path + ".limits", specs);
      LocalReservation reservation = declared.orElse(null);
      if (limits.size() == specs.size() && (!limits.isEmpty() || reservation != null)) {
        limitItems++;
        if (reservation != null) {
          localReservations++;
        }
        items.add(DesiredItem.of(() -> LimiterItems.limits(scope, limits, reservation, owner)));
      }
    }

    /**
     * The runtime's reservation for {@code spec} (null: none declared); a problem at {@code path}
     * when its window is not a duration or outside the runtime's range.
     */
    private Optional<LocalReservation> reservation(String path, LocalReservationSpec spec) {
      if (spec == null) {
        return Optional.empty();
      }
      try {
        return Optional.of(DeclaredReservations.of(spec));
      } catch (DeclaredReservations.Refused e) {
        problems.add(path + "." + e.field() + ": " + e.getMessage());
        return Optional.empty();
      }
    }

    /** The limits {@code specs} declare that are valid; a problem for each that is not. */
    private List<Limit> valid(String path, List<LimitSpec> specs) {
      List<Limit> limits = new ArrayList<>();
      Set<String> names = new HashSet<>();
      for (int i = 0; i < specs.size(); i++) {
        LimitSpec spec = specs.get(i);
        String limitPath = path + "[" + i + "]";
        if (!names.add(spec.name())) {
          problems.add(limitPath + ": limit " + spec.name() + " is declared twice");
          continue;
        }
        limit(limitPath, spec).ifPresent(limits::add);
      }
      return List.copyOf(limits);
    }

    private Optional<Limit> limit(String path, LimitSpec spec) {
      Duration period;
      try {
        period = GoDurations.parse(spec.period());
      } catch (IllegalArgumentException e) {
        problems.add(path + ".period: " + e.getMessage());
        return Optional.empty();
      }
      if (period.compareTo(MIN_PERIOD) < 0 || period.compareTo(MAX_PERIOD) > 0) {
        problems.add(path + ".period: " + spec.period() + " is outside 1s to 24h");
        return Optional.empty();
      }
      long burst = spec.burst() == null ? spec.rate() : spec.burst();
      if (burst < spec.rate()) {
        problems.add(
            path
                + ": burst "
                + burst
                + " is below the rate "
                + spec.rate()
                + " per "
                + spec.period());
        return Optional.empty();
      }
      try {
        return Optional.of(Limit.of(spec.name(), burst, spec.rate(), period));
      } catch (IllegalArgumentException e) {
        problems.add(path + ": " + e.getMessage());
        return Optional.empty();
      }
    }
  }
}
