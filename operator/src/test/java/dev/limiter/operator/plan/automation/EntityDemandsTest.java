package dev.limiter.operator.plan.automation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limiter.operator.api.ChildEntity;
import dev.limiter.operator.api.EntityHierarchySpec;
import dev.limiter.operator.api.LimitSpec;
import dev.limiter.operator.api.ResourceDefaults;
import dev.limiter.operator.api.RootEntity;
import dev.limiter.operator.api.ShardsFor;
import dev.limiter.operator.api.TableRef;
import java.util.List;
import org.junit.jupiter.api.Test;

class EntityDemandsTest {

  @Test
  void declaredTrafficComesFromShardsForOrTheSlowestOwnLimitPerResource() {
    ChildEntity child =
        new ChildEntity(
            "key-1", true, List.of(new LimitSpec("rpm", 600L, "1m", null)), null, null, null, null);
    RootEntity sharded =
        new RootEntity("project-123", List.of(), null, null, new ShardsFor(2400L), List.of(child));
    RootEntity limited =
        new RootEntity(
            "project-7",
            List.of(
                new LimitSpec("rps", 100L, "1s", null), new LimitSpec("rpm", 3000L, "1m", null)),
            List.of(
                new ResourceDefaults("llm", List.of(new LimitSpec("tpm", 60_000L, "1m", null)))),
            4,
            null,
            List.of());
    RootEntity quiet = new RootEntity("project-0", List.of(), null, null, null, List.of());

    List<EntityDemand> demands =
        EntityDemands.of(
            "tenants",
            new EntityHierarchySpec(
                new TableRef("limits"), null, null, List.of(sharded, limited, quiet)));

    assertThat(demands)
        .containsExactly(
            new EntityDemand("tenants", "project-123", 2400, 3),
            new EntityDemand("tenants", "key-1", 10, 1),
            new EntityDemand("tenants", "project-7", 50 + 1000, 4));
  }
}
