package dev.limiter.runtime;

import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Where stored limits apply. An acquire without explicit limits uses the most specific scope that
 * has limits: {@link EntityResource}, then {@link Entity}, then {@link Resource}, then {@link
 * System}.
 */
public sealed interface LimitScope {

  /** The stored-limits item's primary key, from {@link LimiterTableSchema}. */
  Map<String, AttributeValue> key();

  /** The limits of one entity for one resource. */
  record EntityResource(String entityId, String resource) implements LimitScope {
    /** Validates both names. */
    public EntityResource {
      Names.requireEntityId(entityId);
      Names.requireResource(resource);
    }

    @Override
    public Map<String, AttributeValue> key() {
      return LimiterTableSchema.entityResourceLimitsKey(entityId, resource);
    }

    @Override
    public String toString() {
      return "limits of entity " + entityId + " for resource " + resource;
    }
  }

  /** An entity's defaults, for every resource it has no limits of its own for. */
  record Entity(String entityId) implements LimitScope {
    /** Validates the id. */
    public Entity {
      Names.requireEntityId(entityId);
    }

    @Override
    public Map<String, AttributeValue> key() {
      return LimiterTableSchema.entityDefaultLimitsKey(entityId);
    }

    @Override
    public String toString() {
      return "default limits of entity " + entityId;
    }
  }

  /** A resource's defaults, for every entity without limits of its own. */
  record Resource(String resource) implements LimitScope {
    /** Validates the name. */
    public Resource {
      Names.requireResource(resource);
    }

    @Override
    public Map<String, AttributeValue> key() {
      return LimiterTableSchema.resourceDefaultLimitsKey(resource);
    }

    @Override
    public String toString() {
      return "default limits of resource " + resource;
    }
  }

  /** The system defaults, the last resort. */
  record System() implements LimitScope {
    @Override
    public Map<String, AttributeValue> key() {
      return LimiterTableSchema.systemLimitsKey();
    }

    @Override
    public String toString() {
      return "system default limits";
    }
  }

  /** The scopes consulted for {@code entityId} and {@code resource}, most specific first. */
  static List<LimitScope> resolutionOrder(String entityId, String resource) {
    return List.of(
        new EntityResource(entityId, resource),
        new Entity(entityId),
        new Resource(resource),
        new System());
  }
}
