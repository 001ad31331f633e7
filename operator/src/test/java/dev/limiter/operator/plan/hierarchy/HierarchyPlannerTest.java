package dev.limiter.operator.plan.hierarchy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limiter.runtime.LimiterTableSchema;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class HierarchyPlannerTest {

  private static final String OWNER = "team-a/llm";
  private final List<DesiredItem> desired =
      ((DesiredHierarchy.Resolved) DesiredHierarchy.resolve(HierarchySpecs.example(), OWNER))
          .items();

  private Map<ItemKey, String> manifestOfEverything() {
    Map<ItemKey, String> manifest = new HashMap<>();
    desired.forEach(item -> manifest.put(item.key(), item.digest()));
    return manifest;
  }

  /** A plan with the holders of every unlisted item read. */
  private HierarchyPlan plan(
      Map<ItemKey, String> manifest,
      Map<ItemKey, Optional<String>> holders,
      String owner,
      int budget) {
    return HierarchyPlanner.plan(
        desired, manifest, holders, HierarchyPlanner.unlisted(desired, manifest), owner, budget);
  }

  @Test
  void aFreshTableWritesEveryItem() {
    HierarchyPlan plan = plan(Map.of(), Map.of(), OWNER, 100);
    assertThat(plan.puts()).containsExactlyElementsOf(desired);
    assertThat(plan.deletes()).isEmpty();
    assertThat(plan.conflicts()).isEmpty();
    assertThat(HierarchyPlanner.unlisted(desired, Map.of())).hasSize(desired.size());
  }

  @Test
  void anUnchangedHierarchyWritesNothing() {
    HierarchyPlan plan = plan(manifestOfEverything(), Map.of(), OWNER, 100);
    assertThat(plan.converged()).isTrue();
    assertThat(HierarchyPlanner.unlisted(desired, manifestOfEverything())).isEmpty();
  }

  @Test
  void onlyTheChangedItemIsWrittenAndRemovedOnesAreDeleted() {
    Map<ItemKey, String> manifest = manifestOfEverything();
    ItemKey changed = desired.get(0).key();
    manifest.put(changed, "older");
    ItemKey removed = new ItemKey("E#gone", "M#");
    manifest.put(removed, "whatever");
    HierarchyPlan plan = plan(manifest, Map.of(), OWNER, 100);
    assertThat(plan.puts()).extracting(DesiredItem::key).containsExactly(changed);
    assertThat(plan.deletes()).containsExactly(removed);
  }

  @Test
  void itemsHeldByOthersAreConflictsAndNeverWritten() {
    ItemKey project = new ItemKey("E#project-123", "M#");
    ItemKey system = new ItemKey("S#system", "L#*");
    HierarchyPlan plan =
        plan(
            Map.of(),
            Map.of(project, Optional.of("team-b/other"), system, Optional.empty()),
            OWNER,
            100);
    ItemKey projectLimits = new ItemKey("E#project-123", "L#llm-api");
    assertThat(plan.conflicts())
        .extracting(HierarchyPlan.Conflict::key)
        .containsExactlyInAnyOrder(project, projectLimits, system);
    assertThat(plan.conflicts())
        .extracting(Object::toString)
        .contains(
            "E#project-123/M# (owned by team-b/other)",
            "E#project-123/L#llm-api (owned by team-b/other)",
            "S#system/L#* (owned by no hierarchy)");
    assertThat(plan.puts())
        .extracting(DesiredItem::key)
        .doesNotContain(project, projectLimits, system)
        .hasSize(desired.size() - 3);
  }

  @Test
  void anItemItWroteBeforeACrashIsItsOwn() {
    ItemKey project = new ItemKey("E#project-123", "M#");
    HierarchyPlan plan = plan(Map.of(), Map.of(project, Optional.of(OWNER)), OWNER, 100);
    assertThat(plan.conflicts()).isEmpty();
    assertThat(plan.puts()).extracting(DesiredItem::key).contains(project);
  }

  @Test
  void aPassStopsAtItsBudgetAndCountsWhatIsLeft() {
    Map<ItemKey, String> manifest = new HashMap<>();
    manifest.put(new ItemKey("E#gone-1", "M#"), "x");
    manifest.put(new ItemKey("E#gone-2", "M#"), "x");
    HierarchyPlan plan = plan(manifest, Map.of(), OWNER, 3);
    assertThat(plan.puts()).hasSize(3);
    assertThat(plan.deletes()).isEmpty();
    assertThat(plan.pending()).isEqualTo(desired.size() - 3 + 2);
    assertThat(plan.converged()).isFalse();
  }

  @Test
  void aShardCountChangeIsWrittenWithTheOldCountAndItsTime() {
    DesiredItem project =
        desired.stream()
            .filter(i -> i.entity() != null && i.entity().id().equals("project-123"))
            .findFirst()
            .orElseThrow();
    Instant now = Instant.parse("2026-11-24T10:00:00Z");
    HierarchyPlanner.ShardTransitions changed =
        HierarchyPlanner.withShardTransitions(
            List.of(project),
            Map.of(project.key(), new EntityShards(4, 4, null, 4)),
            Map.of(),
            OWNER,
            now);
    assertThat(changed.deferred()).isZero();
    Map<String, AttributeValue> item = changed.puts().get(0).item().get();
    assertThat(item.get(LimiterTableSchema.SHARDS_ATTRIBUTE).n()).isEqualTo("8");
    assertThat(item.get(LimiterTableSchema.PREVIOUS_SHARDS_ATTRIBUTE).n()).isEqualTo("4");
    assertThat(item.get(LimiterTableSchema.SHARDS_CHANGED_AT_ATTRIBUTE).n())
        .isEqualTo(Long.toString(now.toEpochMilli()));
    assertThat(changed.puts().get(0).digest())
        .as("the declaration's digest, not the transition's")
        .isEqualTo(project.digest());
  }

  @Test
  void aChangeDuringThePreviousTransitionWaitsForItsEnd() {
    DesiredItem project =
        desired.stream()
            .filter(i -> i.entity() != null && i.entity().id().equals("project-123"))
            .findFirst()
            .orElseThrow();
    Instant changedAt = Instant.parse("2026-11-24T10:00:00Z");
    HierarchyPlanner.ShardTransitions waiting =
        HierarchyPlanner.withShardTransitions(
            List.of(project),
            Map.of(project.key(), new EntityShards(2, 4, changedAt, 4)),
            Map.of(),
            OWNER,
            changedAt.plusSeconds(60));
    assertThat(waiting.puts()).isEmpty();
    assertThat(waiting.deferred()).isEqualTo(1);
    assertThat(waiting.retryAt()).contains(changedAt.plus(EntityShards.TRANSITION));

    HierarchyPlanner.ShardTransitions keeping =
        HierarchyPlanner.withShardTransitions(
            List.of(project),
            Map.of(project.key(), new EntityShards(8, 4, changedAt, 8)),
            Map.of(),
            OWNER,
            changedAt.plusSeconds(60));
    assertThat(
            keeping
                .puts()
                .get(0)
                .item()
                .get()
                .get(LimiterTableSchema.PREVIOUS_SHARDS_ATTRIBUTE)
                .n())
        .as("a rewrite with the same count keeps the running transition")
        .isEqualTo("4");

    HierarchyPlanner.ShardTransitions later =
        HierarchyPlanner.withShardTransitions(
            List.of(project),
            Map.of(project.key(), new EntityShards(2, 4, changedAt, 4)),
            Map.of(),
            OWNER,
            changedAt.plus(EntityShards.TRANSITION));
    assertThat(later.puts()).hasSize(1);
    assertThat(later.deferred()).isZero();
  }

  private DesiredItem project() {
    return desired.stream()
        .filter(i -> i.entity() != null && i.entity().id().equals("project-123"))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void anEntityRemovedWhileProcessesMayCacheItComesBackThroughTheTransition() {
    DesiredItem project = project();
    Instant removedAt = Instant.parse("2026-11-24T10:00:00Z");
    Instant now = removedAt.plusSeconds(60);
    HierarchyPlanner.ShardTransitions readded =
        HierarchyPlanner.withShardTransitions(
            List.of(project),
            Map.of(),
            Map.of(project.key(), new RemovedEntity(new EntityShards(2, 2, null, 2), removedAt)),
            OWNER,
            now);
    Map<String, AttributeValue> item = readded.puts().get(0).item().get();
    assertThat(item.get(LimiterTableSchema.SHARDS_ATTRIBUTE).n()).isEqualTo("8");
    assertThat(item.get(LimiterTableSchema.PREVIOUS_SHARDS_ATTRIBUTE).n()).isEqualTo("2");
    assertThat(item.get(LimiterTableSchema.SHARDS_CHANGED_AT_ATTRIBUTE).n())
        .isEqualTo(Long.toString(now.toEpochMilli()));

    HierarchyPlanner.ShardTransitions midTransition =
        HierarchyPlanner.withShardTransitions(
            List.of(project),
            Map.of(),
            Map.of(
                project.key(),
                new RemovedEntity(
                    new EntityShards(2, 4, removedAt.minusSeconds(30), 4), removedAt)),
            OWNER,
            now);
    assertThat(midTransition.deferred())
        .as("removed during its own transition: the re-add waits for its end")
        .isEqualTo(1);

    HierarchyPlanner.ShardTransitions longGone =
        HierarchyPlanner.withShardTransitions(
            List.of(project),
            Map.of(),
            Map.of(project.key(), new RemovedEntity(new EntityShards(16, 16, null, 16), removedAt)),
            OWNER,
            removedAt.plus(EntityShards.TRANSITION));
    Map<String, AttributeValue> fresh = longGone.puts().get(0).item().get();
    assertThat(fresh).doesNotContainKey(LimiterTableSchema.PREVIOUS_SHARDS_ATTRIBUTE);
    assertThat(fresh.get(LimiterTableSchema.MAX_SHARDS_ATTRIBUTE).n())
        .as("its old buckets are still found")
        .isEqualTo("16");
  }

  @Test
  void anEntityKeepsTheMostShardsItEverHad() {
    DesiredItem project = project();
    Instant changedAt = Instant.parse("2026-11-24T10:00:00Z");
    HierarchyPlanner.ShardTransitions grown =
        HierarchyPlanner.withShardTransitions(
            List.of(project),
            Map.of(project.key(), new EntityShards(4, 32, changedAt, 32)),
            Map.of(),
            OWNER,
            changedAt.plus(EntityShards.TRANSITION));
    assertThat(grown.puts().get(0).item().get().get(LimiterTableSchema.MAX_SHARDS_ATTRIBUTE).n())
        .isEqualTo("32");
    assertThat(
            HierarchyPlanner.bucketPartitions("project-123", new EntityShards(2, 4, changedAt, 8)))
        .containsExactly(
            "E#project-123",
            "E#project-123#1",
            "E#project-123#2",
            "E#project-123#3",
            "E#project-123#4",
            "E#project-123#5",
            "E#project-123#6",
            "E#project-123#7");
  }

  @Test
  void removedEntitiesGoAfterEverythingStoredUnderThem() {
    Map<ItemKey, String> manifest = manifestOfEverything();
    ItemKey entity = new ItemKey("E#gone", "M#");
    ItemKey limits = new ItemKey("E#gone", "L#*");
    manifest.put(entity, "x");
    manifest.put(limits, "x");
    manifest.put(new ItemKey("R#old", "L#*"), "x");
    HierarchyPlan plan = plan(manifest, Map.of(), OWNER, 100);
    assertThat(plan.deletes()).hasSize(3).last().isEqualTo(entity);
  }

  @Test
  void onlyTheItemsWhoseHoldersWereReadAreWrittenTheOthersWait() {
    List<ItemKey> lookedUp = HierarchyPlanner.unlisted(desired, Map.of()).subList(0, 2);
    assertThat(lookedUp).hasSize(2);
    HierarchyPlan plan = HierarchyPlanner.plan(desired, Map.of(), Map.of(), lookedUp, OWNER, 100);
    assertThat(plan.puts()).extracting(DesiredItem::key).containsExactlyElementsOf(lookedUp);
    assertThat(plan.pending()).isEqualTo(desired.size() - 2);
  }

  @Test
  void itemsUnderAnEntityWhoseClaimWasLostAreConflictsToo() {
    HierarchyPlanner.ClaimOrder order = HierarchyPlanner.ClaimOrder.of(desired);
    assertThat(order.entities()).allSatisfy(item -> assertThat(item.entity()).isNotNull());
    ItemKey project = new ItemKey("E#project-123", "M#");
    HierarchyPlanner.Split rest =
        order.restAfter(List.of(new HierarchyPlan.Conflict(project, "team-b/other")));
    assertThat(rest.conflicts())
        .extracting(Object::toString)
        .containsExactly("E#project-123/L#llm-api (owned by team-b/other)");
    assertThat(rest.write())
        .extracting(DesiredItem::key)
        .noneMatch(key -> key.partition().equals("E#project-123"))
        .hasSize(order.rest().size() - 1);
  }
}
