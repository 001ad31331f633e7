package dev.limiter.operator.controller;

import static dev.limiter.operator.testing.KubeSteps.condition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.limiter.operator.api.Alarms;
import dev.limiter.operator.api.ContributorInsights;
import dev.limiter.operator.api.InsightsMode;
import dev.limiter.operator.api.RateLimiterTable;
import dev.limiter.operator.config.OperatorSettings;
import dev.limiter.operator.plan.DesiredTable;
import dev.limiter.operator.plan.DesiredTables;
import dev.limiter.operator.plan.WorkloadConfigMap;
import dev.limiter.operator.testing.FakeDynamoDbTables;
import dev.limiter.operator.testing.KubeSteps;
import dev.limiter.operator.testing.Resources;
import dev.limiter.operator.testing.TableSpecs;
import dev.limiter.runtime.BillingSettings;
import dev.limiter.runtime.LimiterTableSchema;
import dev.limiter.testkit.ManualClock;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ContributorInsightsAction;
import software.amazon.awssdk.services.dynamodb.model.ContributorInsightsMode;
import software.amazon.awssdk.services.dynamodb.model.ContributorInsightsStatus;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.StreamSpecification;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

/**
 * Adoption on the mock API server and DynamoDB Local, with an operator that grants namespace {@code
 * adopters} the tables {@code legacy-*}: what an adopted table keeps, what cannot be adopted, and
 * that the annotation alone adopts nothing.
 */
@EnableKubernetesMockClient(crud = true)
class AdoptionTest {

  static KubernetesClient client;

  private static KubeSteps<RateLimiterTable> kube;

  private static OperatorHarness harness;
  private static FakeDynamoDbTables aws;

  @BeforeAll
  static void start() {
    harness =
        OperatorHarness.start(
            client,
            ManualClock.at("2026-12-01T08:00:00Z"),
            OperatorSettings.fromEnvironment(
                Map.of(
                    "LIMITER_DEFAULT_REGION",
                    "us-east-1",
                    "LIMITER_RESYNC",
                    "1s",
                    "LIMITER_ADOPT",
                    "adopters:legacy-*")));
    aws = harness.aws();
    kube = KubeSteps.tables(client, Duration.ofSeconds(30));
  }

  @AfterAll
  static void stop() {
    harness.close();
  }

