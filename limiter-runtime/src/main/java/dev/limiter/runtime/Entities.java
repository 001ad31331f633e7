package dev.limiter.runtime;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
import software.amazon.awssdk.services.dynamodb.model.DeleteRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * The hierarchy of entities in the limiter table: create, read, list children, delete. Acquires
 * look entities up through a per-process cache with the same TTL as stored limits, so a change
 * made elsewhere applies here within that TTL and one made through this instance at once.
 */
public final class Entities {

  /** BatchWriteItem takes at most 25 requests. */
  private static final int BATCH_WRITE_LIMIT = 25;
  private static final int BATCH_WRITE_ATTEMPTS = 5;

  private final String tableName;
  private final DynamoDbGateway gateway;
  private final TtlCache<String, Optional<Entity>> cache;
  private final TtlCache<Boolean, Boolean> hierarchyPresent;

  Entities(String tableName, DynamoDbGateway gateway, Clock clock, Duration ttl, int maxEntries) {
    this.tableName = tableName;
    this.gateway = gateway;
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
    Entity entity = new Entity(id, parentId, cascade);
    List<TransactWriteItem> writes = new ArrayList<>();
    writes.add(TransactWriteItem.builder().put(Put.builder()
        .tableName(tableName)
        .item(item(entity))
        .conditionExpression("attribute_not_exists(#pk)")
        .expressionAttributeNames(Map.of("#pk", LimiterTableSchema.PARTITION_KEY))
        .build()).build());
    Map<String, AttributeValue> marker = new LinkedHashMap<>(LimiterTableSchema.hierarchyMarkerKey());
    marker.put(LimiterTableSchema.KIND, AttributeValue.fromS(LimiterTableSchema.KIND_HIERARCHY));
    writes.add(TransactWriteItem.builder().put(Put.builder().tableName(tableName).item(marker).build()).build());
    if (parentId != null) {
      writes.add(TransactWriteItem.builder().conditionCheck(ConditionCheck.builder()
          .tableName(tableName)
          .key(LimiterTableSchema.entityKey(parentId))
          .conditionExpression("#kind = :entity")
          .expressionAttributeNames(Map.of("#kind", LimiterTableSchema.KIND))
          .expressionAttributeValues(Map.of(":entity", AttributeValue.fromS(LimiterTableSchema.KIND_ENTITY)))
          .build()).build());
    }
    try {
      gateway.transactWrite(TransactWriteItemsRequest.builder().transactItems(writes).build());
    } catch (TransactionCanceledException e) {
      List<CancellationReason> reasons = e.cancellationReasons();
      if (!reasons.isEmpty() && "ConditionalCheckFailed".equals(reasons.get(0).code())) {
        throw new IllegalStateException("entity " + id + " exists already", e);
      }
      if (reasons.size() > 2 && "ConditionalCheckFailed".equals(reasons.get(2).code())) {
        throw new IllegalArgumentException("parent entity " + parentId + " of " + id + " does not exist", e);
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
    return decode(id, gateway.get(GetItemRequest.builder()
        .tableName(tableName).key(LimiterTableSchema.entityKey(id)).consistentRead(true).build()).item());
  }

  /** The children of {@code parentId}, in id order (an eventually consistent index query). */
  public List<Entity> children(String parentId) {
    List<Entity> children = new ArrayList<>();
    Map<String, AttributeValue> start = null;
    do {
      QueryResponse page = gateway.query(QueryRequest.builder()
          .tableName(tableName)
          .indexName(LimiterTableSchema.INDEX_NAME)
          .keyConditionExpression("#ipk = :parent")
          .expressionAttributeNames(Map.of("#ipk", LimiterTableSchema.INDEX_PARTITION_KEY))
          .expressionAttributeValues(Map.of(":parent", AttributeValue.fromS(LimiterTableSchema.childrenIndexPartition(parentId))))
          .exclusiveStartKey(start)
          .build());
      for (Map<String, AttributeValue> item : page.items()) {
        String childId = item.get(LimiterTableSchema.PARTITION_KEY).s().substring(LimiterTableSchema.ENTITY_PREFIX.length());
        decode(childId, item).ifPresent(children::add);
      }
      start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
    } while (start != null);
    return children;
  }

  /**
   * Deletes entity {@code id} with everything stored under it: its limits and its buckets.
   *
   * @throws IllegalStateException while it has children (delete or move them first)
   */
  public void deleteEntity(String id) {
    List<Entity> children = children(id);
    if (!children.isEmpty()) {
      throw new IllegalStateException("entity " + id + " has " + children.size() + " children; delete them first");
    }
    List<Map<String, AttributeValue>> keys = new ArrayList<>();
    Map<String, AttributeValue> start = null;
    do {
      QueryResponse page = gateway.query(QueryRequest.builder()
          .tableName(tableName)
          .keyConditionExpression("#pk = :pk")
          .expressionAttributeNames(Map.of("#pk", LimiterTableSchema.PARTITION_KEY, "#sk", LimiterTableSchema.SORT_KEY))
          .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(LimiterTableSchema.entityPartition(id))))
          .projectionExpression("#pk, #sk")
          .consistentRead(true)
          .exclusiveStartKey(start)
          .build());
      keys.addAll(page.items());
      start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
    } while (start != null);
    for (int from = 0; from < keys.size(); from += BATCH_WRITE_LIMIT) {
      deleteAll(keys.subList(from, Math.min(keys.size(), from + BATCH_WRITE_LIMIT)));
    }
    cache.clear();
  }

