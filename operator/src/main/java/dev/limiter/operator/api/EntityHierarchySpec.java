package dev.limiter.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/**
 * Desired entities and limits of one limiter table.
 *
 * @param tableRef the RateLimiterTable (same namespace) whose table holds them
 * @param system the system defaults, used when nothing more specific applies
 * @param resources per-resource defaults
 * @param entities the root entities, each with its children (three levels at most)
 * @param deletionPolicy what deleting the resource does to its items; default Retain
 */
public record EntityHierarchySpec(
    @JsonPropertyDescription(
            "The RateLimiterTable in this namespace whose table holds the hierarchy")
        @Required
        TableRef tableRef,
    @JsonPropertyDescription(
            "System defaults: limits for any entity and resource without more specific ones")
        SystemDefaults system,
    @JsonPropertyDescription("Default limits per resource") @Size(max = 1000) @ListMapKey("name")
        List<ResourceDefaults> resources,
    @JsonPropertyDescription("Root entities (e.g. tenants or projects), each with its children")
        @ListMapKey("id")
        List<RootEntity> entities,
    @JsonPropertyDescription(
            "What deleting the EntityHierarchy does to its items in the table: Retain (default)"
                + " keeps them, so workloads keep their limits; Delete removes them, with the"
                + " buckets of its entities")
        DeletionPolicy deletionPolicy) {

  /** A hierarchy whose items are retained when it is deleted. */
  public EntityHierarchySpec(
      TableRef tableRef,
      SystemDefaults system,
      List<ResourceDefaults> resources,
      List<RootEntity> entities) {
    this(tableRef, system, resources, entities, null);
  }

  /** {@link #deletionPolicy}, or its default. */
  public DeletionPolicy deletionPolicyOrDefault() {
    return deletionPolicy == null ? DeletionPolicy.Retain : deletionPolicy;
  }
}
