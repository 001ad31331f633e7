package dev.limiter.runtime;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionCheck;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DeleteRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * The hierarchy of entities in the limiter table: create, read, list children, delete. Acquires
 * look entities up through a per-process cache with the same TTL as stored limits, so a change made
 * elsewhere applies here within that TTL and one made through this instance at once.
 */
public final class Entities {

  /** BatchWriteItem takes at most 25 requests. */
  private static final int BATCH_WRITE_LIMIT = 25;

  private static final int BATCH_WRITE_ATTEMPTS = 5;

  private final String tableName;
  private final DynamoDbGateway gateway;
  private final Clock clock;
  private final TtlCache<String, Optional<EntityState>> cache;
  private final TtlCache<Boolean, Boolean> hierarchyPresent;

  Entities(String tableName, DynamoDbGateway gateway, Clock clock, Duration ttl, int maxEntries) {
    this.tableName = tableName;
    this.gateway = gateway;
    this.clock = clock;
    this.cache = new TtlCache<>(clock, ttl, maxEntries);
    this.hierarchyPresent = new TtlCache<>(clock, ttl, 1);
  }

  /**
   * Creates entity {@code id} under {@code parentId} (null for a root).
   *
   * @throws IllegalStateException when the entity exists already
   * @throws IllegalArgumentException when the parent does not exist, or for invalid ids
   */
  public Entity createEntity(String id, String parentId, boolean cascade) {
    return createEntity(id, parentId, cascade, 1);
  }

  /**
   * As {@link #createEntity(String, String, boolean)}, splitting each of the entity's limits over
   * {@code shards} bucket items (see {@link Entity#shards()}).
   */
  public Entity createEntity(String id, String parentId, boolean cascade, int shards) {
    Entity entity = new Entity(id, parentId, cascade, shards);
    List<TransactWriteItem> writes = new ArrayList<>();
    writes.add(
        TransactWriteItem.builder()
            .put(
                Put.builder()
                    .tableName(tableName)
                    .item(LimiterItems.entity(entity, null))
                    .conditionExpression("attribute_not_exists(#pk)")
                    .expressionAttributeNames(Map.of("#pk", LimiterTableSchema.PARTITION_KEY))
                    .build())
            .build());
    writes.add(
        TransactWriteItem.builder()
            .put(Put.builder().tableName(tableName).item(LimiterItems.hierarchyMarker()).build())
            .build());
    if (parentId != null) {
      writes.add(
          TransactWriteItem.builder()
              .conditionCheck(
                  ConditionCheck.builder()
                      .tableName(tableName)
                      .key(LimiterTableSchema.entityKey(parentId))
                      .conditionExpression("#kind = :entity")
                      .expressionAttributeNames(Map.of("#kind", LimiterTableSchema.KIND))
                      .expressionAttributeValues(
                          Map.of(":entity", AttributeValue.fromS(LimiterTableSchema.KIND_ENTITY)))
                      .build())
              .build());
    }
    try {
      gateway.transactWrite(TransactWriteItemsRequest.builder().transactItems(writes).build());
    } catch (TransactionCanceledException e) {
      List<CancellationReason> reasons = e.cancellationReasons();
      if (!reasons.isEmpty() && "ConditionalCheckFailed".equals(reasons.get(0).code())) {
        throw new IllegalStateException("entity " + id + " exists already", e);
      }
      if (reasons.size() > 2 && "ConditionalCheckFailed".equals(reasons.get(2).code())) {
        throw new IllegalArgumentException(
            "parent entity " + parentId + " of " + id + " does not exist", e);
      }
      throw e;
    } finally {
      cache.clear();
      hierarchyPresent.clear();
    }
    return entity;
  }

  /** Entity {@code id}, from a strongly consistent read. */
  public Optional<Entity> getEntity(String id) {
    return state(id).map(EntityState::entity);
  }

