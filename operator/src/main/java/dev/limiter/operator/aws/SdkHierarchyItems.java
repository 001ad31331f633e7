package dev.limiter.operator.aws;

import dev.limiter.operator.plan.hierarchy.DesiredItem;
import dev.limiter.operator.plan.hierarchy.EntityShards;
import dev.limiter.operator.plan.hierarchy.HierarchyPlan;
import dev.limiter.operator.plan.hierarchy.HierarchyPlanner;
import dev.limiter.operator.plan.hierarchy.ItemKey;
import dev.limiter.operator.plan.hierarchy.RemovedEntity;
import dev.limiter.runtime.LimiterItems;
import dev.limiter.runtime.LimiterTableSchema;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DeleteRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexDescription;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.RequestLimitExceededException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * {@link HierarchyItems} over AWS SDK v2. Items are claimed with a conditional PutItem ({@code
 * attribute_not_exists(pk) OR owner = :me}) and released with a conditional DeleteItem ({@code
 * owner = :me}); manifest entries and buckets go in BatchWriteItem (25 a call), holder checks in
 * BatchGetItem (100 keys a call). Unprocessed items and throttled calls are retried with
 * exponential backoff and full jitter a bounded number of times; past that the pass fails and is
 * retried later.
 */
public final class SdkHierarchyItems implements HierarchyItems {

  private static final int GET_BATCH = 100;
  private static final int WRITE_BATCH = 25;
  private static final String CLAIMABLE = "attribute_not_exists(#pk) OR #owner = :me";
  private static final String HELD = "#owner = :me";

  private final DynamoDbClient client;
  private final Backoff backoff;
  private final Sleeper sleeper;
  private final DoubleSupplier random;

  /** Items through {@code client}, backing off by {@link Backoff#DEFAULT}. */
  public SdkHierarchyItems(DynamoDbClient client) {
    this(client, Backoff.DEFAULT, Sleeper.THREAD, () -> ThreadLocalRandom.current().nextDouble());
  }

  /**
   * Items through {@code client}, backing off by {@code backoff} with {@code sleeper} and {@code
   * random} draws in [0, 1).
   */
  public SdkHierarchyItems(
      DynamoDbClient client, Backoff backoff, Sleeper sleeper, DoubleSupplier random) {
    this.client = client;
    this.backoff = backoff;
    this.sleeper = sleeper;
    this.random = random;
  }

  @Override
  public TableFacts describe(String table) {
    TableDescription description =
        throttled(() -> client.describeTable(d -> d.tableName(table)).table());
    boolean onDemand =
        description.billingModeSummary() != null
            && description.billingModeSummary().billingMode() == BillingMode.PAY_PER_REQUEST;
    Long units = null;
    if (!onDemand
        && description.provisionedThroughput() != null
        && description.provisionedThroughput().writeCapacityUnits() != null
        && description.provisionedThroughput().writeCapacityUnits() > 0) {
      units = description.provisionedThroughput().writeCapacityUnits();
      for (GlobalSecondaryIndexDescription index : description.globalSecondaryIndexes()) {
        if (index.provisionedThroughput() != null
            && index.provisionedThroughput().writeCapacityUnits() != null
            && index.provisionedThroughput().writeCapacityUnits() > 0) {
          units = Math.min(units, index.provisionedThroughput().writeCapacityUnits());
        }
      }
    }
    return new TableFacts(description.tableArn(), description.creationDateTime(), units);
  }

  @Override
  public Optional<String> appliedDigest(String table, String owner) {
    Map<String, AttributeValue> marker =
        throttled(
            () ->
                client
                    .getItem(
                        g ->
                            g.tableName(table)
                                .key(LimiterTableSchema.ownerMarkerKey(owner))
                                .consistentRead(true))
                    .item());
    if (marker == null
        || marker.isEmpty()
        || marker.get(LimiterTableSchema.DIGEST_ATTRIBUTE) == null) {
      return Optional.empty();
    }
    return Optional.ofNullable(marker.get(LimiterTableSchema.DIGEST_ATTRIBUTE).s());
  }

  @Override
  public void markApplied(String table, String owner, String digest) {
    throttled(
        () ->
            client.putItem(p -> p.tableName(table).item(LimiterItems.ownerMarker(owner, digest))));
  }