  @Test
  void aTableWithAnotherKeySchemaIsNotAdoptedAndKeepsEverything() {
    create(
        CreateTableRequest.builder()
            .tableName("legacy-by-id")
            .keySchema(KeySchemaElement.builder().attributeName("id").keyType(KeyType.HASH).build())
            .attributeDefinitions(
                AttributeDefinition.builder()
                    .attributeName("id")
                    .attributeType(ScalarAttributeType.S)
                    .build())
            .billingMode(BillingMode.PAY_PER_REQUEST)
            .streamSpecification(
                StreamSpecification.builder()
                    .streamEnabled(true)
                    .streamViewType(StreamViewType.KEYS_ONLY)
                    .build())
            .build());
    aws.updatePointInTimeRecovery("legacy-by-id", true);
    RateLimiterTable resource = adopting("adopters", "by-id", "legacy-by-id");
    resource.setSpec(
        TableSpecs.from(resource.getSpec())
            .withTimeToLive(false)
            .withStream(false)
            .withPointInTimeRecovery(false)
            .withAlarms(new Alarms(true, List.of(), null, null))
            .withContributorInsights(new ContributorInsights(InsightsMode.AccessedAndThrottledKeys))
            .build());
    client.resource(resource).create();

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              Condition ready = condition(kube.get("adopters", "by-id"), "Ready");
              assertThat(ready.getStatus()).isEqualTo("False");
              assertThat(ready.getReason()).isEqualTo("IncompatibleTable");
              assertThat(ready.getMessage())
                  .contains("partition key is id (S), the limiter needs pk (S)");
              assertThat(condition(kube.get("adopters", "by-id"), "TableReady").getStatus())
                  .isEqualTo("False");
            });
    TableDescription table = aws.describeTable("legacy-by-id").orElseThrow();
    assertThat(table.streamSpecification())
        .as("the stream")
        .isNotNull()
        .satisfies(stream -> assertThat(stream.streamEnabled()).isTrue());
    assertThat(
            aws.describeContinuousBackups("legacy-by-id")
                .pointInTimeRecoveryDescription()
                .pointInTimeRecoveryStatusAsString())
        .isEqualTo("ENABLED");
    assertThat(aws.listTags(table.tableArn())).doesNotContainKey(DesiredTable.OWNER_TAG);
    assertThat(harness.tableMutations())
        .as("calls that change the incompatible table (Contributor Insights included)")
        .noneMatch(c -> c.contains("legacy-by-id"));
    assertThat(harness.cloudWatch().describeAlarms("legacy-by-id"))
        .as("alarms put for the incompatible table")
        .isEmpty();
    assertThat(
            client
                .configMaps()
                .inNamespace("adopters")
                .withName("by-id" + WorkloadConfigMap.SUFFIX)
                .get())
        .as("no ConfigMap points workloads at a table they cannot use")
        .isNull();
  }

  @Test
  void anAdoptedTableKeepsWhatTheSpecLeavesUnset() {
    create(
        LimiterTableSchema.createTableRequest("legacy-limits", BillingSettings.onDemand())
            .toBuilder()
            .streamSpecification(
                StreamSpecification.builder()
                    .streamEnabled(true)
                    .streamViewType(StreamViewType.NEW_AND_OLD_IMAGES)
                    .build())
            .build());
    aws.updatePointInTimeRecovery("legacy-limits", true);
    aws.updateTimeToLive("legacy-limits", LimiterTableSchema.TTL_ATTRIBUTE, true);
    aws.updateContributorInsights(
        "legacy-limits",
        null,
        ContributorInsightsAction.ENABLE,
        ContributorInsightsMode.THROTTLED_KEYS);
    client.resource(adopting("adopters", "limits", "legacy-limits")).create();

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              Condition ready = condition(kube.get("adopters", "limits"), "Ready");
              assertThat(ready.getStatus()).as("Ready: %s", ready.getMessage()).isEqualTo("True");
            });
    TableDescription table = aws.describeTable("legacy-limits").orElseThrow();
    assertThat(aws.listTags(table.tableArn()))
        .containsEntry(DesiredTable.OWNER_TAG, "adopters/limits");
    assertThat(table.streamSpecification())
        .as("the stream")
        .isNotNull()
        .satisfies(stream -> assertThat(stream.streamEnabled()).isTrue());
    assertThat(
            aws.describeContinuousBackups("legacy-limits")
                .pointInTimeRecoveryDescription()
                .pointInTimeRecoveryStatusAsString())
        .isEqualTo("ENABLED");
    assertThat(aws.describeTimeToLive("legacy-limits").timeToLiveStatusAsString())
        .isEqualTo("ENABLED");
    assertThat(aws.describeContributorInsights("legacy-limits", null).contributorInsightsStatus())
        .as("Contributor Insights")
        .isEqualTo(ContributorInsightsStatus.ENABLED);
    assertThat(harness.tableMutations())
        .as("calls on the adopted table: the ownership tag only")
        .filteredOn(c -> c.contains("legacy-limits"))
        .singleElement()
        .asString()
        .startsWith("tagResource");
  }

  @Test
  void theAnnotationAloneAdoptsNothing() {
    create(LimiterTableSchema.createTableRequest("other-limits", BillingSettings.onDemand()));
    client.resource(adopting("adopters", "other", "other-limits")).create();
    create(LimiterTableSchema.createTableRequest("legacy-elsewhere", BillingSettings.onDemand()));
    client.resource(adopting("elsewhere", "legacy", "legacy-elsewhere")).create();

    for (String[] resource : new String[][] {{"adopters", "other"}, {"elsewhere", "legacy"}}) {
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                Condition ready = condition(kube.get(resource[0], resource[1]), "Ready");
                assertThat(ready.getReason()).isEqualTo("TableConflict");
                assertThat(ready.getMessage())
                    .contains("the operator does not let namespace " + resource[0] + " adopt");
              });
    }
    assertThat(aws.listTags(aws.describeTable("other-limits").orElseThrow().tableArn()))
        .doesNotContainKey(DesiredTable.OWNER_TAG);
    assertThat(aws.listTags(aws.describeTable("legacy-elsewhere").orElseThrow().tableArn()))
        .doesNotContainKey(DesiredTable.OWNER_TAG);
  }

  /**
   * Creates a table as someone else would. A creation that outlived the client's attempt timeout on
   * a loaded machine is retried by the SDK and then reports the table it made as preexisting.
   */
  private static void create(CreateTableRequest request) {
    try {
      aws.createTable(request);
    } catch (ResourceInUseException e) {
      assertThat(aws.describeTable(request.tableName()))
          .as("table %s after %s", request.tableName(), e.getMessage())
          .isPresent();
    }
  }

  /**
   * A RateLimiterTable naming {@code tableName}, annotated for adoption, leaving stream, TTL and
   * PITR unset.
   */
  private static RateLimiterTable adopting(String namespace, String name, String tableName) {
    RateLimiterTable table =
        Resources.table(
            namespace,
            name,
            TableSpecs.onDemand()
                .withTableName(tableName)
                .withTimeToLive(null)
                .withStream(null)
                .withPointInTimeRecovery(null)
                .build());
    table.getMetadata().setAnnotations(Map.of(DesiredTables.ADOPT_ANNOTATION, "true"));
    return table;
  }
}
