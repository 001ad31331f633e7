package dev.limiter.operator.controller;

import static dev.limiter.operator.testing.KubeSteps.findCondition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.limiter.operator.api.Billing;
import dev.limiter.operator.api.BillingMode;
import dev.limiter.operator.api.CapacityPlan;
import dev.limiter.operator.api.DeletionPolicy;
import dev.limiter.operator.api.ProvisionedCapacity;
import dev.limiter.operator.api.RateLimiterTable;
import dev.limiter.operator.api.RateLimiterTableSpec;
import dev.limiter.operator.plan.DesiredTable;
import dev.limiter.operator.testing.FakeDynamoDbTables;
import dev.limiter.operator.testing.KubeSteps;
import dev.limiter.operator.testing.Resources;
import dev.limiter.operator.testing.TableSpecs;
import dev.limiter.runtime.BillingSettings;
import dev.limiter.runtime.LimiterTableSchema;
import dev.limiter.testkit.DynamoDbLocal;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

/**
 * The operator against the fabric8 mock API server (CRUD mode, CRD registered) and DynamoDB Local.
 */
@EnableKubernetesMockClient(crud = true)
class RateLimiterTableReconcilerTest {

  static KubernetesClient client;

  private static KubeSteps<RateLimiterTable> kube;

  private static OperatorHarness harness;
  private static FakeDynamoDbTables aws;

  @BeforeAll
  static void start() {
    harness =
        OperatorHarness.start(
            client, Clock.systemUTC(), Duration.ofMinutes(5), DynamoDbLocal.shared().endpoint());
    aws = harness.aws();
    kube = KubeSteps.tables(client, Duration.ofSeconds(30));
  }

  @AfterAll
  static void stop() {
    harness.close();
  }

  private static RateLimiterTable table(
      String namespace, String name, Billing billing, DeletionPolicy policy) {
    return table(namespace, name, billing, policy, false);
  }

  private static RateLimiterTable table(
      String namespace,
      String name,
      Billing billing,
      DeletionPolicy policy,
      boolean deletionProtection) {
    return Resources.table(namespace, name, spec(billing, policy, deletionProtection));
  }

  private static RateLimiterTableSpec spec(
      Billing billing, DeletionPolicy policy, boolean deletionProtection) {
    return TableSpecs.billedBy(billing)
        .withTimeToLive(true)
        .withStream(true)
        .withDeletionProtection(deletionProtection)
        .withDeletionPolicy(policy)
        .withTags(Map.of("team", "a"))
        .build();
  }

