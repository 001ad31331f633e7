package dev.limiter.operator.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.limiter.operator.LimiterOperator;
import dev.limiter.operator.api.EntityHierarchy;
import dev.limiter.operator.api.EntityHierarchySpec;
import dev.limiter.operator.api.LimitSpec;
import dev.limiter.operator.api.RateLimiterTable;
import dev.limiter.operator.api.SystemDefaults;
import dev.limiter.operator.api.TableRef;
import dev.limiter.operator.aws.AwsAccess;
import dev.limiter.operator.config.OperatorSettings;
import dev.limiter.operator.testing.KubeSteps;
import dev.limiter.operator.testing.LocalAws;
import dev.limiter.operator.testing.Resources;
import dev.limiter.operator.testing.TableSpecs;
import dev.limiter.testkit.DynamoDbLocal;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * A pass that throws something unexpected (here: an adapter that fails with an
 * IllegalStateException in one region, standing in for a defect) is reported on the resource as
 * Ready=False and Synced=False, reason ReconcileError, with the failure's message and an event,
 * instead of leaving no status behind JOSDK's retries; other resources are reconciled all the
 * while.
 */
@EnableKubernetesMockClient(crud = true)
class ReconcileErrorTest {

  static KubernetesClient client;

  private static KubeSteps<RateLimiterTable> tables;
  private static KubeSteps<EntityHierarchy> hierarchies;

  /** The DynamoDB control plane fails here. */
  private static final String BROKEN_TABLES = "eu-south-9";

  /** Tables work here, writing hierarchy items fails. */
  private static final String BROKEN_ITEMS = "eu-south-8";

  private static DynamoDbClient dynamo;
  private static Operator operator;

  @BeforeAll
  static void start() throws IOException {
    tables = KubeSteps.tables(client, Duration.ofSeconds(60));
    hierarchies = KubeSteps.hierarchies(client, Duration.ofSeconds(60));
    for (String crd : LimiterOperator.CRD_RESOURCES) {
      try (InputStream yaml =
          Files.newInputStream(Path.of("../crds").resolve(Path.of(crd).getFileName().toString()))) {
        client.apiextensions().v1().customResourceDefinitions().load(yaml).create();
      }
    }
    Clock clock = Clock.systemUTC();
    dynamo = DynamoDbLocal.shared().client();
    AwsAccess local = LocalAws.access(dynamo, clock);
    AwsAccess aws =
        new AwsAccess(
            failingIn(BROKEN_TABLES, "no DynamoDB endpoint for " + BROKEN_TABLES, local.tables()),
            failingIn(BROKEN_ITEMS, "no hierarchy items in " + BROKEN_ITEMS, local.items()),
            local.scaling(),
            local.alarms(),
            local.metrics());
    operator =
        LimiterOperator.create(
            client,
            new OperatorSettings(
                "us-east-1", DynamoDbLocal.shared().endpoint(), Duration.ofMinutes(5), Set.of()),
            aws,
            clock,
            null,
            new SimpleMeterRegistry());
    operator.start();
  }

  @AfterAll
  static void stop() {
    operator.stop();
    dynamo.close();
  }

  @Test
  void aTablePassThatThrowsIsReportedAndOtherTablesStillReconcile() {
    client.resource(table("broken", BROKEN_TABLES)).create();
    client.resource(table("fine", null)).create();

    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              List<Condition> conditions = KubeSteps.conditions(tables.get("errors", "broken"));
              assertThat(conditions)
                  .filteredOn(c -> List.of("Ready", "Synced").contains(c.getType()))
                  .hasSize(2)
                  .allSatisfy(
                      c -> {
                        assertThat(c.getStatus()).isEqualTo("False");
                        assertThat(c.getReason()).isEqualTo("ReconcileError");
                        assertThat(c.getMessage())
                            .contains(
                                "IllegalStateException: no DynamoDB endpoint for " + BROKEN_TABLES);
                      });
            });
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(KubeSteps.conditions(tables.get("errors", "fine")))
                    .anySatisfy(
                        c -> {
                          assertThat(c.getType()).isEqualTo("Ready");
                          assertThat(c.getStatus()).isEqualTo("True");
                        }));
    assertThat(tables.events("errors", "broken"))
        .anySatisfy(
            event -> {
              assertThat(event.getInvolvedObject().getName()).isEqualTo("broken");
              assertThat(event.getReason()).isEqualTo("ReconcileError");
            });
  }

  @Test
  void aHierarchyPassThatThrowsIsReported() {
    client.resource(table("items-broken", BROKEN_ITEMS)).create();
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(KubeSteps.conditions(tables.get("errors", "items-broken")))
                    .anySatisfy(
                        c -> {
                          assertThat(c.getType()).isEqualTo("Ready");
                          assertThat(c.getStatus()).isEqualTo("True");
                        }));
    client
        .resource(
            Resources.hierarchy(
                "errors",
                "limits",
                new EntityHierarchySpec(
                    new TableRef("items-broken"),
                    new SystemDefaults(null, List.of(new LimitSpec("rpm", 100L, "1m", null))),
                    null,
                    null)))
        .create();

    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(KubeSteps.conditions(hierarchies.get("errors", "limits")))
                    .anySatisfy(
                        c -> {
                          assertThat(c.getType()).isEqualTo("Synced");
                          assertThat(c.getStatus()).isEqualTo("False");
                          assertThat(c.getReason()).isEqualTo("ReconcileError");
                          assertThat(c.getMessage())
                              .contains("no hierarchy items in " + BROKEN_ITEMS);
                        }));
  }

  /** {@code working}, except that it throws {@code failure} for region {@code broken}. */
  private static <T> Function<String, T> failingIn(
      String broken, String failure, Function<String, T> working) {
    return region -> {
      if (broken.equals(region)) {
        throw new IllegalStateException(failure);
      }
      return working.apply(region);
    };
  }

  private static RateLimiterTable table(String name, String region) {
    return Resources.table(
        "errors",
        name,
        TableSpecs.onDemand()
            .withRegion(region)
            .withTimeToLive(null)
            .withStream(null)
            .withPointInTimeRecovery(null)
            .build());
  }
}