  /**
   * Entity {@code id} as acquires see it: cached, eventually consistent, and not looked up at all
   * while the table holds no entity (one read of the hierarchy marker per cache period instead).
   */
  Optional<Entity> lookup(String id) {
    Optional<Optional<Entity>> cached = cache.get(id);
    if (cached.isPresent()) {
      return cached.get();
    }
    boolean present = hierarchyPresent.get(Boolean.TRUE)
        .orElseGet(() -> hierarchyPresent.put(Boolean.TRUE, hasMarker(gateway.get(markerRequest()).item())));
    return cache.put(id, present ? decode(id, gateway.get(lookupRequest(id)).item()) : Optional.empty());
  }

  /** As {@link #lookup}, without blocking. */
  CompletableFuture<Optional<Entity>> lookupAsync(String id) {
    Optional<Optional<Entity>> cached = cache.get(id);
    if (cached.isPresent()) {
      return CompletableFuture.completedFuture(cached.get());
    }
    CompletableFuture<Boolean> present = hierarchyPresent.get(Boolean.TRUE).map(CompletableFuture::completedFuture)
        .orElseGet(() -> gateway.getAsync(markerRequest())
            .thenApply(response -> hierarchyPresent.put(Boolean.TRUE, hasMarker(response.item()))));
    return present.thenCompose(found -> found
        ? gateway.getAsync(lookupRequest(id)).thenApply(response -> cache.put(id, decode(id, response.item())))
        : CompletableFuture.completedFuture(cache.put(id, Optional.empty())));
  }

  private GetItemRequest markerRequest() {
    return GetItemRequest.builder().tableName(tableName).key(LimiterTableSchema.hierarchyMarkerKey()).build();
  }

  private static boolean hasMarker(Map<String, AttributeValue> item) {
    return item != null && !item.isEmpty();
  }

  private GetItemRequest lookupRequest(String id) {
    return GetItemRequest.builder().tableName(tableName).key(LimiterTableSchema.entityKey(id)).build();
  }

  private void deleteAll(List<Map<String, AttributeValue>> keys) {
    List<WriteRequest> pending = new ArrayList<>();
    keys.forEach(key -> pending.add(WriteRequest.builder().deleteRequest(DeleteRequest.builder().key(key).build()).build()));
    for (int attempt = 1; !pending.isEmpty(); attempt++) {
      if (attempt > BATCH_WRITE_ATTEMPTS) {
        throw new RateLimiterException("DynamoDB left " + pending.size() + " deletions unprocessed after "
            + BATCH_WRITE_ATTEMPTS + " attempts (throttled); deleteEntity can be called again");
      }
      BatchWriteItemResponse response = gateway.batchWrite(
          BatchWriteItemRequest.builder().requestItems(Map.of(tableName, List.copyOf(pending))).build());
      pending.clear();
      pending.addAll(response.unprocessedItems().getOrDefault(tableName, List.of()));
    }
  }

  private static Map<String, AttributeValue> item(Entity entity) {
    Map<String, AttributeValue> item = new LinkedHashMap<>(LimiterTableSchema.entityKey(entity.id()));
    item.put(LimiterTableSchema.KIND, AttributeValue.fromS(LimiterTableSchema.KIND_ENTITY));
    if (entity.parentId() != null) {
      item.put(LimiterTableSchema.PARENT_ATTRIBUTE, AttributeValue.fromS(entity.parentId()));
      item.put(LimiterTableSchema.CASCADE_ATTRIBUTE, AttributeValue.fromBool(entity.cascade()));
      item.put(LimiterTableSchema.INDEX_PARTITION_KEY, AttributeValue.fromS(LimiterTableSchema.childrenIndexPartition(entity.parentId())));
      item.put(LimiterTableSchema.INDEX_SORT_KEY, AttributeValue.fromS(LimiterTableSchema.entityPartition(entity.id())));
    }
    return item;
  }

  private static Optional<Entity> decode(String id, Map<String, AttributeValue> item) {
    if (item == null || item.isEmpty()) {
      return Optional.empty();
    }
    AttributeValue kind = item.get(LimiterTableSchema.KIND);
    if (kind == null || !LimiterTableSchema.KIND_ENTITY.equals(kind.s())) {
      throw new MalformedItemException("the item under entity " + id + "'s key is not an entity item");
    }
    AttributeValue parent = item.get(LimiterTableSchema.PARENT_ATTRIBUTE);
    AttributeValue cascade = item.get(LimiterTableSchema.CASCADE_ATTRIBUTE);
    try {
      return Optional.of(new Entity(id, parent == null ? null : Objects.requireNonNull(parent.s(), "parent"),
          cascade != null && Boolean.TRUE.equals(cascade.bool())));
    } catch (RuntimeException e) {
      throw new MalformedItemException("entity " + id + " is malformed: " + e.getMessage());
    }
  }
}