  @Test
  void tableIsCreatedConvergedAndPublishedThenRetainedOnDeletion() {
    Billing billing =
        new Billing(
            BillingMode.Provisioned, new ProvisionedCapacity(10L, 5L, null), null, null, null);
    client.resource(table("team-a", "llm-limits", billing, null)).create();

    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              RateLimiterTable table = kube.get("team-a", "llm-limits");
              assertThat(findCondition(table, "Ready"))
                  .hasValueSatisfying(c -> assertThat(c.getStatus()).isEqualTo("True"));
            });
    RateLimiterTable table = kube.get("team-a", "llm-limits");
    assertThat(table.getStatus().tableName()).isEqualTo("team-a-llm-limits");
    assertThat(table.getStatus().billingMode()).isEqualTo(BillingMode.Provisioned);
    assertThat(table.getStatus().readCapacityUnits()).isEqualTo(10);
    assertThat(table.getStatus().writeCapacityUnits()).isEqualTo(5);
    assertThat(table.getStatus().observedGeneration())
        .isEqualTo(table.getMetadata().getGeneration());
    assertThat(table.getStatus().conditions())
        .extracting(Condition::getType)
        .contains("TableReady", "CapacitySynced", "BillingModeCooldown", "Ready", "Synced");
    assertThat(aws.describeTable("team-a-llm-limits")).isPresent();

    ConfigMap configMap =
        client.configMaps().inNamespace("team-a").withName("llm-limits-limiter").get();
    assertThat(configMap.getData())
        .containsEntry("LIMITER_TABLE_NAME", "team-a-llm-limits")
        .containsEntry("AWS_REGION", "us-east-1")
        .containsEntry("LIMITER_ENDPOINT_URL", DynamoDbLocal.shared().endpoint().toString());
    assertThat(configMap.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(owner -> assertThat(owner.getKind()).isEqualTo("RateLimiterTable"));
    assertThat(kube.events("team-a", "llm-limits"))
        .anySatisfy(
            event ->
                assertThat(event.getMessage())
                    .contains("Creating DynamoDB table team-a-llm-limits"));

    client.resource(table).delete();
    await().atMost(Duration.ofSeconds(30)).until(() -> kube.get("team-a", "llm-limits") == null);
    assertThat(aws.describeTable("team-a-llm-limits")).as("Retain keeps the table").isPresent();
  }

  @Test
  void semanticErrorsAreReportedAsInvalidSpec() {
    // The API server's CEL rule refuses this; the mock server does not run CEL, the operator still
    // reports it.
    Billing both =
        new Billing(
            BillingMode.Provisioned,
            new ProvisionedCapacity(10L, 5L, null),
            new CapacityPlan(10L, null, null),
            null,
            null);
    client.resource(table("team-b", "broken", both, null)).create();
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(findCondition(kube.get("team-b", "broken"), "Ready"))
                    .hasValueSatisfying(
                        c -> {
                          assertThat(c.getStatus()).isEqualTo("False");
                          assertThat(c.getReason()).isEqualTo("InvalidSpec");
                          assertThat(c.getMessage()).contains("exactly one of");
                        }));
    assertThat(aws.describeTable("team-b-broken")).isEmpty();
  }

  @Test
  void deletePolicyIsBlockedByDeletionProtectionUntilTheSpecLiftsIt() {
    Billing onDemand = new Billing(BillingMode.OnDemand, null, null, null, null);
    client.resource(table("team-c", "doomed", onDemand, DeletionPolicy.Delete, true)).create();
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(findCondition(kube.get("team-c", "doomed"), "Ready"))
                    .hasValueSatisfying(c -> assertThat(c.getStatus()).isEqualTo("True")));
    assertThat(aws.describeTable("team-c-doomed").orElseThrow().deletionProtectionEnabled())
        .isTrue();

    client.resources(RateLimiterTable.class).inNamespace("team-c").withName("doomed").delete();
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(findCondition(kube.get("team-c", "doomed"), "Ready"))
                    .hasValueSatisfying(
                        c -> {
                          assertThat(c.getReason()).isEqualTo("DeletionBlocked");
                          assertThat(c.getMessage()).contains("nothing was deleted");
                        }));
    assertThat(aws.describeTable("team-c-doomed")).isPresent();

    kube.edit(
        "team-c",
        "doomed",
        blocked -> {
          blocked.setSpec(spec(onDemand, DeletionPolicy.Delete, false));
          return blocked;
        });
    await().atMost(Duration.ofSeconds(60)).until(() -> kube.get("team-c", "doomed") == null);
    assertThat(aws.describeTable("team-c-doomed")).isEmpty();
  }

  @Test
  void deletingAResourceInConflictWithAnotherOwnersTableReleasesItAndLeavesTheTableUntouched() {
    assertConflictIsReleasedUntouched(
        "team-d", "thief", "their-limits", Map.of(DesiredTable.OWNER_TAG, "team-x/theirs"));
  }

  @Test
  void deletingAResourceInConflictWithAnUntaggedTableReleasesItAndLeavesTheTableUntouched() {
    assertConflictIsReleasedUntouched("team-e", "thief", "hand-made-limits", Map.of("team", "x"));
  }

  /**
   * A foreign table, protected, and a resource naming it with deletionPolicy Delete and protection
   * off: deleting the resource releases it, and the table keeps its protection, tags and existence.
   */
  private static void assertConflictIsReleasedUntouched(
      String namespace, String name, String tableName, Map<String, String> tags) {
    try {
      aws.createTable(
          LimiterTableSchema.createTableRequest(tableName, BillingSettings.onDemand()).toBuilder()
              .deletionProtectionEnabled(true)
              .build());
    } catch (ResourceInUseException e) {
      // On a loaded machine the SDK retries a creation that outlived its attempt timeout; the table
      // exists.
      assertThat(aws.describeTable(tableName))
          .as("table %s after %s", tableName, e.getMessage())
          .isPresent();
    }
    aws.tagResource(aws.describeTable(tableName).orElseThrow().tableArn(), tags);
    Billing onDemand = new Billing(BillingMode.OnDemand, null, null, null, null);
    RateLimiterTable resource = table(namespace, name, onDemand, DeletionPolicy.Delete, false);
    resource.setSpec(TableSpecs.from(resource.getSpec()).withTableName(tableName).build());
    client.resource(resource).create();
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(findCondition(kube.get(namespace, name), "Ready"))
                    .hasValueSatisfying(c -> assertThat(c.getReason()).isEqualTo("TableConflict")));

    client.resources(RateLimiterTable.class).inNamespace(namespace).withName(name).delete();
    await().atMost(Duration.ofSeconds(30)).until(() -> kube.get(namespace, name) == null);

    TableDescription after =
        aws.describeTable(tableName)
            .orElseThrow(() -> new AssertionError("the foreign table was deleted"));
    assertThat(after.deletionProtectionEnabled())
        .as("deletion protection of the foreign table")
        .isTrue();
    assertThat(new HashMap<>(aws.listTags(after.tableArn()))).isEqualTo(tags);
    assertThat(harness.tableMutations())
        .as("calls that change the foreign table")
        .noneMatch(call -> call.contains(tableName));
    assertThat(kube.events(namespace, name))
        .anySatisfy(
            event -> {
              assertThat(event.getType()).isEqualTo("Warning");
              assertThat(event.getMessage())
                  .contains("table " + tableName + " is not owned by this resource")
                  .contains("released, nothing deleted");
            });
  }
}
