package dev.limiter.runtime;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;

/**
 * Answers {@link RateLimiter#available} and {@link RateLimiter#timeUntilAvailable} from strongly
 * consistent reads of an entity's buckets.
 */
final class BucketReader {

  private final String tableName;
  private final DynamoDbGateway gateway;
  private final Entities entities;
  private final Clock clock;
  private final OutagePolicy outages;

  BucketReader(
      String tableName,
      DynamoDbGateway gateway,
      Entities entities,
      Clock clock,
      OutagePolicy outages) {
    this.tableName = tableName;
    this.gateway = gateway;
    this.entities = entities;
    this.clock = clock;
    this.outages = outages;
  }

  /** See {@link RateLimiter#available}. */
  Map<String, Long> available(String entityId, String resource, List<Limit> limits) {
    BucketKey key = new BucketKey(entityId, resource);
    Map<String, Limit> byName = Arguments.limitsByName(key, limits);
    Map<String, Long> full = new LinkedHashMap<>();
    byName.values().forEach(limit -> full.put(limit.name(), limit.capacity()));
    if (!outages.mayCall()) {
      return outages.unavailableNow(full);
    }
    List<BucketRead> buckets;
    try {
      buckets = readBuckets(entityId, resource, limits);
    } catch (RuntimeException e) {
      return outages.failed(e, full);
    }
    long now = EpochNanos.now(clock);
    Map<String, Long> available = new LinkedHashMap<>();
    byName.keySet().forEach(name -> available.put(name, 0L));
    for (BucketRead bucket : buckets) {
      bucket
          .limits()
          .values()
          .forEach(
              limit ->
                  available.merge(
                      limit.name(),
                      limit.available(bucket.state().tat(limit.name()), now),
                      Math::addExact));
    }
    return available;
  }

  /** See {@link RateLimiter#timeUntilAvailable}. */
  Duration timeUntilAvailable(
      String entityId, String resource, Map<String, Long> needed, List<Limit> limits) {
    Arguments.acquireOps(needed, Arguments.limitsByName(new BucketKey(entityId, resource), limits));
    if (!outages.mayCall()) {
      return outages.unavailableNow(Duration.ZERO);
    }
    List<BucketRead> buckets;
    try {
      buckets = readBuckets(entityId, resource, limits);
    } catch (RuntimeException e) {
      return outages.failed(e, Duration.ZERO);
    }
    long now = EpochNanos.now(clock);
    long soonest = Long.MAX_VALUE;
    for (BucketRead bucket : buckets) {
      long wait = 0;
      for (LimitOp op : Arguments.acquireOps(needed, bucket.limits())) {
        wait =
            Math.max(wait, op.limit().waitNanos(bucket.state().tat(op.name()), now, op.tokens()));
      }
      soonest = Math.min(soonest, wait);
    }
    return Duration.ofNanos(soonest);
  }

  /**
   * Every bucket acquires on {@code entityId} may take from (one, or each usable shard with its
   * share of {@code limits}), read at once, strongly consistent.
   */
  private List<BucketRead> readBuckets(String entityId, String resource, List<Limit> limits) {
    ShardLayout layout =
        ShardLayout.of(Futures.join(entities.lookupAsync(entityId)), clock.instant());
    List<BucketKey> keys = new ArrayList<>();
    List<Map<String, Limit>> shares = new ArrayList<>();
    if (!layout.sharded()) {
      keys.add(new BucketKey(entityId, resource));
      shares.add(Arguments.limitsByName(keys.get(0), limits));
    } else {
      for (int shard = 0; shard < layout.usableWith(limits); shard++) {
        keys.add(new BucketKey(entityId, resource, shard));
        shares.add(Arguments.limitsByName(keys.get(shard), layout.share(limits, shard)));
      }
    }
    List<CompletableFuture<GetItemResponse>> reads = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      reads.add(gateway.getAsync(readRequest(keys.get(i), shares.get(i))));
    }
    List<BucketRead> buckets = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      buckets.add(
          new BucketRead(
              keys.get(i),
              shares.get(i),
              BucketState.decodeItem(keys.get(i), Futures.join(reads.get(i)).item())));
    }
    outages.succeeded();
    return buckets;
  }

  private GetItemRequest readRequest(BucketKey key, Map<String, Limit> limits) {
    Map<String, String> names = new LinkedHashMap<>();
    // The key is projected too, so that an existing item is never read as an absent one.
    names.put("#pk", LimiterTableSchema.PARTITION_KEY);
    names.put("#kind", LimiterTableSchema.KIND);
    List<String> projection = new ArrayList<>(List.of("#pk", "#kind"));
    int i = 0;
    for (String limit : limits.keySet()) {
      names.put("#t" + i, LimiterTableSchema.tatAttribute(limit));
      projection.add("#t" + i++);
    }
    return GetItemRequest.builder()
        .tableName(tableName)
        .key(key.attributes())
        .consistentRead(true)
        .projectionExpression(String.join(", ", projection))
        .expressionAttributeNames(names)
        .build();
  }

  /** A bucket as read: its key, its limits (a shard's shares for a shard) and its state. */
  private record BucketRead(BucketKey key, Map<String, Limit> limits, BucketState state) {}
}