  @Override
  public void unmark(String table, String owner) {
    throttled(
        () ->
            client.deleteItem(
                d -> d.tableName(table).key(LimiterTableSchema.ownerMarkerKey(owner))));
  }

  @Override
  public Map<ItemKey, String> manifest(String table, String owner) {
    Map<ItemKey, String> manifest = new HashMap<>();
    Map<String, AttributeValue> start = null;
    do {
      Map<String, AttributeValue> from = start;
      QueryResponse page =
          throttled(
              () ->
                  client.query(
                      q ->
                          q.tableName(table)
                              .keyConditionExpression("#pk = :pk")
                              .expressionAttributeNames(
                                  Map.of("#pk", LimiterTableSchema.PARTITION_KEY))
                              .expressionAttributeValues(
                                  Map.of(
                                      ":pk",
                                      AttributeValue.fromS(
                                          LimiterTableSchema.manifestPartition(owner))))
                              .consistentRead(true)
                              .exclusiveStartKey(from)));
      for (Map<String, AttributeValue> entry : page.items()) {
        String sort = entry.get(LimiterTableSchema.SORT_KEY).s();
        int separator = sort.indexOf(LimiterTableSchema.MANIFEST_SEPARATOR);
        if (separator < 0) {
          continue; // the owner's marker shares the partition
        }
        manifest.put(
            new ItemKey(sort.substring(0, separator), sort.substring(separator + 1)),
            entry.get(LimiterTableSchema.DIGEST_ATTRIBUTE).s());
      }
      start =
          page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()
              ? page.lastEvaluatedKey()
              : null;
    } while (start != null);
    return manifest;
  }

  @Override
  public Map<ItemKey, Optional<String>> holders(String table, Collection<ItemKey> keys) {
    Map<ItemKey, Optional<String>> holders = new HashMap<>();
    read(table, keys, List.of(LimiterTableSchema.OWNER_ATTRIBUTE))
        .forEach(item -> holders.put(ItemKey.of(item), LimiterItems.owner(item)));
    return holders;
  }

  @Override
  public EntityRecords entities(String table, Collection<ItemKey> keys) {
    List<ItemKey> all = new ArrayList<>(keys);
    Map<ItemKey, ItemKey> entityOfRecord = new HashMap<>();
    for (ItemKey key : keys) {
      ItemKey record =
          ItemKey.of(LimiterTableSchema.removedEntityKey(HierarchyPlanner.entityId(key)));
      entityOfRecord.put(record, key);
      all.add(record);
    }
    Map<ItemKey, EntityShards> live = new HashMap<>();
    Map<ItemKey, RemovedEntity> removed = new HashMap<>();
    for (Map<String, AttributeValue> item :
        read(
            table,
            all,
            List.of(
                LimiterTableSchema.SHARDS_ATTRIBUTE,
                LimiterTableSchema.PREVIOUS_SHARDS_ATTRIBUTE,
                LimiterTableSchema.SHARDS_CHANGED_AT_ATTRIBUTE,
                LimiterTableSchema.MAX_SHARDS_ATTRIBUTE,
                LimiterTableSchema.REMOVED_AT_ATTRIBUTE))) {
      int current = number(item, LimiterTableSchema.SHARDS_ATTRIBUTE, 1);
      int previous = number(item, LimiterTableSchema.PREVIOUS_SHARDS_ATTRIBUTE, current);
      EntityShards shards =
          new EntityShards(
              current,
              previous,
              instant(item, LimiterTableSchema.SHARDS_CHANGED_AT_ATTRIBUTE),
              number(item, LimiterTableSchema.MAX_SHARDS_ATTRIBUTE, Math.max(current, previous)));
      ItemKey key = ItemKey.of(item);
      if (entityOfRecord.containsKey(key)) {
        Instant removedAt = instant(item, LimiterTableSchema.REMOVED_AT_ATTRIBUTE);
        if (removedAt != null) {
          removed.put(entityOfRecord.get(key), new RemovedEntity(shards, removedAt));
        }
      } else {
        live.put(key, shards);
      }
    }
    return new EntityRecords(live, removed);
  }

