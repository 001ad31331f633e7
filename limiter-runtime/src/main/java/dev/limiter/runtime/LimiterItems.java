package dev.limiter.runtime;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Entity, stored-limits and marker items exactly as the limiter reads them, for tools that write
 * them in bulk (the operator), so that the table's data model has one definition. An optional owner
 * attribute says who manages an item; the runtime itself ignores it.
 */
public final class LimiterItems {

  private LimiterItems() {}

  /** The item of {@code entity}, managed by {@code owner} (null for none). */
  public static Map<String, AttributeValue> entity(Entity entity, String owner) {
    return entity(entity, entity.shards(), null, owner);
  }

  /**
   * The item of {@code entity} whose shard count changed from {@code previousShards} at {@code
   * shardsChangedAt} (null when it did not change), managed by {@code owner}.
   */
  public static Map<String, AttributeValue> entity(
      Entity entity, int previousShards, Instant shardsChangedAt, String owner) {
    return entity(entity, previousShards, shardsChangedAt, entity.shards(), owner);
  }

  /**
   * As {@link #entity(Entity, int, Instant, String)}, remembering that the entity's buckets once
   * had {@code maxShards} shards (recorded when more than it has now and before the change).
   */
  public static Map<String, AttributeValue> entity(
      Entity entity, int previousShards, Instant shardsChangedAt, int maxShards, String owner) {
    Map<String, AttributeValue> item =
        new LinkedHashMap<>(LimiterTableSchema.entityKey(entity.id()));
    item.put(LimiterTableSchema.KIND, AttributeValue.fromS(LimiterTableSchema.KIND_ENTITY));
    if (entity.parentId() != null) {
      item.put(LimiterTableSchema.PARENT_ATTRIBUTE, AttributeValue.fromS(entity.parentId()));
      item.put(LimiterTableSchema.CASCADE_ATTRIBUTE, AttributeValue.fromBool(entity.cascade()));
      item.put(
          LimiterTableSchema.INDEX_PARTITION_KEY,
          AttributeValue.fromS(LimiterTableSchema.childrenIndexPartition(entity.parentId())));
      item.put(
          LimiterTableSchema.INDEX_SORT_KEY,
          AttributeValue.fromS(LimiterTableSchema.entityPartition(entity.id())));
    }
    item.put(LimiterTableSchema.SHARDS_ATTRIBUTE, number(entity.shards()));
    if (shardsChangedAt != null) {
      item.put(LimiterTableSchema.PREVIOUS_SHARDS_ATTRIBUTE, number(previousShards));
      item.put(
          LimiterTableSchema.SHARDS_CHANGED_AT_ATTRIBUTE, number(shardsChangedAt.toEpochMilli()));
    }
    int most =
        Math.max(
            maxShards,
            shardsChangedAt == null ? entity.shards() : Math.max(entity.shards(), previousShards));
    if (most > entity.shards()) {
      item.put(LimiterTableSchema.MAX_SHARDS_ATTRIBUTE, number(most));
    }
    withOwner(item, owner);
    return item;
  }

  /**
   * The record entity {@code entityId} leaves when it is removed at {@code removedAt}: its shard
   * state then, expiring {@code expiresAt} (once no process can still use that state).
   */
  public static Map<String, AttributeValue> removedEntity(
      String entityId,
      int shards,
      int previousShards,
      Instant shardsChangedAt,
      int maxShards,
      Instant removedAt,
      Instant expiresAt,
      String owner) {
    Map<String, AttributeValue> item =
        new LinkedHashMap<>(LimiterTableSchema.removedEntityKey(entityId));
    item.put(LimiterTableSchema.KIND, AttributeValue.fromS(LimiterTableSchema.KIND_REMOVED_ENTITY));
    item.put(LimiterTableSchema.SHARDS_ATTRIBUTE, number(shards));
    item.put(LimiterTableSchema.PREVIOUS_SHARDS_ATTRIBUTE, number(previousShards));
    if (shardsChangedAt != null) {
      item.put(
          LimiterTableSchema.SHARDS_CHANGED_AT_ATTRIBUTE, number(shardsChangedAt.toEpochMilli()));
    }
    item.put(
        LimiterTableSchema.MAX_SHARDS_ATTRIBUTE,
        number(Math.max(maxShards, Math.max(shards, previousShards))));
    item.put(LimiterTableSchema.REMOVED_AT_ATTRIBUTE, number(removedAt.toEpochMilli()));
    item.put(LimiterTableSchema.TTL_ATTRIBUTE, number(expiresAt.getEpochSecond()));
    withOwner(item, owner);
    return item;
  }

  /** {@code owner}'s marker: it last applied the hierarchy with {@code digest} completely. */
  public static Map<String, AttributeValue> ownerMarker(String owner, String digest) {
    Map<String, AttributeValue> marker =
        new LinkedHashMap<>(LimiterTableSchema.ownerMarkerKey(owner));
    marker.put(LimiterTableSchema.KIND, AttributeValue.fromS(LimiterTableSchema.KIND_OWNER_MARKER));
    marker.put(LimiterTableSchema.DIGEST_ATTRIBUTE, AttributeValue.fromS(digest));
    return marker;
  }

