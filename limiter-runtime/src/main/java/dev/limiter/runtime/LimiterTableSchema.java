package dev.limiter.runtime;

import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.OnDemandThroughput;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughput;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * The one definition of the limiter table: key schema, attribute definitions, the index, and the
 * key formats of every item kind. The operator creates tables and writes items through this class.
 *
 * <p>Items:
 *
 * <ul>
 *   <li>bucket — {@code pk = "E#<entityId>"}, {@code sk = "B#<resource>"}, {@code kind = "bucket"},
 *       one number attribute {@code "t:<limit>"} per limit holding its GCRA theoretical arrival
 *       time in epoch nanoseconds, {@code lw} and {@code pw} (the ids of the last two writes, by
 *       which a retried write recognises its own earlier effect) and {@code ttl} (epoch seconds at
 *       which every limit is certainly full again, so DynamoDB TTL may delete the item). Buckets
 *       never carry index attributes, so an acquire's write is never replicated into an index and
 *       costs exactly one WCU (items stay under 1 KB).
 *   <li>entity — {@code pk = "E#<entityId>"}, {@code sk = "M#"}, {@code kind = "entity"}, optional
 *       {@code parent} (an entity id) and {@code cascade} (boolean: an acquire on this entity also
 *       consumes its parent), {@code shards} (N &gt; 1: each limit is split over N bucket items,
 *       shard {@code k > 0} under {@code pk = "E#<entityId>#<k>"}, shard 0 under the entity's own
 *       partition) with {@code previousShards} and {@code shardsChangedAt} for the transition after
 *       a change, and {@code maxShards} (the most shards its buckets ever had, when more than
 *       {@code shards}) so that removing it finds every bucket. A child carries the index keys
 *       {@code gsi1pk = "P#<parentId>"}, {@code gsi1sk = "E#<entityId>"}, so a parent's children
 *       are one index query.
 *   <li>removed entity — {@code pk = "E#<entityId>"}, {@code sk = "X#"}, {@code kind =
 *       "removedEntity"}: the shard state an entity had when it was removed ({@code shards}, {@code
 *       previousShards}, {@code shardsChangedAt}, {@code maxShards}) and {@code removedAt} (epoch
 *       milliseconds), so that adding it back with another count goes through the transition;
 *       expires ({@value #TTL_ATTRIBUTE}) once no process can hold the old count any more.
 *   <li>hierarchy marker — {@code pk = "S#system"}, {@code sk = "H#"}, {@code kind = "hierarchy"}:
 *       written with the first entity, so that limiters on a table without entities never look
 *       entities up.
 *   <li>owner marker — {@code pk = "O#<owner>"}, {@code sk = "H#"}, {@code kind = "ownerMarker"},
 *       {@code digest}: the digest of the hierarchy an owner last applied completely, so that an
 *       emptied or recreated table is recognised with one read.
 *   <li>manifest entry — {@code pk = "O#<owner>"}, {@code sk = "<item pk>␟<item sk>"} (U+001F,
 *       which no key part may contain), {@code kind = "manifest"}, {@code digest}: one per item an
 *       owner (the operator's EntityHierarchy) wrote, so that it knows what it owns and what
 *       changed without scanning the table.
 *   <li>stored limits — {@code kind = "limits"} and a map attribute {@value #LIMITS_ATTRIBUTE}
 *       ({@code name -> {c: capacity, r: refill amount, p: refill period in ns}}) under one of four
 *       keys, most specific first: an entity's limits for a resource ({@code "E#<entityId>"},
 *       {@code "L#<resource>"}), an entity's defaults ({@code "E#<entityId>"}, {@code "L#*"}), a
 *       resource's defaults ({@code "R#<resource>"}, {@code "L#*"}) and the system defaults ({@code
 *       "S#system"}, {@code "L#*"}). {@code *} is not a valid resource name, so the keys cannot
 *       collide. Any of them may also declare a local reservation ({@value
 *       #LOCAL_RESERVATION_ATTRIBUTE}: {@code {w: window in milliseconds, 0 for explicitly off, s:
 *       largest share of a capacity in per-mille}}), and an item may declare only that.
 * </ul>
 *
 * Index {@value #INDEX_NAME} ({@value #INDEX_PARTITION_KEY}, {@value #INDEX_SORT_KEY}) is sparse:
 * only entity items (parent/child lookups) carry its keys.
 */
public final class LimiterTableSchema {

  /** Partition key attribute. */
  public static final String PARTITION_KEY = "pk";

  /** Sort key attribute. */
  public static final String SORT_KEY = "sk";

  /** Sparse global secondary index for hierarchy lookups. */
  public static final String INDEX_NAME = "gsi1";

  /** Partition key of {@link #INDEX_NAME}. */
  public static final String INDEX_PARTITION_KEY = "gsi1pk";

  /** Sort key of {@link #INDEX_NAME}. */
  public static final String INDEX_SORT_KEY = "gsi1sk";

  /** Attribute naming an item's kind, so foreign or misplaced items are recognised. */
  public static final String KIND = "kind";

  /** {@link #KIND} of a bucket item. */
  public static final String KIND_BUCKET = "bucket";

  /** {@link #KIND} of an entity item. */
  public static final String KIND_ENTITY = "entity";

  /** Entity attribute naming its parent entity. */
  public static final String PARENT_ATTRIBUTE = "parent";

  /** Entity attribute: whether an acquire also consumes the parent. */
  public static final String CASCADE_ATTRIBUTE = "cascade";

  /** Entity attribute: how many bucket items share each of its limits (absent: one). */
  public static final String SHARDS_ATTRIBUTE = "shards";

  /** Entity attribute: the shard count before the last change, kept through the transition. */
  public static final String PREVIOUS_SHARDS_ATTRIBUTE = "previousShards";

  /** Entity attribute: when the shard count last changed (epoch milliseconds). */
  public static final String SHARDS_CHANGED_AT_ATTRIBUTE = "shardsChangedAt";

  /** Entity attribute: the most shards the entity's buckets ever had, when more than it has now. */
  public static final String MAX_SHARDS_ATTRIBUTE = "maxShards";

  /** {@link #KIND} of a removed entity's record. */
  public static final String KIND_REMOVED_ENTITY = "removedEntity";

  /** Removed-entity attribute: when it was removed (epoch milliseconds). */
  public static final String REMOVED_AT_ATTRIBUTE = "removedAt";

  /** {@link #KIND} of an owner's marker. */
  public static final String KIND_OWNER_MARKER = "ownerMarker";

  /**
   * Attribute naming who manages an entity or stored-limits item (the operator's hierarchy), if
   * anyone.
   */
  public static final String OWNER_ATTRIBUTE = "owner";

  /** {@link #KIND} of an owner's manifest entry. */
  public static final String KIND_MANIFEST = "manifest";

  /** Manifest attribute: digest of the item as its owner last wrote it. */
  public static final String DIGEST_ATTRIBUTE = "digest";

  /** {@link #KIND} of the hierarchy marker. */
  public static final String KIND_HIERARCHY = "hierarchy";

  /** {@link #KIND} of a stored-limits item. */
  public static final String KIND_LIMITS = "limits";

  /** Map attribute of a stored-limits item: limit name to its definition. */
  public static final String LIMITS_ATTRIBUTE = "limits";

  /**
   * Map attribute of a stored-limits item: its {@link LocalReservation} ({@code w}: window in
   * milliseconds, 0 for explicitly off; {@code s}: largest share of a capacity in per-mille,
   * optional).
   */
  public static final String LOCAL_RESERVATION_ATTRIBUTE = "lr";

  /**
   * System-defaults attribute: the unavailability policy workloads default to ({@code BLOCK} or
   * {@code ALLOW}).
   */
  public static final String ON_UNAVAILABLE_ATTRIBUTE = "onUnavailable";

  /**
   * Attribute DynamoDB time-to-live is enabled on, for items that may expire (epoch seconds): every
   * bucket write sets it to a time at which the bucket is certainly full again.
   */
  public static final String TTL_ATTRIBUTE = "ttl";

  /**
   * Bucket attribute: the id of the write that last changed the item, so a replayed write
   * recognises its own effect.
   */
  public static final String LAST_WRITE_ATTRIBUTE = "lw";

  /**
   * Bucket attribute: the {@link #LAST_WRITE_ATTRIBUTE} before the last write ({@value #NO_WRITE}
   * when there was none).
   */
  public static final String PREVIOUS_WRITE_ATTRIBUTE = "pw";

  /**
   * {@link #PREVIOUS_WRITE_ATTRIBUTE} of a bucket whose last write found no {@link
   * #LAST_WRITE_ATTRIBUTE}.
   */
  public static final String NO_WRITE = "-";

  static final String ENTITY_PREFIX = "E#";
  static final String BUCKET_PREFIX = "B#";
  static final String TAT_PREFIX = "t:";
  static final String LIMITS_PREFIX = "L#";
  static final String ENTITY_SORT_KEY = "M#";
  static final String REMOVED_ENTITY_SORT_KEY = "X#";
  static final String HIERARCHY_SORT_KEY = "H#";
  static final String MANIFEST_PREFIX = "O#";

  /** Separates an item's key parts in a manifest sort key; no key part can contain it. */
  public static final char MANIFEST_SEPARATOR = '\u001f';

  static final String PARENT_PREFIX = "P#";
  static final String RESOURCE_PREFIX = "R#";
  static final String SYSTEM_PARTITION = "S#system";
  static final String ALL_RESOURCES = "*";

  private LimiterTableSchema() {}

  /** The table's primary key: {@value #PARTITION_KEY} (hash) and {@value #SORT_KEY} (range). */
  public static List<KeySchemaElement> keySchema() {
    return List.of(key(PARTITION_KEY, KeyType.HASH), key(SORT_KEY, KeyType.RANGE));
  }

  /** Definitions of every key attribute of the table and its index, all strings. */
  public static List<AttributeDefinition> attributeDefinitions() {
    return List.of(
        string(PARTITION_KEY),
        string(SORT_KEY),
        string(INDEX_PARTITION_KEY),
        string(INDEX_SORT_KEY));
  }

  /** Names of the table's global secondary indexes. */
  public static List<String> indexNames() {
    return List.of(INDEX_NAME);
  }

  /** The table's global secondary indexes with the given billing. */
  public static List<GlobalSecondaryIndex> globalSecondaryIndexes(BillingSettings billing) {
    GlobalSecondaryIndex.Builder index =
        GlobalSecondaryIndex.builder()
            .indexName(INDEX_NAME)
            .keySchema(key(INDEX_PARTITION_KEY, KeyType.HASH), key(INDEX_SORT_KEY, KeyType.RANGE))
            .projection(Projection.builder().projectionType(ProjectionType.ALL).build());
    if (billing instanceof BillingSettings.Provisioned p) {
      index.provisionedThroughput(
          throughput(p.indexReadCapacityUnits(), p.indexWriteCapacityUnits()));
    } else if (billing instanceof BillingSettings.OnDemand o && o.capped()) {
      index.onDemandThroughput(onDemandThroughput(o));
    }
    return List.of(index.build());
  }

  /**
   * A CreateTable request for a limiter table. Streams, TTL, deletion protection, point-in-time
   * recovery and tags are separate concerns the caller adds ({@code toBuilder()}) or sets later.
   */
  public static CreateTableRequest createTableRequest(String tableName, BillingSettings billing) {
    CreateTableRequest.Builder request =
        CreateTableRequest.builder()
            .tableName(tableName)
            .keySchema(keySchema())
            .attributeDefinitions(attributeDefinitions())
            .globalSecondaryIndexes(globalSecondaryIndexes(billing));
    if (billing instanceof BillingSettings.Provisioned p) {
      request
          .billingMode(BillingMode.PROVISIONED)
          .provisionedThroughput(throughput(p.readCapacityUnits(), p.writeCapacityUnits()));
    } else if (billing instanceof BillingSettings.OnDemand o) {
      request.billingMode(BillingMode.PAY_PER_REQUEST);
      if (o.capped()) {
        request.onDemandThroughput(onDemandThroughput(o));
      }
    }
    return request.build();
  }

  /** Primary key of the bucket of {@code entityId} for {@code resource}. */
  public static Map<String, AttributeValue> bucketKey(String entityId, String resource) {
    return bucketKey(entityId, resource, 0);
  }

  /** Primary key of shard {@code shard} of the bucket of {@code entityId} for {@code resource}. */
  public static Map<String, AttributeValue> bucketKey(String entityId, String resource, int shard) {
    return key(shardPartition(entityId, shard), BUCKET_PREFIX + Names.requireResource(resource));
  }

  /**
   * Partition key of shard {@code shard} of {@code entityId}'s buckets: shard 0 is the entity's own
   * partition, so an entity's buckets stay where they are when it becomes sharded.
   */
  public static String shardPartition(String entityId, int shard) {
    return shard == 0 ? entityPartition(entityId) : entityPartition(entityId) + "#" + shard;
  }

  /** Key of {@code entityId}'s entity item. */
  public static Map<String, AttributeValue> entityKey(String entityId) {
    return key(ENTITY_PREFIX + Names.requireEntityId(entityId), ENTITY_SORT_KEY);
  }

  /** Key of the record {@code entityId} left when it was removed. */
  public static Map<String, AttributeValue> removedEntityKey(String entityId) {
    return key(ENTITY_PREFIX + Names.requireEntityId(entityId), REMOVED_ENTITY_SORT_KEY);
  }

  /**
   * Sort-key prefix of bucket items, to find an entity's buckets in each of its shard partitions.
   */
  public static String bucketSortPrefix() {
    return BUCKET_PREFIX;
  }

  /** Partition key value of every item of {@code entityId} (entity, limits, buckets). */
  public static String entityPartition(String entityId) {
    return ENTITY_PREFIX + Names.requireEntityId(entityId);
  }

  /** The entity id of an entity partition key ({@link #entityPartition}). */
  public static String entityIdOf(String partition) {
    if (!partition.startsWith(ENTITY_PREFIX)) {
      throw new IllegalArgumentException("not an entity partition: " + partition);
    }
    return partition.substring(ENTITY_PREFIX.length());
  }

  /**
   * {@value #INDEX_PARTITION_KEY} value under which the children of {@code parentId} are indexed.
   */
  public static String childrenIndexPartition(String parentId) {
    return PARENT_PREFIX + Names.requireEntityId(parentId);
  }

  /** Key of the limits {@code entityId} has for {@code resource}. */
  public static Map<String, AttributeValue> entityResourceLimitsKey(
      String entityId, String resource) {
    return key(
        ENTITY_PREFIX + Names.requireEntityId(entityId),
        LIMITS_PREFIX + Names.requireResource(resource));
  }

  /** Key of {@code entityId}'s default limits, for resources it has no limits of its own for. */
  public static Map<String, AttributeValue> entityDefaultLimitsKey(String entityId) {
    return key(ENTITY_PREFIX + Names.requireEntityId(entityId), LIMITS_PREFIX + ALL_RESOURCES);
  }

  /** Key of {@code resource}'s default limits, for entities without limits of their own. */
  public static Map<String, AttributeValue> resourceDefaultLimitsKey(String resource) {
    return key(RESOURCE_PREFIX + Names.requireResource(resource), LIMITS_PREFIX + ALL_RESOURCES);
  }

  /** Partition key of {@code owner}'s manifest. */
  public static String manifestPartition(String owner) {
    return MANIFEST_PREFIX + owner;
  }

  /** Key of {@code owner}'s marker, in its manifest partition (its sort key has no separator). */
  public static Map<String, AttributeValue> ownerMarkerKey(String owner) {
    return key(manifestPartition(owner), HIERARCHY_SORT_KEY);
  }

  /** Sort key of the manifest entry of the item at ({@code partition}, {@code sort}). */
  public static String manifestSort(String partition, String sort) {
    return partition + MANIFEST_SEPARATOR + sort;
  }

  /** Key of the marker saying the table holds entities. */
  public static Map<String, AttributeValue> hierarchyMarkerKey() {
    return key(SYSTEM_PARTITION, HIERARCHY_SORT_KEY);
  }

  /** Key of the system-wide default limits, the last resort. */
  public static Map<String, AttributeValue> systemLimitsKey() {
    return key(SYSTEM_PARTITION, LIMITS_PREFIX + ALL_RESOURCES);
  }

  private static Map<String, AttributeValue> key(String partition, String sort) {
    return Map.of(
        PARTITION_KEY, AttributeValue.fromS(partition), SORT_KEY, AttributeValue.fromS(sort));
  }

  /** Bucket attribute holding a limit's theoretical arrival time. */
  public static String tatAttribute(String limitName) {
    return TAT_PREFIX + limitName;
  }

  private static KeySchemaElement key(String attribute, KeyType type) {
    return KeySchemaElement.builder().attributeName(attribute).keyType(type).build();
  }

  private static AttributeDefinition string(String attribute) {
    return AttributeDefinition.builder()
        .attributeName(attribute)
        .attributeType(ScalarAttributeType.S)
        .build();
  }

  private static ProvisionedThroughput throughput(long read, long write) {
    return ProvisionedThroughput.builder()
        .readCapacityUnits(read)
        .writeCapacityUnits(write)
        .build();
  }

  private static OnDemandThroughput onDemandThroughput(BillingSettings.OnDemand o) {
    return OnDemandThroughput.builder()
        .maxReadRequestUnits(o.maxReadRequestUnits())
        .maxWriteRequestUnits(o.maxWriteRequestUnits())
        .build();
  }
}