  /**
   * Changes how many shards entity {@code id}'s limits are split over. For {@link
   * ShardLayout#TRANSITION} afterwards acquires use the shards both counts share, with the smaller
   * shares, so that processes still using the old count never push the total over the limit; a
   * second change waits until then.
   *
   * @throws IllegalArgumentException when the entity does not exist or {@code shards} is out of
   *     range
   * @throws IllegalStateException while the previous change is still in transition
   */
  public Entity setShards(String id, int shards) {
    EntityState current =
        state(id)
            .orElseThrow(() -> new IllegalArgumentException("entity " + id + " does not exist"));
    Entity changed =
        new Entity(id, current.entity().parentId(), current.entity().cascade(), shards);
    if (shards == current.entity().shards()) {
      return changed;
    }
    Instant now = clock.instant();
    if (current.changingShards(now)) {
      throw new IllegalStateException(
          "entity "
              + id
              + " is still changing from "
              + current.previousShards()
              + " to "
              + current.entity().shards()
              + " shards until "
              + current.shardsChangedAt().plus(ShardLayout.TRANSITION));
    }
    try {
      // An update, not a put: the item keeps every other attribute (its owner above all).
      gateway.update(
          UpdateItemRequest.builder()
              .tableName(tableName)
              .key(LimiterTableSchema.entityKey(id))
              .updateExpression(
                  "SET #shards = :shards, #previous = :current, #changedAt = :now, #max = :max")
              .conditionExpression(
                  "#kind = :entity AND (#shards = :current OR (attribute_not_exists(#shards) AND"
                      + " :current = :one))")
              .expressionAttributeNames(
                  Map.of(
                      "#shards",
                      LimiterTableSchema.SHARDS_ATTRIBUTE,
                      "#previous",
                      LimiterTableSchema.PREVIOUS_SHARDS_ATTRIBUTE,
                      "#changedAt",
                      LimiterTableSchema.SHARDS_CHANGED_AT_ATTRIBUTE,
                      "#max",
                      LimiterTableSchema.MAX_SHARDS_ATTRIBUTE,
                      "#kind",
                      LimiterTableSchema.KIND))
              .expressionAttributeValues(
                  Map.of(
                      ":shards",
                      number(shards),
                      ":current",
                      number(current.entity().shards()),
                      ":one",
                      number(1),
                      ":now",
                      number(now.toEpochMilli()),
                      ":max",
                      number(Math.max(current.maxShards(), shards)),
                      ":entity",
                      AttributeValue.fromS(LimiterTableSchema.KIND_ENTITY)))
              .build());
    } catch (ConditionalCheckFailedException e) {
      throw new IllegalStateException(
          "entity " + id + " changed while its shards were being set; read it and try again", e);
    } finally {
      cache.clear();
    }
    return changed;
  }

  private Optional<EntityState> state(String id) {
    return decode(
        id,
        gateway
            .get(
                GetItemRequest.builder()
                    .tableName(tableName)
                    .key(LimiterTableSchema.entityKey(id))
                    .consistentRead(true)
                    .build())
            .item());
  }

  /** The children of {@code parentId}, in id order (an eventually consistent index query). */
  public List<Entity> children(String parentId) {
    List<Entity> children = new ArrayList<>();
    Map<String, AttributeValue> start = null;
    do {
      QueryResponse page =
          gateway.query(
              QueryRequest.builder()
                  .tableName(tableName)
                  .indexName(LimiterTableSchema.INDEX_NAME)
                  .keyConditionExpression("#ipk = :parent")
                  .expressionAttributeNames(Map.of("#ipk", LimiterTableSchema.INDEX_PARTITION_KEY))
                  .expressionAttributeValues(
                      Map.of(
                          ":parent",
                          AttributeValue.fromS(
                              LimiterTableSchema.childrenIndexPartition(parentId))))
                  .exclusiveStartKey(start)
                  .build());
      for (Map<String, AttributeValue> item : page.items()) {
        String childId =
            item.get(LimiterTableSchema.PARTITION_KEY)
                .s()
                .substring(LimiterTableSchema.ENTITY_PREFIX.length());
        decode(childId, item).map(EntityState::entity).ifPresent(children::add);
      }
      start =
          page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()
              ? page.lastEvaluatedKey()
              : null;
    } while (start != null);
    return children;
  }

  /**
   * Deletes entity {@code id} with everything stored under it: its limits and its buckets, on every
   * shard it ever had.
   *
   * @throws IllegalStateException while it has children (delete or move them first)
   */
  public void deleteEntity(String id) {
    List<Entity> children = children(id);
    if (!children.isEmpty()) {
      throw new IllegalStateException(
          "entity " + id + " has " + children.size() + " children; delete them first");
    }
    int shards = state(id).map(EntityState::maxShards).orElse(1);
    List<Map<String, AttributeValue>> keys = new ArrayList<>();
    for (int shard = 0; shard < shards; shard++) {
      keys.addAll(partitionKeys(LimiterTableSchema.shardPartition(id, shard)));
    }
    for (int from = 0; from < keys.size(); from += BATCH_WRITE_LIMIT) {
      deleteAll(keys.subList(from, Math.min(keys.size(), from + BATCH_WRITE_LIMIT)));
    }
    cache.clear();
  }