  /**
   * The items at {@code keys} that exist, with their key and {@code attributes}: strongly
   * consistent, 100 keys a call.
   */
  private List<Map<String, AttributeValue>> read(
      String table, Collection<ItemKey> keys, List<String> attributes) {
    Map<String, String> names =
        new HashMap<>(
            Map.of("#pk", LimiterTableSchema.PARTITION_KEY, "#sk", LimiterTableSchema.SORT_KEY));
    List<String> projection = new ArrayList<>(List.of("#pk", "#sk"));
    for (int i = 0; i < attributes.size(); i++) {
      names.put("#a" + i, attributes.get(i));
      projection.add("#a" + i);
    }
    List<Map<String, AttributeValue>> found = new ArrayList<>();
    List<ItemKey> all = List.copyOf(keys);
    for (int from = 0; from < all.size(); from += GET_BATCH) {
      List<Map<String, AttributeValue>> pending =
          all.subList(from, Math.min(all.size(), from + GET_BATCH)).stream()
              .map(ItemKey::attributes)
              .toList();
      for (int attempt = 1; !pending.isEmpty(); attempt++) {
        pause(attempt, pending.size(), "reads");
        List<Map<String, AttributeValue>> batch = pending;
        BatchGetItemResponse response =
            throttled(
                () ->
                    client.batchGetItem(
                        b ->
                            b.requestItems(
                                Map.of(
                                    table,
                                    KeysAndAttributes.builder()
                                        .keys(batch)
                                        .consistentRead(true)
                                        .projectionExpression(String.join(", ", projection))
                                        .expressionAttributeNames(names)
                                        .build()))));
        found.addAll(response.responses().getOrDefault(table, List.of()));
        KeysAndAttributes unprocessed = response.unprocessedKeys().get(table);
        pending = unprocessed == null ? List.of() : unprocessed.keys();
      }
    }
    return found;
  }

  @Override
  public void markEntities(String table) {
    throttled(() -> client.putItem(p -> p.tableName(table).item(LimiterItems.hierarchyMarker())));
  }

  @Override
  public Optional<HierarchyPlan.Conflict> claim(
      String table, String owner, Map<String, AttributeValue> item) {
    try {
      throttled(
          () ->
              client.putItem(
                  p ->
                      p.tableName(table)
                          .item(item)
                          .conditionExpression(CLAIMABLE)
                          .expressionAttributeNames(
                              Map.of(
                                  "#pk",
                                  LimiterTableSchema.PARTITION_KEY,
                                  "#owner",
                                  LimiterTableSchema.OWNER_ATTRIBUTE))
                          .expressionAttributeValues(Map.of(":me", AttributeValue.fromS(owner)))
                          .returnValuesOnConditionCheckFailure(
                              ReturnValuesOnConditionCheckFailure.ALL_OLD)));
      return Optional.empty();
    } catch (ConditionalCheckFailedException e) {
      Map<String, AttributeValue> held = e.hasItem() ? e.item() : Map.of();
      return Optional.of(
          new HierarchyPlan.Conflict(ItemKey.of(item), LimiterItems.owner(held).orElse(null)));
    }
  }

  @Override
  public void record(String table, String owner, List<DesiredItem> items) {
    List<WriteRequest> entries = new ArrayList<>();
    for (DesiredItem item : items) {
      Map<String, AttributeValue> entry = new HashMap<>(manifestKey(owner, item.key()));
      entry.put(LimiterTableSchema.KIND, AttributeValue.fromS(LimiterTableSchema.KIND_MANIFEST));
      entry.put(LimiterTableSchema.DIGEST_ATTRIBUTE, AttributeValue.fromS(item.digest()));
      entries.add(
          WriteRequest.builder().putRequest(PutRequest.builder().item(entry).build()).build());
    }
    write(table, entries);
  }

  @Override
  public void release(String table, String owner, ItemKey key) {
    try {
      throttled(
          () ->
              client.deleteItem(
                  d ->
                      d.tableName(table)
                          .key(key.attributes())
                          .conditionExpression(HELD)
                          .expressionAttributeNames(
                              Map.of("#owner", LimiterTableSchema.OWNER_ATTRIBUTE))
                          .expressionAttributeValues(Map.of(":me", AttributeValue.fromS(owner)))));
    } catch (ConditionalCheckFailedException e) {
      // Gone already, or someone else's now: either way not this owner's to delete.
    }
  }

