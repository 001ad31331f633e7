package dev.limiter.runtime;

import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The bucket of one entity for one resource, or of one shard of a sharded entity (shard 0 is the
 * entity's plain bucket); validates every part.
 */
record BucketKey(String entityId, String resource, int shard) {

  BucketKey {
    Names.requireEntityId(entityId);
    Names.requireResource(resource);
    if (shard < 0 || shard >= Entity.MAX_SHARDS) {
      throw new IllegalArgumentException(
          "shard must be between 0 and " + (Entity.MAX_SHARDS - 1) + ", got " + shard);
    }
  }

  BucketKey(String entityId, String resource) {
    this(entityId, resource, 0);
  }

  Map<String, AttributeValue> attributes() {
    return LimiterTableSchema.bucketKey(entityId, resource, shard);
  }

  @Override
  public String toString() {
    return LimiterTableSchema.shardPartition(entityId, shard)
        + "/"
        + LimiterTableSchema.BUCKET_PREFIX
        + resource;
  }
}
