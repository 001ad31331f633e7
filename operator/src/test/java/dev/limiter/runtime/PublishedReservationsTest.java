package dev.limiter.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limiter.operator.api.ChildEntity;
import dev.limiter.operator.api.EntityHierarchy;
import dev.limiter.operator.api.EntityHierarchySpec;
import dev.limiter.operator.api.LimitSpec;
import dev.limiter.operator.api.LocalReservationSpec;
import dev.limiter.operator.api.ResourceDefaults;
import dev.limiter.operator.api.RootEntity;
import dev.limiter.operator.api.SystemDefaults;
import dev.limiter.operator.api.TableRef;
import dev.limiter.operator.aws.SdkHierarchyItems;
import dev.limiter.operator.aws.Sleeper;
import dev.limiter.operator.reconcile.HierarchyPacing;
import dev.limiter.operator.reconcile.HierarchyReconciliation;
import dev.limiter.testkit.DynamoDbLocal;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The reservations an EntityHierarchy declares, written by the operator's pass into DynamoDB Local,
 * are what a limiter built on that table resolves, scope by scope, through the runtime's own
 * resolution (package-private, hence this package): the items are the runtime's data model, not a
 * copy of it. An edited window is written again and read by the next limiter.
 */
class PublishedReservationsTest {

  private static final Instant T0 = Instant.parse("2026-12-01T08:00:00Z");
  private static DynamoDbClient dynamo;

  @BeforeAll
  static void start() {
    dynamo = DynamoDbLocal.shared().client();
  }

  @AfterAll
  static void stop() {
    dynamo.close();
  }

  /**
   * System: reservation off; llm-api: 250 ms at 20 %; project-123: 1 s and no default limits of its
   * own; its api-key-1: default limits with reservation off.
   */
  private static EntityHierarchy hierarchy(String table, String projectWindow) {
    LimitSpec rpm = new LimitSpec("rpm", 600L, "1m", null);
    EntityHierarchySpec spec =
        new EntityHierarchySpec(
            new TableRef(table),
            new SystemDefaults(
                null,
                List.of(new LimitSpec("rpm", 1000L, "1m", null)),
                new LocalReservationSpec("0s", null, null)),
            new ArrayList<>(
                List.of(
                    new ResourceDefaults(
                        "llm-api", List.of(rpm), new LocalReservationSpec("250ms", 20, 8)))),
            List.of(
                new RootEntity(
                    "project-123",
                    null,
                    null,
                    4,
                    null,
                    List.of(
                        new ChildEntity(
                            "api-key-1",
                            true,
                            List.of(new LimitSpec("rpm", 100L, "1m", null)),
                            null,
                            null,
                            null,
                            List.of(),
                            new LocalReservationSpec("0s", null, null))),
                    new LocalReservationSpec(projectWindow, null, 8))));
    EntityHierarchy hierarchy = new EntityHierarchy();
    hierarchy.setMetadata(
        new ObjectMetaBuilder().withNamespace("ns").withName("hot").withGeneration(1L).build());
    hierarchy.setSpec(spec);
    return hierarchy;
  }

  private static HierarchyReconciliation.Result converge(EntityHierarchy hierarchy, String table) {
    HierarchyReconciliation reconciliation =
        new HierarchyReconciliation(
            region -> new SdkHierarchyItems(dynamo),
            HierarchyPacing.DEFAULT,
            Clock.systemUTC(),
            Sleeper.THREAD);
    HierarchyReconciliation.Result result = null;
    for (int pass = 0; pass < 5; pass++) {
      result =
          reconciliation.reconcile(
              hierarchy,
              Optional.of(new HierarchyReconciliation.Table(table, "us-east-1")),
              null,
              T0);
      hierarchy.setStatus(result.status());
      if (result.status().itemsPending() == 0) {
        break;
      }
    }
    return result;
  }

  private static StoredLimits storedLimits(String table) {
    return RateLimiter.builder().client(dynamo).tableName(table).build().limits();
  }

  @Test
  void aLimiterOnThePublishedTableResolvesTheMostSpecificDeclaredReservation() {
    String table = "published-reservations";
    DynamoDbLocal.shared()
        .inspectionClient()
        .createTable(LimiterTableSchema.createTableRequest(table, BillingSettings.onDemand()));

    EntityHierarchy hierarchy = hierarchy(table, "1s");
    HierarchyReconciliation.Result applied = converge(hierarchy, table);

    assertThat(applied.status().localReservations()).isEqualTo(4);
    assertThat(converge(hierarchy, table).status())
        .as("a pass that changes nothing leaves the status as it was (no status write)")
        .isEqualTo(applied.status());
    StoredLimits limits = storedLimits(table);
    StoredLimits.Resolution project = limits.resolution("project-123", "llm-api");
    assertThat(project.reservation())
        .as("the entity's reservation, though its limits are the resource's")
        .contains(LocalReservation.of(Duration.ofSeconds(1)));
    assertThat(project.limits()).contains(List.of(Limit.perMinute("rpm", 600)));
    assertThat(limits.resolution("api-key-1", "llm-api").reservation())
        .as("an explicit 0s on the key turns the resource's off")
        .contains(LocalReservation.OFF);
    assertThat(limits.resolution("api-key-9", "llm-api").reservation())
        .contains(new LocalReservation(Duration.ofMillis(250), 0.2));
    assertThat(limits.resolution("api-key-9", "chat").reservation()).contains(LocalReservation.OFF);
  }

  @Test
  void anEditedWindowIsWrittenAgainAndResolvedByTheNextLimiter() {
    String table = "edited-reservations";
    DynamoDbLocal.shared()
        .inspectionClient()
        .createTable(LimiterTableSchema.createTableRequest(table, BillingSettings.onDemand()));
    EntityHierarchy hierarchy = hierarchy(table, "1s");
    converge(hierarchy, table);

    EntityHierarchy edited = hierarchy(table, "2s");
    edited.setStatus(hierarchy.getStatus());
    HierarchyReconciliation.Result result = converge(edited, table);

    assertThat(result.status().itemsWritten()).as("the one item holding the window").isEqualTo(1);
    assertThat(storedLimits(table).resolution("project-123", "llm-api").reservation())
        .contains(LocalReservation.of(Duration.ofSeconds(2)));
  }

  @Test
  void aResourceDeclaringOnlyAReservationTakesItsLimitsFromTheSystemDefaults() {
    String table = "reservation-only-resource";
    DynamoDbLocal.shared()
        .inspectionClient()
        .createTable(LimiterTableSchema.createTableRequest(table, BillingSettings.onDemand()));
    EntityHierarchy hierarchy = hierarchy(table, "1s");
    hierarchy
        .getSpec()
        .resources()
        .add(new ResourceDefaults("embed", null, new LocalReservationSpec("500ms", null, null)));
    converge(hierarchy, table);

    StoredLimits.Resolution embed = storedLimits(table).resolution("api-key-9", "embed");
    assertThat(embed.limits()).contains(List.of(Limit.perMinute("rpm", 1000)));
    assertThat(embed.reservation()).contains(LocalReservation.of(Duration.ofMillis(500)));
  }
}
