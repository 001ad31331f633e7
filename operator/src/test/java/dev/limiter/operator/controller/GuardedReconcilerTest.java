package dev.limiter.operator.controller;

import static dev.limiter.operator.testing.KubeSteps.condition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.limiter.operator.api.Billing;
import dev.limiter.operator.api.BillingMode;
import dev.limiter.operator.api.BillingModeSwitch;
import dev.limiter.operator.api.ProvisionedCapacity;
import dev.limiter.operator.api.RateLimiterTable;
import dev.limiter.operator.config.OperatorSettings;
import dev.limiter.operator.plan.DesiredTable;
import dev.limiter.operator.plan.DesiredTables;
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
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughput;
import software.amazon.awssdk.services.dynamodb.model.UpdateTableRequest;

/**
 * The operator on the mock API server and DynamoDB Local with an injected clock: the billing-mode
 * cooldown deferred and applied later, console drift put back, and ownership (conflict, then
 * adoption on request, which the operator grants namespace {@code owners}). A one second resync
 * stands in for the wake-ups the operator schedules, so moving the clock is enough.
 */
@EnableKubernetesMockClient(crud = true)
class GuardedReconcilerTest {

  static KubernetesClient client;

  private static KubeSteps<RateLimiterTable> kube;

  private static final Instant START = Instant.parse("2026-11-24T10:00:00Z");
  private static final ManualClock CLOCK = ManualClock.at(START.toString());

  private static OperatorHarness harness;
  private static FakeDynamoDbTables aws;

  @BeforeAll
  static void start() {
    harness =
        OperatorHarness.start(
            client,
            CLOCK,
            OperatorSettings.fromEnvironment(
                Map.of(
                    "LIMITER_DEFAULT_REGION",
                    "us-east-1",
                    "LIMITER_RESYNC",
                    "1s",
                    "LIMITER_ADOPT",
                    "owners:someone-elses-*")));
    aws = harness.aws();
    kube = KubeSteps.tables(client, Duration.ofSeconds(30));
  }

  @AfterAll
  static void stop() {
    harness.close();
  }

