package dev.limiter.operator.api;

import java.util.List;

/**
 * What every level of an EntityHierarchy declares about an entity. Three record types carry it
 * because a CRD schema cannot be recursive: {@link RootEntity}, {@link ChildEntity} and {@link
 * LeafEntity}. Rules across fields ({@code shards} or {@code shardsFor}, unique ids) are checked by
 * the operator and reported in conditions (see {@link LimitSpec} for why not in CEL).
 */
public interface DeclaredEntity {

  /** The entity id. */
  String id();

  /** Whether an acquire on it also consumes its parent (never for a root). */
  boolean cascades();

  /** Its default limits, for resources it has no limits of its own for. */
  List<LimitSpec> limits();

  /** Its limits per resource. */
  List<ResourceDefaults> resources();

  /** Explicit shard count, or null. */
  Integer shards();

  /** Shard count to derive from traffic, or null. */
  ShardsFor shardsFor();

  /** The local reservation of its default limits' scope, or null. */
  LocalReservationSpec localReservation();

  /** Its children (empty at the last level). */
  List<? extends DeclaredEntity> childEntities();
}
