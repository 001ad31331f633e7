package dev.limiter.operator.plan.hierarchy;

import static dev.limiter.operator.plan.hierarchy.HierarchySpecs.child;
import static dev.limiter.operator.plan.hierarchy.HierarchySpecs.limit;
import static dev.limiter.operator.plan.hierarchy.HierarchySpecs.root;
import static org.assertj.core.api.Assertions.assertThat;

import dev.limiter.operator.api.ChildEntity;
import dev.limiter.operator.api.EntityHierarchySpec;
import dev.limiter.operator.api.LeafEntity;
import dev.limiter.operator.api.LimitSpec;
import dev.limiter.operator.api.LocalReservationSpec;
import dev.limiter.operator.api.ResourceDefaults;
import dev.limiter.operator.api.RootEntity;
import dev.limiter.operator.api.ShardsFor;
import dev.limiter.operator.api.SystemDefaults;
import dev.limiter.operator.api.TableRef;
import dev.limiter.operator.api.UnavailablePolicy;
import dev.limiter.runtime.Limit;
import dev.limiter.runtime.LimitScope;
import dev.limiter.runtime.LimiterItems;
import dev.limiter.runtime.LimiterTableSchema;
import dev.limiter.runtime.LocalReservation;
import dev.limiter.runtime.OnUnavailable;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

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

  /**
   * project-123 declares a reservation and no default limits, its llm-api one of its own, the
   * system an explicit off, api-key-1 a reservation on its default limits.
   */
  private static EntityHierarchySpec reserving(String projectWindow) {
    return new EntityHierarchySpec(
        new TableRef("llm-limits"),
        new SystemDefaults(
            UnavailablePolicy.Block,
            List.of(limit("rpm", 1000, "1m")),
            new LocalReservationSpec("0s", null, null)),
        List.of(
            new ResourceDefaults(
                "llm-api",
                List.of(limit("rpm", 600, "1m")),
                new LocalReservationSpec("250ms", 20, 8))),
        List.of(
            new RootEntity(
                "project-123",
                null,
                List.of(new ResourceDefaults("embed", List.of(limit("rpm", 5000, "1m")))),
                8,
                null,
                List.of(
                    new ChildEntity(
                        "api-key-1",
                        true,
                        List.of(limit("rpm", 100, "1m")),
                        null,
                        null,
                        null,
                        List.of(),
                        new LocalReservationSpec("1s500ms", 5, null))),
                new LocalReservationSpec(projectWindow, null, 4))));
  }

  private static Map<String, AttributeValue> item(DesiredHierarchy.Resolved resolved, ItemKey key) {
    return resolved.items().stream()
        .filter(i -> i.key().equals(key))
        .findFirst()
        .orElseThrow()
        .item()
        .get();
  }

  @Test
  void declaredReservationsAreStoredWithTheLimitsOfTheirScopeAsTheRuntimeEncodesThem() {
    DesiredHierarchy.Resolved resolved = resolved(reserving("1s"));

    assertThat(item(resolved, new ItemKey("R#llm-api", "L#*")))
        .isEqualTo(
            LimiterItems.limits(
                new LimitScope.Resource("llm-api"),
                List.of(Limit.perMinute("rpm", 600)),
                new LocalReservation(Duration.ofMillis(250), 0.2),
                OWNER));
    assertThat(item(resolved, new ItemKey("S#system", "L#*")))
        .isEqualTo(
            LimiterItems.systemDefaults(
                List.of(Limit.perMinute("rpm", 1000)),
                OnUnavailable.BLOCK,
                LocalReservation.OFF,
                OWNER));
    assertThat(item(resolved, new ItemKey("E#api-key-1", "L#*")))
        .isEqualTo(
            LimiterItems.limits(
                new LimitScope.Entity("api-key-1"),
                List.of(Limit.perMinute("rpm", 100)),
                new LocalReservation(Duration.ofMillis(1500), 0.05),
                OWNER));
    assertThat(resolved.localReservations()).isEqualTo(4);
    assertThat(resolved.limits())
        .as("system, llm-api, project-123, its embed, api-key-1")
        .isEqualTo(5);
  }

  @Test
  void anEntityDeclaringAReservationAndNoDefaultLimitsGetsAnItemHoldingOnlyTheReservation() {
    Map<String, AttributeValue> project =
        item(resolved(reserving("1s")), new ItemKey("E#project-123", "L#*"));

    assertThat(project)
        .isEqualTo(
            LimiterItems.limits(
                new LimitScope.Entity("project-123"),
                List.of(),
                LocalReservation.of(Duration.ofSeconds(1)),
                OWNER))
        .containsKey(LimiterTableSchema.LOCAL_RESERVATION_ATTRIBUTE)
        .doesNotContainKey(LimiterTableSchema.LIMITS_ATTRIBUTE);
  }

  @Test
  void anEditedWindowChangesOnlyThatItemsDigest() {
    List<DesiredItem> before = resolved(reserving("1s")).items();
    List<DesiredItem> after = resolved(reserving("2s")).items();

    List<String> unchanged = before.stream().map(i -> i.key() + i.digest()).toList();
    assertThat(after)
        .filteredOn(i -> !unchanged.contains(i.key() + i.digest()))
        .extracting(DesiredItem::key)
        .containsExactly(new ItemKey("E#project-123", "L#*"));
  }

  @Test
  void aWindowOutsideTheRuntimesRangeIsAProblemAtItsPath() {
    assertThat(problems(reserving("90s")))
        .containsExactly(
            "entities[0].localReservation.window: 90s is neither 0s (off) nor within 10ms to 60s");
    assertThat(problems(reserving("5ms")))
        .containsExactly(
            "entities[0].localReservation.window: 5ms is neither 0s (off) nor within 10ms to 60s");
    assertThat(problems(reserving("1x")))
        .singleElement()
        .asString()
        .startsWith("entities[0].localReservation.window: invalid duration '1x'");
  }

  @Test
  void aShareBeyondTheRuntimesHalfIsAProblemAtItsPath() {
    EntityHierarchySpec spec =
        new EntityHierarchySpec(
            new TableRef("llm-limits"),
            null,
            List.of(
                new ResourceDefaults(
                    "llm-api",
                    List.of(limit("rpm", 600, "1m")),
                    new LocalReservationSpec("1s", 60, 8))),
            List.of());

    assertThat(problems(spec))
        .containsExactly("resources[0].localReservation.maxSharePercent: must be 1 to 50, got 60");
  }

  @Test
  void aResourceDeclaringOnlyAReservationGetsAnItemHoldingOnlyTheReservation() {
    LocalReservationSpec halfSecond = new LocalReservationSpec("500ms", null, null);
    EntityHierarchySpec spec =
        new EntityHierarchySpec(
            new TableRef("llm-limits"),
            new SystemDefaults(null, List.of(limit("rpm", 1000, "1m")), null),
            List.of(new ResourceDefaults("llm-api", null, halfSecond)),
            List.of(
                new RootEntity(
                    "project-123",
                    null,
                    List.of(new ResourceDefaults("embed", null, halfSecond)),
                    null,
                    null,
                    List.of(),
                    null)));
    DesiredHierarchy.Resolved resolved = resolved(spec);

    LocalReservation reservation = LocalReservation.of(Duration.ofMillis(500));
    assertThat(item(resolved, new ItemKey("R#llm-api", "L#*")))
        .isEqualTo(
            LimiterItems.limits(new LimitScope.Resource("llm-api"), List.of(), reservation, OWNER))
        .doesNotContainKey(LimiterTableSchema.LIMITS_ATTRIBUTE);
    assertThat(item(resolved, new ItemKey("E#project-123", "L#embed")))
        .isEqualTo(
            LimiterItems.limits(
                new LimitScope.EntityResource("project-123", "embed"),
                List.of(),
                reservation,
                OWNER))
        .doesNotContainKey(LimiterTableSchema.LIMITS_ATTRIBUTE);
    assertThat(resolved.localReservations()).isEqualTo(2);
  }

  @Test
  void aResourceDeclaringNeitherLimitsNorAReservationIsAProblemAtItsPath() {
    EntityHierarchySpec spec =
        new EntityHierarchySpec(
            new TableRef("llm-limits"),
            null,
            List.of(new ResourceDefaults("llm-api", null, null)),
            List.of());

    assertThat(problems(spec))
        .containsExactly("resources[0]: declare limits, a localReservation or both");
  }
}
