package dev.limiter.operator.plan.hierarchy;

import dev.limiter.operator.api.ChildEntity;
import dev.limiter.operator.api.EntityHierarchySpec;
import dev.limiter.operator.api.LeafEntity;
import dev.limiter.operator.api.LimitSpec;
import dev.limiter.operator.api.ResourceDefaults;
import dev.limiter.operator.api.RootEntity;
import dev.limiter.operator.api.SystemDefaults;
import dev.limiter.operator.api.TableRef;
import dev.limiter.operator.api.UnavailablePolicy;
import java.util.List;

/** The example hierarchy and small builders for variations of it. */
final class HierarchySpecs {

  private HierarchySpecs() {}

  static LimitSpec limit(String name, long rate, String period) {
    return new LimitSpec(name, rate, period, null);
  }

  /**
   * system defaults, llm-api defaults, project-123 (8 shards, its own llm-api limit) with a
   * cascading api-key-1.
   */
  static EntityHierarchySpec example() {
    return new EntityHierarchySpec(
        new TableRef("llm-limits"),
        new SystemDefaults(UnavailablePolicy.Block, List.of(limit("rpm", 1000, "1m"))),
        List.of(
            new ResourceDefaults(
                "llm-api",
                List.of(new LimitSpec("rpm", 600L, "1m", 900L), limit("tpm", 100_000, "1m")))),
        List.of(root("project-123", 8, List.of(child("api-key-1", true)))));
  }

  static RootEntity root(String id, Integer shards, List<ChildEntity> children) {
    return new RootEntity(
        id,
        null,
        List.of(new ResourceDefaults("llm-api", List.of(limit("rpm", 5000, "1m")))),
        shards,
        null,
        children);
  }

  static ChildEntity child(String id, boolean cascade) {
    return new ChildEntity(id, cascade, null, null, null, null, List.<LeafEntity>of());
  }
}
