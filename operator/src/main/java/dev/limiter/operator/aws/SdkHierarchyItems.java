package dev.limiter.operator.aws;

import dev.limiter.operator.plan.hierarchy.DesiredItem;
import dev.limiter.operator.plan.hierarchy.EntityShards;
import dev.limiter.operator.plan.hierarchy.ItemKey;
import dev.limiter.runtime.LimiterItems;
import dev.limiter.runtime.LimiterTableSchema;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.DeleteRequest;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * {@link HierarchyItems} over AWS SDK v2: manifest reads are one paginated Query, holder checks
 * BatchGetItem (100 keys a call), writes BatchWriteItem (25 a call) with unprocessed items retried
 * a bounded number of times. Items are written before their manifest entries and deleted before
 * them, so an interrupted pass leaves nothing the next pass cannot recognise as its own.
 */
public final class SdkHierarchyItems implements HierarchyItems {

  private static final int GET_BATCH = 100;
  private static final int WRITE_BATCH = 25;
  private static final int ATTEMPTS = 8;

  private final DynamoDbClient client;

  /** Items through {@code client}. */
  public SdkHierarchyItems(DynamoDbClient client) {
    this.client = client;
  }

  @Override
  public Map<ItemKey, String> manifest(String table, String owner) {
    Map<ItemKey, String> manifest = new HashMap<>();
    Map<String, AttributeValue> start = null;
    do {
      Map<String, AttributeValue> from = start;
      QueryResponse page = client.query(q -> q.tableName(table)
          .keyConditionExpression("#pk = :pk")
          .expressionAttributeNames(Map.of("#pk", LimiterTableSchema.PARTITION_KEY))
          .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(LimiterTableSchema.manifestPartition(owner))))
          .consistentRead(true)
          .exclusiveStartKey(from));
      for (Map<String, AttributeValue> entry : page.items()) {
        String sort = entry.get(LimiterTableSchema.SORT_KEY).s();
        int separator = sort.indexOf(LimiterTableSchema.MANIFEST_SEPARATOR);
        manifest.put(new ItemKey(sort.substring(0, separator), sort.substring(separator + 1)),
            entry.get(LimiterTableSchema.DIGEST_ATTRIBUTE).s());
      }
      start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
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
  public Map<ItemKey, EntityShards> shards(String table, Collection<ItemKey> keys) {
    Map<ItemKey, EntityShards> shards = new HashMap<>();
    for (Map<String, AttributeValue> item : read(table, keys, List.of(LimiterTableSchema.SHARDS_ATTRIBUTE,
        LimiterTableSchema.PREVIOUS_SHARDS_ATTRIBUTE, LimiterTableSchema.SHARDS_CHANGED_AT_ATTRIBUTE))) {
      int current = number(item, LimiterTableSchema.SHARDS_ATTRIBUTE, 1);
      AttributeValue changedAt = item.get(LimiterTableSchema.SHARDS_CHANGED_AT_ATTRIBUTE);
      shards.put(ItemKey.of(item), new EntityShards(current, number(item, LimiterTableSchema.PREVIOUS_SHARDS_ATTRIBUTE, current),
          changedAt == null ? null : Instant.ofEpochMilli(Long.parseLong(changedAt.n()))));
    }
    return shards;
  }

