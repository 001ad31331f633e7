package dev.limiter.runtime;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Entity, stored-limits and marker items exactly as the limiter reads them, for tools that write
 * them in bulk (the operator), so that the table's data model has one definition. An optional
 * owner attribute says who manages an item; the runtime itself ignores it.
 */
public final class LimiterItems {

  private LimiterItems() {}

  /** The item of {@code entity}, managed by {@code owner} (null for none). */
  public static Map<String, AttributeValue> entity(Entity entity, String owner) {
    return entity(entity, entity.shards(), null, owner);
  }

  /**
   * The item of {@code entity} whose shard count changed from {@code previousShards} at
   * {@code shardsChangedAt} (null when it did not change), managed by {@code owner}.
   */
  public static Map<String, AttributeValue> entity(Entity entity, int previousShards, Instant shardsChangedAt, String owner) {
    Map<String, AttributeValue> item = new LinkedHashMap<>(LimiterTableSchema.entityKey(entity.id()));
    item.put(LimiterTableSchema.KIND, AttributeValue.fromS(LimiterTableSchema.KIND_ENTITY));
    if (entity.parentId() != null) {
      item.put(LimiterTableSchema.PARENT_ATTRIBUTE, AttributeValue.fromS(entity.parentId()));
      item.put(LimiterTableSchema.CASCADE_ATTRIBUTE, AttributeValue.fromBool(entity.cascade()));
      item.put(LimiterTableSchema.INDEX_PARTITION_KEY, AttributeValue.fromS(LimiterTableSchema.childrenIndexPartition(entity.parentId())));
      item.put(LimiterTableSchema.INDEX_SORT_KEY, AttributeValue.fromS(LimiterTableSchema.entityPartition(entity.id())));
    }
    item.put(LimiterTableSchema.SHARDS_ATTRIBUTE, number(entity.shards()));
    if (shardsChangedAt != null) {
      item.put(LimiterTableSchema.PREVIOUS_SHARDS_ATTRIBUTE, number(previousShards));
      item.put(LimiterTableSchema.SHARDS_CHANGED_AT_ATTRIBUTE, number(shardsChangedAt.toEpochMilli()));
    }
    withOwner(item, owner);
    return item;
  }

  /** The item storing {@code limits} at {@code scope}, managed by {@code owner} (null for none). */
  public static Map<String, AttributeValue> limits(LimitScope scope, List<Limit> limits, String owner) {
    Arguments.requireDistinctLimits(limits);
    Map<String, AttributeValue> definitions = new LinkedHashMap<>();
    for (Limit limit : limits) {
      definitions.put(limit.name(), AttributeValue.fromM(Map.of(
          LimitCodec.CAPACITY, number(limit.capacity()),
          LimitCodec.REFILL, number(limit.refillAmount()),
          LimitCodec.PERIOD_NANOS, number(limit.refillPeriod().toNanos()))));
    }
    Map<String, AttributeValue> item = new LinkedHashMap<>(scope.key());
    item.put(LimiterTableSchema.KIND, AttributeValue.fromS(LimiterTableSchema.KIND_LIMITS));
    item.put(LimiterTableSchema.LIMITS_ATTRIBUTE, AttributeValue.fromM(definitions));
    withOwner(item, owner);
    return item;
  }

  /**
   * The system defaults: {@code limits} (may be empty) and the unavailability policy workloads
   * default to ({@code null} for none), managed by {@code owner}.
   */
  public static Map<String, AttributeValue> systemDefaults(List<Limit> limits, OnUnavailable onUnavailable, String owner) {
    Map<String, AttributeValue> item;
    if (limits.isEmpty()) {
      item = new LinkedHashMap<>(LimiterTableSchema.systemLimitsKey());
      item.put(LimiterTableSchema.KIND, AttributeValue.fromS(LimiterTableSchema.KIND_LIMITS));
      withOwner(item, owner);
    } else {
      item = limits(new LimitScope.System(), limits, owner);
    }
    if (onUnavailable != null) {
      item.put(LimiterTableSchema.ON_UNAVAILABLE_ATTRIBUTE, AttributeValue.fromS(onUnavailable.name()));
    }
    return item;
  }

  /** The marker saying the table holds entities (written with the first one). */
  public static Map<String, AttributeValue> hierarchyMarker() {
    Map<String, AttributeValue> marker = new LinkedHashMap<>(LimiterTableSchema.hierarchyMarkerKey());
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