  @Test
  void switchBackIsDeferredByTheCooldownThenAppliedWhenItEnds() {
    Billing provisioned =
        new Billing(
            BillingMode.Provisioned, new ProvisionedCapacity(10L, 5L, null), null, null, null);
    Billing onDemand = new Billing(BillingMode.OnDemand, null, null, null, null);
    client.resource(table("guard", "switcher", null, provisioned)).create();
    kube.awaitReady("guard", "switcher");

    kube.edit("guard", "switcher", t -> withBilling(t, onDemand));
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              RateLimiterTable t = kube.get("guard", "switcher");
              assertThat(t.getStatus().billingMode()).isEqualTo(BillingMode.OnDemand);
              assertThat(condition(t, "Ready").getStatus()).isEqualTo("True");
            });
    assertThat(kube.get("guard", "switcher").getStatus().billingModeSwitches())
        .singleElement()
        .satisfies(
            s ->
                assertThat(s)
                    .isEqualTo(
                        new BillingModeSwitch(START.toString(), BillingMode.OnDemand, "spec")));

    CLOCK.advance(Duration.ofHours(3));
    kube.edit("guard", "switcher", t -> withBilling(t, provisioned));
    Instant allowedAt = START.plus(Duration.ofHours(24));
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              RateLimiterTable t = kube.get("guard", "switcher");
              assertThat(t.getStatus().observedGeneration())
                  .isEqualTo(t.getMetadata().getGeneration());
              Condition cooldown = condition(t, "BillingModeCooldown");
              assertThat(cooldown.getStatus()).isEqualTo("True");
              assertThat(cooldown.getMessage()).contains(allowedAt.toString());
              assertThat(t.getStatus().nextBillingModeSwitchAllowedAt())
                  .isEqualTo(allowedAt.toString());
              assertThat(condition(t, "Ready").getStatus()).isEqualTo("False");
            });
    assertThat(kube.events("guard", "switcher"))
        .anySatisfy(e -> assertThat(e.getMessage()).contains(allowedAt.toString()));
    assertThat(aws.describeTable("guard-switcher").orElseThrow().billingModeSummary().billingMode())
        .isEqualTo(software.amazon.awssdk.services.dynamodb.model.BillingMode.PAY_PER_REQUEST);

    CLOCK.set(allowedAt);
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              RateLimiterTable t = kube.get("guard", "switcher");
              assertThat(t.getStatus().billingMode()).isEqualTo(BillingMode.Provisioned);
              assertThat(condition(t, "BillingModeCooldown").getStatus()).isEqualTo("False");
              assertThat(condition(t, "Ready").getStatus()).isEqualTo("True");
            });
    var table = aws.describeTable("guard-switcher").orElseThrow();
    assertThat(table.provisionedThroughput().readCapacityUnits()).isEqualTo(10);
    assertThat(table.provisionedThroughput().writeCapacityUnits()).isEqualTo(5);
    // The switch to on-demand has left AWS's 24-hour window, so only the newest is kept.
    assertThat(kube.get("guard", "switcher").getStatus().billingModeSwitches())
        .containsExactly(
            new BillingModeSwitch(allowedAt.toString(), BillingMode.Provisioned, "spec"));
  }

  @Test
  void capacityChangedInTheConsoleIsPutBack() {
    Billing provisioned =
        new Billing(
            BillingMode.Provisioned, new ProvisionedCapacity(10L, 5L, null), null, null, null);
    client.resource(table("drift", "drifter", null, provisioned)).create();
    kube.awaitReady("drift", "drifter");

    aws.updateTable(
        UpdateTableRequest.builder()
            .tableName("drift-drifter")
            .provisionedThroughput(
                ProvisionedThroughput.builder()
                    .readCapacityUnits(25L)
                    .writeCapacityUnits(5L)
                    .build())
            .build());

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(
                        aws.describeTable("drift-drifter")
                            .orElseThrow()
                            .provisionedThroughput()
                            .readCapacityUnits())
                    .isEqualTo(10));
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              assertThat(kube.events("drift", "drifter"))
                  .anySatisfy(
                      e -> assertThat(e.getMessage()).contains("Updating table drift-drifter"));
              RateLimiterTable t = kube.get("drift", "drifter");
              assertThat(t.getStatus().readCapacityUnits()).isEqualTo(10);
              assertThat(t.getStatus().decreases().numberOfDecreasesToday()).isEqualTo(1);
              assertThat(condition(t, "Ready").getStatus()).isEqualTo("True");
            });
  }

  @Test
  void anExistingTableIsAConflictUntilTheAdoptAnnotationAsksForIt() {
    aws.createTable(
        LimiterTableSchema.createTableRequest("someone-elses-table", BillingSettings.onDemand()));
    Billing onDemand = new Billing(BillingMode.OnDemand, null, null, null, null);
    client.resource(table("owners", "adopter", "someone-elses-table", onDemand)).create();

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              Condition ready = condition(kube.get("owners", "adopter"), "Ready");
              assertThat(ready.getStatus()).isEqualTo("False");
              assertThat(ready.getReason()).isEqualTo("TableConflict");
              assertThat(ready.getMessage()).contains(DesiredTables.ADOPT_ANNOTATION);
            });
    assertThat(kube.events("owners", "adopter"))
        .anySatisfy(
            e -> {
              assertThat(e.getType()).isEqualTo("Warning");
              assertThat(e.getReason()).isEqualTo("TableConflict");
            });
    String arn = aws.describeTable("someone-elses-table").orElseThrow().tableArn();
    assertThat(aws.listTags(arn)).doesNotContainKey(DesiredTable.OWNER_TAG);

    kube.edit(
        "owners",
        "adopter",
        t -> {
          t.getMetadata().setAnnotations(Map.of(DesiredTables.ADOPT_ANNOTATION, "true"));
          return t;
        });
    kube.awaitReady("owners", "adopter");
    assertThat(aws.listTags(arn)).containsEntry(DesiredTable.OWNER_TAG, "owners/adopter");
  }

  private static RateLimiterTable table(
      String namespace, String name, String tableName, Billing billing) {
    return Resources.table(
        namespace, name, TableSpecs.billedBy(billing).withTableName(tableName).build());
  }

  private static RateLimiterTable withBilling(RateLimiterTable table, Billing billing) {
    table.setSpec(TableSpecs.from(table.getSpec()).withBilling(billing).build());
    return table;
  }
}