  /** The item storing {@code limits} at {@code scope}, managed by {@code owner} (null for none). */
  public static Map<String, AttributeValue> limits(
      LimitScope scope, List<Limit> limits, String owner) {
    return limits(scope, limits, null, owner);
  }

  /**
   * The stored limits of {@code scope} with the local reservation they declare (null for none: the
   * limiter's default applies; {@link LocalReservation#OFF} turns it off), managed by {@code owner}
   * (null for none). {@code limits} may be empty only when {@code reservation} is not null: an item
   * that declares only a reservation, whose limits come from a less specific scope.
   */
  public static Map<String, AttributeValue> limits(
      LimitScope scope, List<Limit> limits, LocalReservation reservation, String owner) {
    Objects.requireNonNull(limits, "limits");
    Map<String, AttributeValue> item = new LinkedHashMap<>(scope.key());
    item.put(LimiterTableSchema.KIND, AttributeValue.fromS(LimiterTableSchema.KIND_LIMITS));
    if (reservation == null || !limits.isEmpty()) {
      item.put(LimiterTableSchema.LIMITS_ATTRIBUTE, AttributeValue.fromM(definitions(limits)));
    }
    if (reservation != null) {
      item.put(
          LimiterTableSchema.LOCAL_RESERVATION_ATTRIBUTE,
          AttributeValue.fromM(
              Map.of(
                  LimitCodec.WINDOW_MILLIS,
                  number(reservation.window().toMillis()),
                  LimitCodec.SHARE_PER_MILLE,
                  number(LimitCodec.perMille(reservation.maxShare())))));
    }
    withOwner(item, owner);
    return item;
  }

  /**
   * The system defaults: {@code limits} (may be empty) and the unavailability policy workloads
   * default to ({@code null} for none), managed by {@code owner}.
   */
  public static Map<String, AttributeValue> systemDefaults(
      List<Limit> limits, OnUnavailable onUnavailable, String owner) {
    return systemDefaults(limits, onUnavailable, null, owner);
  }

  /**
   * As {@link #systemDefaults(List, OnUnavailable, String)}, declaring the local reservation every
   * scope without one of its own uses ({@code null} for none: the limiter's default applies).
   */
  public static Map<String, AttributeValue> systemDefaults(
      List<Limit> limits, OnUnavailable onUnavailable, LocalReservation reservation, String owner) {
    Map<String, AttributeValue> item;
    if (limits.isEmpty() && reservation == null) {
      item = new LinkedHashMap<>(LimiterTableSchema.systemLimitsKey());
      item.put(LimiterTableSchema.KIND, AttributeValue.fromS(LimiterTableSchema.KIND_LIMITS));
      withOwner(item, owner);
    } else {
      item = limits(new LimitScope.System(), limits, reservation, owner);
    }
    if (onUnavailable != null) {
      item.put(
          LimiterTableSchema.ON_UNAVAILABLE_ATTRIBUTE, AttributeValue.fromS(onUnavailable.name()));
    }
    return item;
  }

  private static Map<String, AttributeValue> definitions(List<Limit> limits) {
    Arguments.requireDistinctLimits(limits);
    Map<String, AttributeValue> definitions = new LinkedHashMap<>();
    for (Limit limit : limits) {
      definitions.put(
          limit.name(),
          AttributeValue.fromM(
              Map.of(
                  LimitCodec.CAPACITY, number(limit.capacity()),
                  LimitCodec.REFILL, number(limit.refillAmount()),
                  LimitCodec.PERIOD_NANOS, number(limit.refillPeriod().toNanos()))));
    }
    return definitions;
  }

  /** The marker saying the table holds entities (written with the first one). */
  public static Map<String, AttributeValue> hierarchyMarker() {
    Map<String, AttributeValue> marker =
        new LinkedHashMap<>(LimiterTableSchema.hierarchyMarkerKey());
    marker.put(LimiterTableSchema.KIND, AttributeValue.fromS(LimiterTableSchema.KIND_HIERARCHY));
    return marker;
  }

  /** Who manages {@code item}, if anyone does. */
  public static Optional<String> owner(Map<String, AttributeValue> item) {
    AttributeValue owner = item.get(LimiterTableSchema.OWNER_ATTRIBUTE);
    return owner == null ? Optional.empty() : Optional.ofNullable(owner.s());
  }

  private static void withOwner(Map<String, AttributeValue> item, String owner) {
    if (owner != null) {
      item.put(LimiterTableSchema.OWNER_ATTRIBUTE, AttributeValue.fromS(owner));
    }
  }

  private static AttributeValue number(long value) {
    return AttributeValue.fromN(Long.toString(value));
  }
}
