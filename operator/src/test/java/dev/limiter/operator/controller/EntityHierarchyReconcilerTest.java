package dev.limiter.operator.controller;

import static dev.limiter.operator.testing.KubeSteps.condition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.limiter.operator.api.ChildEntity;
import dev.limiter.operator.api.DeletionPolicy;
import dev.limiter.operator.api.EntityHierarchy;
import dev.limiter.operator.api.EntityHierarchySpec;
import dev.limiter.operator.api.LeafEntity;
import dev.limiter.operator.api.LimitSpec;
import dev.limiter.operator.api.ResourceDefaults;
import dev.limiter.operator.api.RootEntity;
import dev.limiter.operator.api.SystemDefaults;
import dev.limiter.operator.api.TableRef;
import dev.limiter.operator.api.UnavailablePolicy;
import dev.limiter.operator.plan.hierarchy.ItemKey;
import dev.limiter.operator.testing.KubeSteps;
import dev.limiter.operator.testing.Resources;
import dev.limiter.operator.testing.TableSpecs;
import dev.limiter.runtime.LimiterTableSchema;
import dev.limiter.testkit.ConsumedCapacityRecorder;
import dev.limiter.testkit.DynamoDbLocal;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * EntityHierarchy against the mock API server and DynamoDB Local: applied through the runtime's
 * item encoding, one changed limit is one write, an unchanged spec costs none, removed entities go,
 * two hierarchies never fight over an entity, and a table that is not ready is waited for.
 */
@EnableKubernetesMockClient(crud = true)
class EntityHierarchyReconcilerTest {

  static KubernetesClient client;

  private static KubeSteps<EntityHierarchy> kube;

  private static final ConsumedCapacityRecorder RECORDER = new ConsumedCapacityRecorder();
  private static final WrittenItems WRITTEN = new WrittenItems();
  private static OperatorHarness harness;
  private static DynamoDbClient inspect;

  @BeforeAll
  static void start() {
    harness =
        OperatorHarness.start(
            client, Clock.systemUTC(), Duration.ofSeconds(2), null, RECORDER, WRITTEN);
    inspect = DynamoDbLocal.shared().inspectionClient();
    kube = KubeSteps.hierarchies(client, Duration.ofSeconds(60));
  }

  @AfterAll
  static void stop() {
    harness.close();
    inspect.close();
  }

  private static LimitSpec rpm(long rate) {
    return new LimitSpec("rpm", rate, "1m", null);
  }

  private static EntityHierarchySpec spec(String table, long projectRpm, List<ChildEntity> keys) {
    return spec(table, projectRpm, 8, keys);
  }

  private static EntityHierarchySpec spec(
      String table, long projectRpm, int shards, List<ChildEntity> keys) {
    return new EntityHierarchySpec(
        new TableRef(table),
        new SystemDefaults(UnavailablePolicy.Block, List.of(rpm(1000))),
        List.of(new ResourceDefaults("llm-api", List.of(new LimitSpec("rpm", 600L, "1m", 900L)))),
        List.of(
            new RootEntity(
                "project-123",
                null,
                List.of(new ResourceDefaults("llm-api", List.of(rpm(projectRpm)))),
                shards,
                null,
                keys)));
  }

  private static ChildEntity key(String id) {
    return new ChildEntity(id, true, null, null, null, null, List.<LeafEntity>of());
  }

  private static void createTable(String namespace, String name) {
    client.resource(Resources.table(namespace, name, TableSpecs.onDemand().build())).create();
  }

  private static void createHierarchy(String namespace, String name, EntityHierarchySpec spec) {
    client.resource(Resources.hierarchy(namespace, name, spec)).create();
  }