  /** The items at {@code keys} that exist, with their key and {@code attributes}: strongly consistent, 100 keys a call. */
  private List<Map<String, AttributeValue>> read(String table, Collection<ItemKey> keys, List<String> attributes) {
    Map<String, String> names = new HashMap<>(Map.of("#pk", LimiterTableSchema.PARTITION_KEY, "#sk", LimiterTableSchema.SORT_KEY));
    List<String> projection = new ArrayList<>(List.of("#pk", "#sk"));
    for (int i = 0; i < attributes.size(); i++) {
      names.put("#a" + i, attributes.get(i));
      projection.add("#a" + i);
    }
    List<Map<String, AttributeValue>> found = new ArrayList<>();
    List<ItemKey> all = List.copyOf(keys);
    for (int from = 0; from < all.size(); from += GET_BATCH) {
      List<Map<String, AttributeValue>> pending = all.subList(from, Math.min(all.size(), from + GET_BATCH)).stream()
          .map(ItemKey::attributes).toList();
      for (int attempt = 1; !pending.isEmpty(); attempt++) {
        requireAttempt(attempt, pending.size(), "reads");
        List<Map<String, AttributeValue>> batch = pending;
        BatchGetItemResponse response = client.batchGetItem(b -> b.requestItems(Map.of(table, KeysAndAttributes.builder()
            .keys(batch).consistentRead(true)
            .projectionExpression(String.join(", ", projection))
            .expressionAttributeNames(names)
            .build())));
        found.addAll(response.responses().getOrDefault(table, List.of()));
        KeysAndAttributes unprocessed = response.unprocessedKeys().get(table);
        pending = unprocessed == null ? List.of() : unprocessed.keys();
      }
    }
    return found;
  }

  private static int number(Map<String, AttributeValue> item, String attribute, int absent) {
    AttributeValue value = item.get(attribute);
    return value == null ? absent : Integer.parseInt(value.n());
  }

  @Override
  public void put(String table, String owner, List<DesiredItem> items) {
    if (items.isEmpty()) {
      return;
    }
    List<WriteRequest> writes = new ArrayList<>();
    writes.add(put(LimiterItems.hierarchyMarker()));
    items.forEach(item -> writes.add(put(item.item().get())));
    write(table, writes);
    List<WriteRequest> manifest = new ArrayList<>();
    for (DesiredItem item : items) {
      Map<String, AttributeValue> entry = new HashMap<>(manifestKey(owner, item.key()));
      entry.put(LimiterTableSchema.KIND, AttributeValue.fromS(LimiterTableSchema.KIND_MANIFEST));
      entry.put(LimiterTableSchema.DIGEST_ATTRIBUTE, AttributeValue.fromS(item.digest()));
      manifest.add(put(entry));
    }
    write(table, manifest);
  }

  @Override
  public void delete(String table, String owner, List<ItemKey> keys) {
    write(table, keys.stream().map(key -> delete(key.attributes())).toList());
    write(table, keys.stream().map(key -> delete(manifestKey(owner, key))).toList());
  }

  private void write(String table, List<WriteRequest> requests) {
    for (int from = 0; from < requests.size(); from += WRITE_BATCH) {
      List<WriteRequest> pending = requests.subList(from, Math.min(requests.size(), from + WRITE_BATCH));
      for (int attempt = 1; !pending.isEmpty(); attempt++) {
        requireAttempt(attempt, pending.size(), "writes");
        List<WriteRequest> batch = pending;
        BatchWriteItemResponse response = client.batchWriteItem(b -> b.requestItems(Map.of(table, batch)));
        pending = response.unprocessedItems().getOrDefault(table, List.of());
      }
    }
  }

  /** Throttled batches are retried by the SDK and here; past that the pass fails and is retried later. */
  private static void requireAttempt(int attempt, int left, String what) {
    if (attempt > ATTEMPTS) {
      throw SdkClientException.create("DynamoDB left " + left + " " + what + " unprocessed after " + ATTEMPTS
          + " attempts (throttled)");
    }
  }

  private static Map<String, AttributeValue> manifestKey(String owner, ItemKey key) {
    return Map.of(
        LimiterTableSchema.PARTITION_KEY, AttributeValue.fromS(LimiterTableSchema.manifestPartition(owner)),
        LimiterTableSchema.SORT_KEY, AttributeValue.fromS(LimiterTableSchema.manifestSort(key.partition(), key.sort())));
  }

  private static WriteRequest put(Map<String, AttributeValue> item) {
    return WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build();
  }

  private static WriteRequest delete(Map<String, AttributeValue> key) {
    return WriteRequest.builder().deleteRequest(DeleteRequest.builder().key(key).build()).build();
  }
}
