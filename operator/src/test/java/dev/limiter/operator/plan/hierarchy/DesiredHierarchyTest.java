package dev.limiter.operator.plan.hierarchy;

import static dev.limiter.operator.plan.hierarchy.HierarchySpecs.child;
import static dev.limiter.operator.plan.hierarchy.HierarchySpecs.limit;
import static dev.limiter.operator.plan.hierarchy.HierarchySpecs.root;
import static org.assertj.core.api.Assertions.assertThat;

import dev.limiter.operator.api.ChildEntity;
import dev.limiter.operator.api.EntityHierarchySpec;
import dev.limiter.operator.api.LeafEntity;
import dev.limiter.operator.api.LimitSpec;
import dev.limiter.operator.api.ResourceDefaults;
import dev.limiter.operator.api.RootEntity;
import dev.limiter.operator.api.ShardsFor;
import dev.limiter.operator.api.TableRef;
import dev.limiter.runtime.LimiterItems;
import dev.limiter.runtime.LimiterTableSchema;
import java.util.List;
import org.junit.jupiter.api.Test;

class DesiredHierarchyTest {

  private static final String OWNER = "team-a/llm";

  private static DesiredHierarchy.Resolved resolved(EntityHierarchySpec spec) {
    return (DesiredHierarchy.Resolved) DesiredHierarchy.resolve(spec, OWNER);
  }

  private static List<String> problems(EntityHierarchySpec spec) {
    return ((DesiredHierarchy.Invalid) DesiredHierarchy.resolve(spec, OWNER)).problems();
  }

  @Test
  void theExampleBecomesEntityAndLimitItemsOwnedByTheHierarchy() {
    DesiredHierarchy.Resolved resolved = resolved(HierarchySpecs.example());
    assertThat(resolved.entities()).isEqualTo(2);
    assertThat(resolved.limits()).as("system, llm-api, project-123/llm-api").isEqualTo(3);
    assertThat(resolved.shards()).isEqualTo(9);
    assertThat(resolved.items())
        .extracting(DesiredItem::key)
        .containsExactlyInAnyOrder(
            new ItemKey("S#system", "L#*"),
            new ItemKey("R#llm-api", "L#*"),
            new ItemKey("E#project-123", "M#"),
            new ItemKey("E#project-123", "L#llm-api"),
            new ItemKey("E#api-key-1", "M#"));
    assertThat(resolved.items())
        .allSatisfy(item -> assertThat(LimiterItems.owner(item.item().get())).contains(OWNER));
    DesiredItem key =
        resolved.items().stream()
            .filter(i -> i.key().partition().equals("E#api-key-1"))
            .findFirst()
            .orElseThrow();
    assertThat(key.item().get().get(LimiterTableSchema.PARENT_ATTRIBUTE).s())
        .isEqualTo("project-123");
    assertThat(key.item().get().get(LimiterTableSchema.CASCADE_ATTRIBUTE).bool()).isTrue();
    DesiredItem system =
        resolved.items().stream()
            .filter(i -> i.key().partition().equals("S#system"))
            .findFirst()
            .orElseThrow();
    assertThat(system.item().get().get(LimiterTableSchema.ON_UNAVAILABLE_ATTRIBUTE).s())
        .isEqualTo("BLOCK");
  }

  @Test
  void digestsAreStableAndChangeWithTheContent() {
    List<DesiredItem> first = resolved(HierarchySpecs.example()).items();
    assertThat(resolved(HierarchySpecs.example()).items())
        .extracting(DesiredItem::digest)
        .containsExactlyElementsOf(first.stream().map(DesiredItem::digest).toList());
    EntityHierarchySpec changed =
        new EntityHierarchySpec(
            new TableRef("llm-limits"),
            HierarchySpecs.example().system(),
            HierarchySpecs.example().resources(),
            List.of(root("project-123", 4, List.of(child("api-key-1", true)))));
    List<String> before = first.stream().map(i -> i.key() + i.digest()).toList();
    assertThat(resolved(changed).items())
        .filteredOn(i -> !before.contains(i.key() + i.digest()))
        .extracting(DesiredItem::key)
        .containsExactly(new ItemKey("E#project-123", "M#"));
  }

  @Test
  void shardsForDerivesTheShardCountFromPeakWrites() {
    assertThat(DesiredHierarchy.shardsFor(new ShardsFor(5_000L))).isEqualTo(7);
    assertThat(DesiredHierarchy.shardsFor(new ShardsFor(800L))).isEqualTo(1);
    assertThat(DesiredHierarchy.shardsFor(new ShardsFor(801L))).isEqualTo(2);
    EntityHierarchySpec spec =
        new EntityHierarchySpec(
            new TableRef("t"),
            null,
            null,
            List.of(new RootEntity("hot", null, null, null, new ShardsFor(5_000L), null)));
    assertThat(resolved(spec).shards()).isEqualTo(7);
  }

  @Test
  void everyProblemIsReportedWithItsPath() {
    LimitSpec lowBurst = new LimitSpec("rpm", 100L, "1m", 50L);
    EntityHierarchySpec spec =
        new EntityHierarchySpec(
            new TableRef("t"),
            null,
            List.of(
                new ResourceDefaults("llm-api", List.of(lowBurst)),
                new ResourceDefaults("llm-api", List.of(limit("rpm", 1, "48h")))),
            List.of(
                new RootEntity(
                    "p",
                    null,
                    null,
                    4,
                    new ShardsFor(10L),
                    List.of(
                        new ChildEntity(
                            "k",
                            true,
                            List.of(limit("rpm", 1, "1m"), limit("rpm", 2, "1m")),
                            null,
                            null,
                            null,
                            List.of(new LeafEntity("p", true, null, null, null, null))))),
                new RootEntity("rooted#bad", null, null, null, null, null),
                new RootEntity("huge", null, null, null, new ShardsFor(1_000_000L), null)));
    assertThat(problems(spec))
        .containsExactlyInAnyOrder(
            "resources[0].limits[0]: burst 50 is below the rate 100 per 1m",
            "resources[1]: resource llm-api is declared twice",
            "resources[1].limits[0].period: 48h is outside 1s to 24h",
            "entities[0]: set shards or shardsFor, not both",
            "entities[0].children[0].limits[1]: limit rpm is declared twice",
            "entities[0].children[0].children[0]: entity p is declared more than once (an entity"
                + " has one parent)",
            "entities[1]: invalid entity id 'rooted#bad': use 1 to 256 characters without '#' or"
                + " control characters",
            "entities[2].shardsFor: 1000000 writes per second need 1250 shards, more than 256");
  }

  @Test
  void aCascadeChainIsRefusedBecauseCascadeReachesOneLevel() {
    EntityHierarchySpec spec =
        new EntityHierarchySpec(
            new TableRef("t"),
            null,
            null,
            List.of(
                new RootEntity(
                    "tenant",
                    null,
                    null,
                    null,
                    null,
                    List.of(
                        new ChildEntity(
                            "project",
                            true,
                            null,
                            null,
                            null,
                            null,
                            List.of(new LeafEntity("key", true, null, null, null, null)))))));
    assertThat(problems(spec))
        .containsExactly(
            "entities[0].children[0].children[0]: key cascades to project, which cascades too;"
                + " cascade reaches one level, so declare limits on project that cover its children"
                + " or do not cascade both");
  }
}