  private static void awaitApplied(String namespace, String name) {
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              EntityHierarchy hierarchy = kube.get(namespace, name);
              assertThat(condition(hierarchy, "Ready").getStatus()).isEqualTo("True");
              assertThat(hierarchy.getStatus().observedGeneration())
                  .isEqualTo(hierarchy.getMetadata().getGeneration());
            });
  }

  private static Map<String, AttributeValue> item(String table, Map<String, AttributeValue> key) {
    return inspect.getItem(b -> b.tableName(table).key(key).consistentRead(true)).item();
  }

  @Test
  void appliedThenOneChangedLimitIsOneWriteAnUnchangedSpecNoneAndRemovedEntitiesGo() {
    createTable("ops", "llm-limits");
    createHierarchy(
        "ops", "llm", spec("llm-limits", 5000, List.of(key("api-key-1"), key("api-key-2"))));
    awaitApplied("ops", "llm");
    EntityHierarchy applied = kube.get("ops", "llm");
    assertThat(applied.getStatus().entities()).isEqualTo(3);
    assertThat(applied.getStatus().limits()).isEqualTo(3);
    assertThat(applied.getStatus().shards()).isEqualTo(10);
    assertThat(applied.getStatus().tableName()).isEqualTo("ops-llm-limits");
    Map<String, AttributeValue> key1 =
        item("ops-llm-limits", LimiterTableSchema.entityKey("api-key-1"));
    assertThat(key1.get(LimiterTableSchema.PARENT_ATTRIBUTE).s()).isEqualTo("project-123");
    assertThat(key1.get(LimiterTableSchema.OWNER_ATTRIBUTE).s()).isEqualTo("ops/llm");
    assertThat(
            item("ops-llm-limits", LimiterTableSchema.entityKey("project-123"))
                .get(LimiterTableSchema.SHARDS_ATTRIBUTE)
                .n())
        .isEqualTo("8");

    WRITTEN.reset();
    kube.edit(
        "ops",
        "llm",
        h -> {
          h.setSpec(spec("llm-limits", 6000, List.of(key("api-key-1"), key("api-key-2"))));
          return h;
        });
    awaitApplied("ops", "llm");
    assertThat(WRITTEN.puts())
        .as("the one changed limit item")
        .containsExactly(
            ItemKey.of(LimiterTableSchema.entityResourceLimitsKey("project-123", "llm-api")));
    assertThat(kube.get("ops", "llm").getStatus().itemsWritten()).isEqualTo(1);
    assertThat(
            item(
                    "ops-llm-limits",
                    LimiterTableSchema.entityResourceLimitsKey("project-123", "llm-api"))
                .get(LimiterTableSchema.LIMITS_ATTRIBUTE)
                .m()
                .get("rpm")
                .m()
                .get("r")
                .n())
        .isEqualTo("6000");

    RECORDER.reset();
    kube.edit(
        "ops",
        "llm",
        h -> {
          h.getMetadata().setAnnotations(Map.of("touched", "yes"));
          return h;
        });
    await()
        .pollDelay(Duration.ofSeconds(5))
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(condition(kube.get("ops", "llm"), "Ready").getStatus())
                    .isEqualTo("True"));
    assertThat(RECORDER.calls("BatchWriteItem")).as("an unchanged spec writes nothing").isZero();
    assertThat(RECORDER.writeUnits()).isZero();

    kube.edit(
        "ops",
        "llm",
        h -> {
          h.setSpec(spec("llm-limits", 6000, List.of(key("api-key-1"))));
          return h;
        });
    awaitApplied("ops", "llm");
    assertThat(item("ops-llm-limits", LimiterTableSchema.entityKey("api-key-2")))
        .as("removed entity")
        .isEmpty();
    assertThat(kube.get("ops", "llm").getStatus().itemsDeleted()).isEqualTo(1);
  }

  @Test
  void twoHierarchiesClaimingOneEntityIsAConflictAndTheSecondWritesNothingOfIt() {
    createTable("shared", "limits");
    createHierarchy("shared", "first", spec("limits", 5000, List.of(key("api-key-1"))));
    awaitApplied("shared", "first");
    createHierarchy(
        "shared",
        "second",
        new EntityHierarchySpec(
            new TableRef("limits"),
            null,
            null,
            List.of(new RootEntity("project-123", List.of(rpm(1)), null, null, null, null))));
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              EntityHierarchy second = kube.get("shared", "second");
              assertThat(condition(second, "Conflict").getStatus()).isEqualTo("True");
              assertThat(condition(second, "Ready").getReason()).isEqualTo("Conflict");
              assertThat(condition(second, "Conflict").getMessage())
                  .contains("E#project-123/M# (owned by shared/first)");
            });
    assertThat(
            item("shared-limits", LimiterTableSchema.entityKey("project-123"))
                .get(LimiterTableSchema.OWNER_ATTRIBUTE)
                .s())
        .isEqualTo("shared/first");
    assertThat(item("shared-limits", LimiterTableSchema.entityDefaultLimitsKey("project-123")))
        .as("nothing under an entity held elsewhere is written")
        .isEmpty();
  }

  @Test
  void aTableThatIsNotReadyIsWaitedForThenTheHierarchyIsApplied() {
    createHierarchy("late", "llm", spec("later", 5000, List.of(key("api-key-1"))));
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              EntityHierarchy waiting = kube.get("late", "llm");
              assertThat(condition(waiting, "TableReady").getReason()).isEqualTo("TableNotReady");
              assertThat(condition(waiting, "Ready").getMessage())
                  .contains("RateLimiterTable late/later does not exist");
            });
    createTable("late", "later");
    awaitApplied("late", "llm");
    assertThat(item("late-later", LimiterTableSchema.entityKey("api-key-1"))).isNotEmpty();
  }

  @Test
  void deletingAHierarchyKeepsItsItemsByDefaultSoWorkloadsKeepTheirLimits() {
    createTable("kept", "limits");
    createHierarchy("kept", "llm", spec("limits", 5000, List.of(key("api-key-1"))));
    awaitApplied("kept", "llm");
    client.resources(EntityHierarchy.class).inNamespace("kept").withName("llm").delete();
    await().atMost(Duration.ofSeconds(30)).until(() -> kube.get("kept", "llm") == null);
    assertThat(item("kept-limits", LimiterTableSchema.entityKey("api-key-1")))
        .as("entity retained")
        .isNotEmpty();
    assertThat(item("kept-limits", LimiterTableSchema.systemLimitsKey()))
        .as("system limits retained")
        .isNotEmpty();
    assertThat(
            item(
                "kept-limits",
                LimiterTableSchema.entityResourceLimitsKey("project-123", "llm-api")))
        .isNotEmpty();
  }

  @Test
  void deletingAHierarchyWithDeletionPolicyDeleteRemovesItsItemsAndTheirBuckets() {
    createTable("gone", "limits");
    EntityHierarchySpec spec = spec("limits", 5000, List.of(key("api-key-1")));
    createHierarchy(
        "gone",
        "llm",
        new EntityHierarchySpec(
            spec.tableRef(),
            spec.system(),
            spec.resources(),
            spec.entities(),
            DeletionPolicy.Delete));
    awaitApplied("gone", "llm");
    for (int shard = 0; shard < 8; shard++) {
      Map<String, AttributeValue> bucket =
          new HashMap<>(LimiterTableSchema.bucketKey("project-123", "llm-api", shard));
      bucket.put(LimiterTableSchema.KIND, AttributeValue.fromS(LimiterTableSchema.KIND_BUCKET));
      inspect.putItem(b -> b.tableName("gone-limits").item(bucket));
    }
    client.resources(EntityHierarchy.class).inNamespace("gone").withName("llm").delete();
    await().atMost(Duration.ofSeconds(30)).until(() -> kube.get("gone", "llm") == null);
    assertThat(item("gone-limits", LimiterTableSchema.entityKey("api-key-1"))).isEmpty();
    assertThat(item("gone-limits", LimiterTableSchema.entityKey("project-123"))).isEmpty();
    assertThat(item("gone-limits", LimiterTableSchema.systemLimitsKey())).isEmpty();
    for (int shard = 0; shard < 8; shard++) {
      assertThat(item("gone-limits", LimiterTableSchema.bucketKey("project-123", "llm-api", shard)))
          .as("bucket %d", shard)
          .isEmpty();
    }
    assertThat(item("gone-limits", LimiterTableSchema.ownerMarkerKey("gone/llm")))
        .as("marker")
        .isEmpty();
  }

  @Test
  void semanticErrorsAreInvalidSpecWithTheirPaths() {
    createTable("bad", "limits");
    createHierarchy(
        "bad",
        "llm",
        new EntityHierarchySpec(
            new TableRef("limits"),
            null,
            null,
            List.of(
                new RootEntity(
                    "p", List.of(new LimitSpec("rpm", 10L, "1m", 5L)), null, null, null, null))));
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              Condition ready = condition(kube.get("bad", "llm"), "Ready");
              assertThat(ready.getReason()).isEqualTo("InvalidSpec");
              assertThat(ready.getMessage())
                  .contains("entities[0].limits[0]: burst 5 is below the rate 10 per 1m");
            });
  }

  @Test
  void aShardCountChangeCarriesTheRuntimesTransitionAndASecondOneWaitsForItsEnd() {
    createTable("shards", "limits");
    createHierarchy("shards", "llm", spec("limits", 5000, 8, List.of(key("api-key-1"))));
    awaitApplied("shards", "llm");
    kube.edit(
        "shards",
        "llm",
        h -> {
          h.setSpec(spec("limits", 5000, 4, List.of(key("api-key-1"))));
          return h;
        });
    assertThat(kube.get("shards", "llm").getSpec().entities().get(0).shards())
        .as("the edit reached the API server")
        .isEqualTo(4);
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(
                        item("shards-limits", LimiterTableSchema.entityKey("project-123"))
                            .get(LimiterTableSchema.SHARDS_ATTRIBUTE)
                            .n())
                    .as("status %s", kube.get("shards", "llm").getStatus())
                    .isEqualTo("4"));
    Map<String, AttributeValue> project =
        item("shards-limits", LimiterTableSchema.entityKey("project-123"));
    assertThat(project.get(LimiterTableSchema.PREVIOUS_SHARDS_ATTRIBUTE).n()).isEqualTo("8");
    assertThat(project).containsKey(LimiterTableSchema.SHARDS_CHANGED_AT_ATTRIBUTE);

    kube.edit(
        "shards",
        "llm",
        h -> {
          h.setSpec(spec("limits", 5000, 2, List.of(key("api-key-1"))));
          return h;
        });
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              Condition ready = condition(kube.get("shards", "llm"), "Ready");
              assertThat(ready.getReason()).isEqualTo("ShardTransition");
              assertThat(ready.getMessage()).contains("1 shard-count changes wait until");
            });
    assertThat(
            item("shards-limits", LimiterTableSchema.entityKey("project-123"))
                .get(LimiterTableSchema.SHARDS_ATTRIBUTE)
                .n())
        .as("not written during the previous transition")
        .isEqualTo("4");
  }
}
