package dev.limiter.operator.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.limiter.operator.LimiterOperator;
import dev.limiter.operator.api.Billing;
import dev.limiter.operator.api.BillingMode;
import dev.limiter.operator.api.EntityHierarchy;
import dev.limiter.operator.api.EntityHierarchySpec;
import dev.limiter.operator.api.LimitSpec;
import dev.limiter.operator.api.RateLimiterTable;
import dev.limiter.operator.api.RateLimiterTableSpec;
import dev.limiter.operator.api.SystemDefaults;
import dev.limiter.operator.api.TableRef;
import dev.limiter.operator.aws.AwsAccess;
import dev.limiter.operator.config.OperatorSettings;
import dev.limiter.operator.testing.LocalAws;
import dev.limiter.testkit.DynamoDbLocal;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
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
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * A pass that throws something unexpected (here: an adapter that fails with an IllegalStateException in
 * one region, standing in for a defect) is reported on the resource as Ready=False and Synced=False,
 * reason ReconcileError, with the failure's message and an event, instead of leaving no status behind
 * JOSDK's retries; other resources are reconciled all the while.
 */
@EnableKubernetesMockClient(crud = true)
class ReconcileErrorTest {

  static KubernetesClient client;

  /** The DynamoDB control plane fails here. */
  private static final String BROKEN_TABLES = "eu-south-9";
  /** Tables work here, writing hierarchy items fails. */
  private static final String BROKEN_ITEMS = "eu-south-8";
  private static DynamoDbClient dynamo;
  private static Operator operator;

  @BeforeAll
  static void start() throws IOException {
    for (String crd : LimiterOperator.CRD_RESOURCES) {
      try (InputStream yaml = Files.newInputStream(Path.of("../crds").resolve(Path.of(crd).getFileName().toString()))) {
        client.apiextensions().v1().customResourceDefinitions().load(yaml).create();
      }
    }
    Clock clock = Clock.systemUTC();
    dynamo = DynamoDbLocal.shared().client();
    AwsAccess local = LocalAws.access(dynamo, clock);
    AwsAccess aws = new AwsAccess(
        failingIn(BROKEN_TABLES, "no DynamoDB endpoint for " + BROKEN_TABLES, local.tables()),
        failingIn(BROKEN_ITEMS, "no hierarchy items in " + BROKEN_ITEMS, local.items()),
        local.scaling(), local.alarms(), local.metrics());
    operator = LimiterOperator.create(client, new OperatorSettings("us-east-1", DynamoDbLocal.shared().endpoint(),
        Duration.ofMinutes(5), Set.of()), aws, clock, null, new SimpleMeterRegistry());
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

    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      List<Condition> conditions = conditions(client.resources(RateLimiterTable.class).inNamespace("errors").withName("broken").get());
      assertThat(conditions).filteredOn(c -> List.of("Ready", "Synced").contains(c.getType())).hasSize(2).allSatisfy(c -> {
        assertThat(c.getStatus()).isEqualTo("False");
        assertThat(c.getReason()).isEqualTo("ReconcileError");
        assertThat(c.getMessage()).contains("IllegalStateException: no DynamoDB endpoint for " + BROKEN_TABLES);
      });
    });
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
        assertThat(conditions(client.resources(RateLimiterTable.class).inNamespace("errors").withName("fine").get()))
            .anySatisfy(c -> {
              assertThat(c.getType()).isEqualTo("Ready");
              assertThat(c.getStatus()).isEqualTo("True");
            }));
    assertThat(client.v1().events().inNamespace("errors").list().getItems()).anySatisfy(event -> {
      assertThat(event.getInvolvedObject().getName()).isEqualTo("broken");
      assertThat(event.getReason()).isEqualTo("ReconcileError");
    });
  }

  @Test
  void aHierarchyPassThatThrowsIsReported() {
    client.resource(table("items-broken", BROKEN_ITEMS)).create();
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
        assertThat(conditions(client.resources(RateLimiterTable.class).inNamespace("errors").withName("items-broken").get()))
            .anySatisfy(c -> {
              assertThat(c.getType()).isEqualTo("Ready");
              assertThat(c.getStatus()).isEqualTo("True");
            }));
    EntityHierarchy hierarchy = new EntityHierarchy();
    hierarchy.setMetadata(new ObjectMetaBuilder().withNamespace("errors").withName("limits").build());
    hierarchy.setSpec(new EntityHierarchySpec(new TableRef("items-broken"),
        new SystemDefaults(null, List.of(new LimitSpec("rpm", 100L, "1m", null))), null, null));
    client.resource(hierarchy).create();

    await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
        assertThat(conditions(client.resources(EntityHierarchy.class).inNamespace("errors").withName("limits").get()))
            .anySatisfy(c -> {
              assertThat(c.getType()).isEqualTo("Synced");
              assertThat(c.getStatus()).isEqualTo("False");
              assertThat(c.getReason()).isEqualTo("ReconcileError");
              assertThat(c.getMessage()).contains("no hierarchy items in " + BROKEN_ITEMS);
            }));
  }

  /** {@code working}, except that it throws {@code failure} for region {@code broken}. */
  private static <T> Function<String, T> failingIn(String broken, String failure, Function<String, T> working) {
    return region -> {
      if (broken.equals(region)) {
        throw new IllegalStateException(failure);
      }
      return working.apply(region);
    };
  }

  private static RateLimiterTable table(String name, String region) {
    RateLimiterTable table = new RateLimiterTable();
    table.setMetadata(new ObjectMetaBuilder().withNamespace("errors").withName(name).build());
    table.setSpec(new RateLimiterTableSpec(null, region, new Billing(BillingMode.OnDemand, null, null, null, null), null, null, null,
        false, null, Map.of(), null, null, null, null, null));
    return table;
  }

  private static List<Condition> conditions(HasMetadata resource) {
    List<Condition> conditions = null;
    if (resource instanceof RateLimiterTable table && table.getStatus() != null) {
      conditions = table.getStatus().conditions();
    } else if (resource instanceof EntityHierarchy hierarchy && hierarchy.getStatus() != null) {
      conditions = hierarchy.getStatus().conditions();
    }
    return conditions == null ? List.of() : conditions;
  }
}
