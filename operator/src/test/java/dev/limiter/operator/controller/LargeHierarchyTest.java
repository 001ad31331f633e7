package dev.limiter.operator.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.limiter.operator.api.ChildEntity;
import dev.limiter.operator.api.EntityHierarchy;
import dev.limiter.operator.api.EntityHierarchySpec;
import dev.limiter.operator.api.LeafEntity;
import dev.limiter.operator.api.LimitSpec;
import dev.limiter.operator.api.RootEntity;
import dev.limiter.operator.api.SystemDefaults;
import dev.limiter.operator.api.TableRef;
import dev.limiter.operator.api.UnavailablePolicy;
import dev.limiter.operator.reconcile.HierarchyPacing;
import dev.limiter.operator.reconcile.HierarchyReconciliation;
import dev.limiter.operator.testing.KubeSteps;
import dev.limiter.operator.testing.Resources;
import dev.limiter.operator.testing.TableSpecs;
import dev.limiter.runtime.LimiterTableSchema;
import dev.limiter.testkit.DynamoDbLocal;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * A 20,000-entity hierarchy is applied in passes of {@link HierarchyReconciliation#BUDGET} items,
 * each visible in status as progress, so no pass holds or writes more than that. The on-demand
 * write rate is raised so that the test measures the passes, not the pacing (see
 * HierarchyPacingTest).
 */
@EnableKubernetesMockClient(crud = true)
class LargeHierarchyTest {

  static KubernetesClient client;

  private static final int KEYS = 20_000;
  private static OperatorHarness harness;

  @BeforeAll
  static void start() {
    harness =
        OperatorHarness.start(
            client,
            Clock.systemUTC(),
            Duration.ofSeconds(2),
            null,
            new HierarchyPacing(10, 100_000));
  }

  @AfterAll
  static void stop() {
    harness.close();
  }

  @Test
  void twentyThousandEntitiesAreAppliedInBoundedResumablePasses() {
    client.resource(Resources.table("big", "limits", TableSpecs.onDemand().build())).create();

    List<ChildEntity> keys = new ArrayList<>(KEYS);
    for (int i = 0; i < KEYS; i++) {
      keys.add(new ChildEntity("key-" + i, true, null, null, null, null, List.<LeafEntity>of()));
    }
    EntityHierarchy hierarchy = new EntityHierarchy();
    hierarchy.setMetadata(new ObjectMetaBuilder().withNamespace("big").withName("keys").build());
    hierarchy.setSpec(
        new EntityHierarchySpec(
            new TableRef("limits"),
            new SystemDefaults(
                UnavailablePolicy.Block, List.of(new LimitSpec("rpm", 100L, "1m", null))),
            null,
            List.of(new RootEntity("tenant", null, null, 16, null, keys))));
    client.resource(hierarchy).create();

    Set<Long> pendingSeen = new TreeSet<>();
    await()
        .atMost(Duration.ofMinutes(5))
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(
            () -> {
              EntityHierarchy current =
                  KubeSteps.hierarchies(client, Duration.ofSeconds(60)).get("big", "keys");
              if (current.getStatus() != null && current.getStatus().itemsPending() != null) {
                pendingSeen.add(current.getStatus().itemsPending());
              }
              assertThat(current.getStatus()).isNotNull();
              assertThat(current.getStatus().conditions())
                  .anySatisfy(
                      c -> {
                        assertThat(c.getType()).isEqualTo("Ready");
                        assertThat(c.getStatus()).isEqualTo("True");
                      });
            });
    EntityHierarchy done = KubeSteps.hierarchies(client, Duration.ofSeconds(60)).get("big", "keys");
    assertThat(done.getStatus().entities()).isEqualTo(KEYS + 1);
    assertThat(done.getStatus().itemsPending()).isZero();
    assertThat(pendingSeen)
        .as("progress observed between passes")
        .anySatisfy(pending -> assertThat(pending).isGreaterThan(0L).isLessThan((long) KEYS));
    assertThat(pendingSeen.stream().filter(p -> p > 0).max(Long::compare).orElseThrow())
        .as("the first pass wrote at most its budget")
        .isGreaterThanOrEqualTo((long) KEYS + 2 - HierarchyReconciliation.BUDGET);
    try (DynamoDbClient inspect = DynamoDbLocal.shared().inspectionClient()) {
      int manifest =
          inspect
              .queryPaginator(
                  q ->
                      q.tableName("big-limits")
                          .keyConditionExpression("pk = :pk")
                          .select("COUNT")
                          .filterExpression("kind = :manifest")
                          .expressionAttributeValues(
                              Map.of(
                                  ":pk",
                                  AttributeValue.fromS(
                                      LimiterTableSchema.manifestPartition("big/keys")),
                                  ":manifest",
                                  AttributeValue.fromS(LimiterTableSchema.KIND_MANIFEST))))
              .stream()
              .mapToInt(QueryResponse::count)
              .sum();
      assertThat(manifest)
          .as("every entity and the system limits, each written once")
          .isEqualTo(KEYS + 2);
    }
  }
}
