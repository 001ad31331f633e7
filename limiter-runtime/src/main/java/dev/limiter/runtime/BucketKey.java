package dev.limiter.runtime;

import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The bucket of one entity for one resource; validates both parts. */
record BucketKey(String entityId, String resource) {

  BucketKey {
    Names.requireEntityId(entityId);
    Names.requireResource(resource);
  }

  Map<String, AttributeValue> attributes() {
    return LimiterTableSchema.bucketKey(entityId, resource);
  }

  @Override
  public String toString() {
    return LimiterTableSchema.ENTITY_PREFIX + entityId + "/" + LimiterTableSchema.BUCKET_PREFIX + resource;
  }
}
