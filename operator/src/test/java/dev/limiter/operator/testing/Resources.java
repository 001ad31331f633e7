package dev.limiter.operator.testing;

import dev.limiter.operator.api.EntityHierarchy;
import dev.limiter.operator.api.EntityHierarchySpec;
import dev.limiter.operator.api.RateLimiterTable;
import dev.limiter.operator.api.RateLimiterTableSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;

/** New resources (not yet on any API server) of the operator's two kinds. */
public final class Resources {

  private Resources() {}

  /** A RateLimiterTable {@code namespace/name} of {@code spec}. */
  public static RateLimiterTable table(String namespace, String name, RateLimiterTableSpec spec) {
    RateLimiterTable table = new RateLimiterTable();
    table.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
    table.setSpec(spec);
    return table;
  }

  /** An EntityHierarchy {@code namespace/name} of {@code spec}. */
  public static EntityHierarchy hierarchy(String namespace, String name, EntityHierarchySpec spec) {
    EntityHierarchy hierarchy = new EntityHierarchy();
    hierarchy.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
    hierarchy.setSpec(spec);
    return hierarchy;
  }
}
