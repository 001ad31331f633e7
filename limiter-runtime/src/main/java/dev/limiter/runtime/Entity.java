package dev.limiter.runtime;

/**
 * A node of the limiter's hierarchy: an API key under a project, a project under a tenant.
 *
 * @param id the entity id
 * @param parentId its parent's id, or null for a root
 * @param cascade whether an acquire on this entity also consumes its parent, with the parent's
 *     stored limits for the same resource
 */
public record Entity(String id, String parentId, boolean cascade) {

  /** Validates the ids; a root cannot cascade and no entity is its own parent. */
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
  }
}