  /** The keys of every item in {@code partition}. */
  private List<Map<String, AttributeValue>> partitionKeys(String partition) {
    List<Map<String, AttributeValue>> keys = new ArrayList<>();
    Map<String, AttributeValue> start = null;
    do {
      QueryResponse page =
          gateway.query(
              QueryRequest.builder()
                  .tableName(tableName)
                  .keyConditionExpression("#pk = :pk")
                  .expressionAttributeNames(
                      Map.of(
                          "#pk",
                          LimiterTableSchema.PARTITION_KEY,
                          "#sk",
                          LimiterTableSchema.SORT_KEY))
                  .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(partition)))
                  .projectionExpression("#pk, #sk")
                  .consistentRead(true)
                  .exclusiveStartKey(start)
                  .build());
      keys.addAll(page.items());
      start =
          page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()
              ? page.lastEvaluatedKey()
              : null;
    } while (start != null);
    return keys;
  }

  /**
   * Entity {@code id} as {@link #lookupAsync} gives it without a call: from the cache, or absent
   * while the table is known to hold no entity; empty when finding out needs a call.
   */
  Optional<Optional<EntityState>> cached(String id) {
    Optional<Optional<EntityState>> cached = cache.get(id);
    if (cached.isPresent()) {
      return cached;
    }
    return hierarchyPresent
        .get(Boolean.TRUE)
        .filter(present -> !present)
        .map(absent -> Optional.<EntityState>empty());
  }

  /**
   * Entity {@code id} as acquires see it: cached, eventually consistent, and not looked up at all
   * while the table holds no entity (one read of the hierarchy marker per cache period instead).
   */
  CompletableFuture<Optional<EntityState>> lookupAsync(String id) {
    Optional<Optional<EntityState>> cached = cache.get(id);
    if (cached.isPresent()) {
      return CompletableFuture.completedFuture(cached.get());
    }
    long generation = cache.generation();
    long markerGeneration = hierarchyPresent.generation();
    CompletableFuture<Boolean> present =
        hierarchyPresent
            .get(Boolean.TRUE)
            .map(CompletableFuture::completedFuture)
            .orElseGet(
                () ->
                    gateway
                        .getAsync(markerRequest())
                        .thenApply(
                            response ->
                                hierarchyPresent.put(
                                    Boolean.TRUE, hasMarker(response.item()), markerGeneration)));
    return present.thenCompose(
        found ->
            found
                ? gateway
                    .getAsync(lookupRequest(id))
                    .thenApply(response -> cache.put(id, decode(id, response.item()), generation))
                : CompletableFuture.completedFuture(cache.put(id, Optional.empty(), generation)));
  }

  private GetItemRequest markerRequest() {
    return GetItemRequest.builder()
        .tableName(tableName)
        .key(LimiterTableSchema.hierarchyMarkerKey())
        .build();
  }

  private static boolean hasMarker(Map<String, AttributeValue> item) {
    return item != null && !item.isEmpty();
  }

  private GetItemRequest lookupRequest(String id) {
    return GetItemRequest.builder()
        .tableName(tableName)
        .key(LimiterTableSchema.entityKey(id))
        .build();
  }

  private void deleteAll(List<Map<String, AttributeValue>> keys) {
    List<WriteRequest> pending = new ArrayList<>();
    keys.forEach(
        key ->
            pending.add(
                WriteRequest.builder()
                    .deleteRequest(DeleteRequest.builder().key(key).build())
                    .build()));
    for (int attempt = 1; !pending.isEmpty(); attempt++) {
      if (attempt > BATCH_WRITE_ATTEMPTS) {
        throw new RateLimiterException(
            "DynamoDB left "
                + pending.size()
                + " deletions unprocessed after "
                + BATCH_WRITE_ATTEMPTS
                + " attempts (throttled); deleteEntity can be called again");
      }
      BatchWriteItemResponse response =
          gateway.batchWrite(
              BatchWriteItemRequest.builder()
                  .requestItems(Map.of(tableName, List.copyOf(pending)))
                  .build());
      pending.clear();
      pending.addAll(response.unprocessedItems().getOrDefault(tableName, List.of()));
    }
  }

  private static Optional<EntityState> decode(String id, Map<String, AttributeValue> item) {
    if (item == null || item.isEmpty()) {
      return Optional.empty();
    }
    AttributeValue kind = item.get(LimiterTableSchema.KIND);
    if (kind == null || !LimiterTableSchema.KIND_ENTITY.equals(kind.s())) {
      throw new MalformedItemException(
          "the item under entity " + id + "'s key is not an entity item");
    }
    AttributeValue parent = item.get(LimiterTableSchema.PARENT_ATTRIBUTE);
    AttributeValue cascade = item.get(LimiterTableSchema.CASCADE_ATTRIBUTE);
    try {
      int shards = intAttribute(item, LimiterTableSchema.SHARDS_ATTRIBUTE, 1);
      Entity entity =
          new Entity(
              id,
              parent == null ? null : Objects.requireNonNull(parent.s(), "parent"),
              cascade != null && Boolean.TRUE.equals(cascade.bool()),
              shards);
      AttributeValue changedAt = item.get(LimiterTableSchema.SHARDS_CHANGED_AT_ATTRIBUTE);
      int previous = intAttribute(item, LimiterTableSchema.PREVIOUS_SHARDS_ATTRIBUTE, shards);
      return Optional.of(
          new EntityState(
              entity,
              previous,
              changedAt == null ? null : Instant.ofEpochMilli(Long.parseLong(changedAt.n())),
              Math.max(
                  intAttribute(item, LimiterTableSchema.MAX_SHARDS_ATTRIBUTE, 1),
                  Math.max(shards, previous))));
    } catch (RuntimeException e) {
      throw new MalformedItemException("entity " + id + " is malformed: " + e.getMessage());
    }
  }

  private static int intAttribute(Map<String, AttributeValue> item, String name, int absent) {
    AttributeValue value = item.get(name);
    return value == null ? absent : Integer.parseInt(value.n());
  }

  private static AttributeValue number(long value) {
    return AttributeValue.fromN(Long.toString(value));
  }
}
