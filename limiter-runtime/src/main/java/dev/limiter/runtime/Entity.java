package dev.limiter.runtime;

import java.time.Duration;

/**
 * A node of the limiter's hierarchy: an API key under a project, a project under a tenant.
 *
 * @param id the entity id
 * @param parentId its parent's id, or null for a root
 * @param cascade whether an acquire on this entity also consumes its parent, with the parent's
 *     stored limits for the same resource
 * @param shards how many bucket items share each of this entity's limits (1 to {@value
 *     #MAX_SHARDS}): a high-fanout parent's writes spread over that many partitions
 */
public record Entity(String id, String parentId, boolean cascade, int shards) {

  /** Most shards one entity may have. */
  public static final int MAX_SHARDS = 256;

  /**
   * How long after a shard-count change acquires keep to the shards both counts have, at the
   * smaller shares: longer than any process caches an entity ({@link
   * RateLimiter#MAX_LIMITS_CACHE_TTL}) plus clock skew. Whoever changes the count writes the old
   * count and the time with it.
   */
  public static final Duration SHARD_TRANSITION = Duration.ofMinutes(6);

  /**
   * Validates the ids and the shard count; a root cannot cascade and no entity is its own parent.
   */
  public Entity {
    Names.requireEntityId(id);
    if (parentId != null) {
      Names.requireEntityId(parentId);
      if (parentId.equals(id)) {
        throw new IllegalArgumentException("entity " + id + " cannot be its own parent");
      }
    }
    if (cascade && parentId == null) {
      throw new IllegalArgumentException("entity " + id + " cascades but has no parent");
    }
    if (shards < 1 || shards > MAX_SHARDS) {
      throw new IllegalArgumentException(
          "entity " + id + ": shards must be between 1 and " + MAX_SHARDS + ", got " + shards);
    }
  }

  /** An unsharded entity. */
  public Entity(String id, String parentId, boolean cascade) {
    this(id, parentId, cascade, 1);
  }
}
