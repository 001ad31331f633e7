package dev.limiter.operator.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.limiter.operator.api.RateLimiterTable;
import dev.limiter.operator.testing.KubeSteps;
import dev.limiter.testkit.DynamoDbLocal;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Objects the operator's model cannot hold (what admission would refuse, stored anyway: no
 * admission in the sandbox, a CRD downgrade, a hand edit) never stop the operator or its informers:
 * each is reported on the object as InvalidSpec naming the field, and every other resource is still
 * reconciled. The mock API server has no admission, so the objects are stored as generic resources.
 */
@EnableKubernetesMockClient(crud = true)
class UnreadableResourceTest {

  static KubernetesClient client;

  private static KubeSteps<RateLimiterTable> kube;

  private static final ResourceDefinitionContext TABLES =
      KubeSteps.definition("ratelimitertables", "RateLimiterTable");
  private static final ResourceDefinitionContext HIERARCHIES =
      KubeSteps.definition("entityhierarchies", "EntityHierarchy");
  private static OperatorHarness harness;

  @BeforeAll
  static void start() {
    kube = KubeSteps.tables(client, Duration.ofSeconds(60));
    // Stored before the operator starts: its informers' first list meets them.
    create(
        TABLES,
        """
        apiVersion: limiter.dev/v1alpha1
        kind: RateLimiterTable
        metadata: {name: sideways, namespace: unreadable}
        spec:
          billing: {mode: Sideways}
        """);
    create(
        HIERARCHIES,
        """
        apiVersion: limiter.dev/v1alpha1
        kind: EntityHierarchy
        metadata: {name: maybe, namespace: unreadable}
        spec:
          tableRef: {name: sideways}
          system:
            onUnavailable: Maybe
            limits: [{name: rpm, rate: lots, period: 1m}]
        """);
    harness =
        OperatorHarness.start(
            client, Clock.systemUTC(), Duration.ofMinutes(5), DynamoDbLocal.shared().endpoint());
  }

  @AfterAll
  static void stop() {
    harness.close();
  }

  @Test
  void objectsUnreadableAtStartupAreReportedAndTheOperatorRuns() {
    awaitInvalidSpec(
        TABLES,
        "sideways",
        "spec.billing.mode: must be one of OnDemand, Provisioned, got \"Sideways\"");
    awaitInvalidSpec(
        HIERARCHIES,
        "maybe",
        "spec.system.onUnavailable: must be one of Allow, Block, got \"Maybe\"",
        "spec.system.limits[0].rate: must be an integer, got \"lots\"");
    assertThat(kube.events("unreadable", "sideways"))
        .anySatisfy(
            event -> {
              assertThat(event.getType()).isEqualTo("Warning");
              assertThat(event.getReason()).isEqualTo("InvalidSpec");
              assertThat(event.getMessage()).contains("spec.billing.mode");
            });
    assertThat(harness.aws().describeTable("unreadable-sideways")).isEmpty();

    create(TABLES, valid("after-startup"));
    kube.awaitReadyAsPlainData(TABLES, "unreadable", "after-startup");
  }

  @Test
  void anObjectStoredUnreadableWhileRunningIsReportedAndOthersKeepReconciling() {
    create(
        TABLES,
        """
        apiVersion: limiter.dev/v1alpha1
        kind: RateLimiterTable
        metadata: {name: abc, namespace: unreadable}
        spec:
          billing:
            mode: Provisioned
            provisioned: {readCapacityUnits: abc, writeCapacityUnits: 5}
          deletionPolicy: Delet
          typo: true
        """);
    // A hierarchy on the next table that the schema refuses: its own InvalidSpec, not the table's
    // failure.
    create(
        HIERARCHIES,
        """
        apiVersion: limiter.dev/v1alpha1
        kind: EntityHierarchy
        metadata: {name: no-writes, namespace: unreadable}
        spec:
          tableRef: {name: next}
          entities: [{id: tenant, shardsFor: {}}]
        """);
    create(TABLES, valid("next"));

    awaitInvalidSpec(
        HIERARCHIES, "no-writes", "spec.entities[0].shardsFor.writesPerSecond: is required");
    awaitInvalidSpec(
        TABLES,
        "abc",
        "spec.billing.provisioned.readCapacityUnits: must be an integer, got \"abc\"",
        "spec.deletionPolicy: must be one of Delete, Retain, got \"Delet\"",
        "spec.typo: unknown field");
    kube.awaitReadyAsPlainData(TABLES, "unreadable", "next");
    assertThat(harness.aws().describeTable("unreadable-abc")).isEmpty();
  }

  private static String valid(String name) {
    return """
    apiVersion: limiter.dev/v1alpha1
    kind: RateLimiterTable
    metadata: {name: %s, namespace: unreadable}
    spec:
      billing: {mode: OnDemand}
      deletionProtection: false
    """
        .formatted(name);
  }

  private static void awaitInvalidSpec(
      ResourceDefinitionContext context, String name, String... messages) {
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(kube.plainCondition(context, "unreadable", name, "Ready"))
                    .hasValueSatisfying(
                        ready -> {
                          assertThat(ready.getStatus()).isEqualTo("False");
                          assertThat(ready.getReason()).isEqualTo("InvalidSpec");
                          assertThat(ready.getMessage()).contains(messages);
                        }));
  }

  private static void create(ResourceDefinitionContext context, String yaml) {
    client
        .genericKubernetesResources(context)
        .inNamespace("unreadable")
        .resource(Serialization.unmarshal(yaml, GenericKubernetesResource.class))
        .create();
  }
}