  @Override
  public List<ItemKey> buckets(String table, String partition) {
    List<ItemKey> keys = new ArrayList<>();
    Map<String, AttributeValue> start = null;
    do {
      Map<String, AttributeValue> from = start;
      QueryResponse page =
          throttled(
              () ->
                  client.query(
                      q ->
                          q.tableName(table)
                              .keyConditionExpression("#pk = :pk AND begins_with(#sk, :bucket)")
                              .expressionAttributeNames(
                                  Map.of(
                                      "#pk",
                                      LimiterTableSchema.PARTITION_KEY,
                                      "#sk",
                                      LimiterTableSchema.SORT_KEY))
                              .expressionAttributeValues(
                                  Map.of(
                                      ":pk",
                                      AttributeValue.fromS(partition),
                                      ":bucket",
                                      AttributeValue.fromS(LimiterTableSchema.bucketSortPrefix())))
                              .projectionExpression("#pk, #sk")
                              .consistentRead(true)
                              .exclusiveStartKey(from)));
      page.items().forEach(item -> keys.add(ItemKey.of(item)));
      start =
          page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()
              ? page.lastEvaluatedKey()
              : null;
    } while (start != null);
    return keys;
  }

  @Override
  public void deleteBuckets(String table, List<ItemKey> keys) {
    write(table, keys.stream().map(key -> delete(key.attributes())).toList());
  }

  @Override
  public void recordRemoval(String table, Map<String, AttributeValue> removedRecord) {
    throttled(() -> client.putItem(p -> p.tableName(table).item(removedRecord)));
  }

  @Override
  public void forget(String table, String owner, List<ItemKey> keys) {
    write(table, keys.stream().map(key -> delete(manifestKey(owner, key))).toList());
  }

  private void write(String table, List<WriteRequest> requests) {
    for (int from = 0; from < requests.size(); from += WRITE_BATCH) {
      List<WriteRequest> pending =
          requests.subList(from, Math.min(requests.size(), from + WRITE_BATCH));
      for (int attempt = 1; !pending.isEmpty(); attempt++) {
        pause(attempt, pending.size(), "writes");
        List<WriteRequest> batch = pending;
        BatchWriteItemResponse response =
            throttled(() -> client.batchWriteItem(b -> b.requestItems(Map.of(table, batch))));
        pending = response.unprocessedItems().getOrDefault(table, List.of());
      }
    }
  }

  /**
   * Before attempt {@code attempt} at what DynamoDB left unprocessed: backs off, or gives up past
   * the last attempt.
   */
  private void pause(int attempt, int left, String what) {
    if (attempt == 1) {
      return;
    }
    if (attempt > backoff.attempts()) {
      throw SdkClientException.create(
          "DynamoDB left "
              + left
              + " "
              + what
              + " unprocessed after "
              + backoff.attempts()
              + " attempts (throttled)");
    }
    sleeper.sleep(backoff.delay(attempt - 1, random.getAsDouble()));
  }

  /**
   * {@code call}, retried with backoff while DynamoDB throttles it (past the SDK's own retries).
   */
  private <T> T throttled(Supplier<T> call) {
    for (int attempt = 1; ; attempt++) {
      try {
        return call.get();
      } catch (AwsServiceException e) {
        if (!throttling(e) || attempt >= backoff.attempts()) {
          throw e;
        }
        sleeper.sleep(backoff.delay(attempt, random.getAsDouble()));
      }
    }
  }

  private static boolean throttling(AwsServiceException e) {
    return e instanceof ProvisionedThroughputExceededException
        || e instanceof RequestLimitExceededException
        || e.isThrottlingException();
  }

  private static int number(Map<String, AttributeValue> item, String attribute, int absent) {
    AttributeValue value = item.get(attribute);
    return value == null ? absent : Integer.parseInt(value.n());
  }

  private static Instant instant(Map<String, AttributeValue> item, String attribute) {
    AttributeValue value = item.get(attribute);
    return value == null ? null : Instant.ofEpochMilli(Long.parseLong(value.n()));
  }

  private static Map<String, AttributeValue> manifestKey(String owner, ItemKey key) {
    return Map.of(
        LimiterTableSchema.PARTITION_KEY,
            AttributeValue.fromS(LimiterTableSchema.manifestPartition(owner)),
        LimiterTableSchema.SORT_KEY,
            AttributeValue.fromS(LimiterTableSchema.manifestSort(key.partition(), key.sort())));
  }

  private static WriteRequest delete(Map<String, AttributeValue> key) {
    return WriteRequest.builder().deleteRequest(DeleteRequest.builder().key(key).build()).build();
  }
}
