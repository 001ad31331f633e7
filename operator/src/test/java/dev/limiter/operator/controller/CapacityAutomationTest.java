package dev.limiter.operator.controller;

import static dev.limiter.operator.testing.KubeSteps.condition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.limiter.operator.api.Alarms;
import dev.limiter.operator.api.Autoscaling;
import dev.limiter.operator.api.BillingMode;
import dev.limiter.operator.api.ContributorInsights;
import dev.limiter.operator.api.DeletionPolicy;
import dev.limiter.operator.api.Emergency;
import dev.limiter.operator.api.EntityHierarchy;
import dev.limiter.operator.api.EntityHierarchySpec;
import dev.limiter.operator.api.InsightsMode;
import dev.limiter.operator.api.LimitSpec;
import dev.limiter.operator.api.LocalReservationSpec;
import dev.limiter.operator.api.OnThrottle;
import dev.limiter.operator.api.RateLimiterTable;
import dev.limiter.operator.api.RateLimiterTableSpec;
import dev.limiter.operator.api.RootEntity;
import dev.limiter.operator.api.ScalingBounds;
import dev.limiter.operator.api.TableRef;
import dev.limiter.operator.plan.automation.ThrottleQueries;
import dev.limiter.operator.testing.FakeCloudWatch;
import dev.limiter.operator.testing.FakeDynamoDbTables;
import dev.limiter.operator.testing.FakeTableScaling;
import dev.limiter.operator.testing.KubeSteps;
import dev.limiter.operator.testing.Resources;
import dev.limiter.operator.testing.TableSpecs;
import dev.limiter.testkit.ManualClock;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalableTarget;
import software.amazon.awssdk.services.cloudwatch.model.ComparisonOperator;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;
import software.amazon.awssdk.services.cloudwatch.model.PutMetricAlarmRequest;
import software.amazon.awssdk.services.cloudwatch.model.Statistic;
import software.amazon.awssdk.services.dynamodb.model.ContributorInsightsMode;
import software.amazon.awssdk.services.dynamodb.model.ContributorInsightsStatus;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughput;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.UpdateTableRequest;

/**
 * Capacity automation end to end: the operator on the mock API server, DynamoDB Local behind the
 * AWS-rules fake, and the Application Auto Scaling and CloudWatch fakes, with an injected clock. A
 * one-second resync stands in for the wake-ups the operator schedules, so moving the clock is
 * enough to make the next diagnosis due.
 */
@EnableKubernetesMockClient(crud = true)
class CapacityAutomationTest {

  static KubernetesClient client;

  private static final ManualClock CLOCK = ManualClock.at("2026-11-24T10:00:00Z");
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final Autoscaling SCALING =
      new Autoscaling(new ScalingBounds(5L, 100L, 70), new ScalingBounds(5L, 50L, 70), null);

  private static OperatorHarness harness;
  private static KubeSteps<RateLimiterTable> kube;
  private static FakeDynamoDbTables tables;
  private static FakeTableScaling scaling;
  private static FakeCloudWatch cloudWatch;

  @BeforeAll
  static void start() {
    harness = OperatorHarness.start(client, CLOCK, Duration.ofSeconds(1), null);
    kube = KubeSteps.tables(client, WAIT);
    tables = harness.aws();
    scaling = harness.scaling();
    cloudWatch = harness.cloudWatch();
  }

  @AfterAll
  static void stop() {
    harness.close();
  }

  @Test
  void autoscalingIsRegisteredAndAHandEditOfTheUnitsIsNotFought() {
    client
        .resource(
            Resources.table(
                "scale", "hand", TableSpecs.provisioned(10, 10).withAutoscaling(SCALING).build()))
        .create();
    kube.awaitCondition("scale", "hand", "AutoscalingSynced", "True", "InSync");
    kube.awaitReady("scale", "hand");
    assertThat(targets("scale-hand"))
        .extracting(
            ScalableTarget::resourceId,
            t -> t.scalableDimension().toString(),
            ScalableTarget::minCapacity,
            ScalableTarget::maxCapacity)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(
                "table/scale-hand", "dynamodb:table:ReadCapacityUnits", 5, 100),
            org.assertj.core.groups.Tuple.tuple(
                "table/scale-hand", "dynamodb:table:WriteCapacityUnits", 5, 50),
            org.assertj.core.groups.Tuple.tuple(
                "table/scale-hand/index/gsi1", "dynamodb:index:ReadCapacityUnits", 5, 100),
            org.assertj.core.groups.Tuple.tuple(
                "table/scale-hand/index/gsi1", "dynamodb:index:WriteCapacityUnits", 5, 50));
    assertThat(scaling.describeScalingPolicies("table/scale-hand"))
        .extracting(p -> p.policyName())
        .containsExactlyInAnyOrder("scale-hand-read-scaling", "scale-hand-write-scaling");

    // What autoscaling (or someone in the console) does: the operator must leave the units alone.
    tables.updateTable(
        UpdateTableRequest.builder()
            .tableName("scale-hand")
            .provisionedThroughput(
                ProvisionedThroughput.builder()
                    .readCapacityUnits(40L)
                    .writeCapacityUnits(3L)
                    .build())
            .build());
    awaitPassesAfter("scale", "hand", 2);

    TableDescription table = tables.describeTable("scale-hand").orElseThrow();
    assertThat(table.provisionedThroughput().readCapacityUnits()).isEqualTo(40);
    assertThat(table.provisionedThroughput().writeCapacityUnits()).isEqualTo(3);
    assertThat(harness.tableMutations()).noneMatch(m -> m.startsWith("updateTable scale-hand"));
    assertThat(condition(kube.get("scale", "hand"), "CapacitySynced").getStatus())
        .isEqualTo("True");
  }

  @Test
  void switchingToOnDemandDeregistersAutoscalingAndReturningRegistersItAgain() {
    RateLimiterTableSpec provisioned =
        TableSpecs.provisioned(10, 10).withAutoscaling(SCALING).withSwitchCooldown("1s").build();
    client.resource(Resources.table("scale", "modes", provisioned)).create();
    kube.awaitCondition("scale", "modes", "AutoscalingSynced", "True", "InSync");

    kube.edit(
        "scale",
        "modes",
        t ->
            withSpec(
                t,
                TableSpecs.onDemand().withSwitchCooldown("1s").withAutoscaling(SCALING).build()));
    kube.awaitCondition("scale", "modes", "AutoscalingSynced", "True", "OnDemand");
    assertThat(targets("scale-modes")).isEmpty();
    assertThat(scaling.mutations())
        .filteredOn(m -> m.contains("scale-modes"))
        .anyMatch(m -> m.startsWith("DeregisterScalableTarget"));
    kube.awaitReady("scale", "modes");
    assertThat(kube.get("scale", "modes").getStatus().billingMode())
        .isEqualTo(BillingMode.OnDemand);

    CLOCK.advance(Duration.ofSeconds(2));
    kube.edit("scale", "modes", t -> withSpec(t, provisioned));
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              RateLimiterTable t = kube.get("scale", "modes");
              assertThat(t.getStatus().billingMode()).isEqualTo(BillingMode.Provisioned);
              assertThat(condition(t, "AutoscalingSynced").getReason()).isEqualTo("InSync");
              assertThat(targets("scale-modes")).hasSize(4);
            });
  }

  @Test
  void alarmsAreCreatedDriftIsRepairedAndDisablingRemovesOnlyTheOperatorsOwn() {
    Alarms alarms = new Alarms(true, List.of("arn:aws:sns:us-east-1:123456789012:alerts"), 1, 80);
    client
        .resource(
            Resources.table(
                "alarm", "set", TableSpecs.provisioned(10, 10).withAlarms(alarms).build()))
        .create();
    kube.awaitCondition("alarm", "set", "AlarmsSynced", "True", "InSync");
    assertThat(cloudWatch.describeAlarms("alarm-set/"))
        .extracting(MetricAlarm::alarmName)
        .containsExactlyInAnyOrder(
            "alarm-set/read-throttle",
            "alarm-set/write-throttle",
            "alarm-set/read-key-range-throttle",
            "alarm-set/write-key-range-throttle",
            "alarm-set/high-capacity",
            "alarm-set/index/gsi1/read-throttle",
            "alarm-set/index/gsi1/write-throttle");
    assertThat(kube.get("alarm", "set").getStatus().alarmNames()).hasSize(7);

    MetricAlarm original = cloudWatch.describeAlarms("alarm-set/write-throttle").get(0);
    cloudWatch.putMetricAlarm(
        PutMetricAlarmRequest.builder()
            .alarmName("alarm-set/write-throttle")
            .alarmDescription("edited")
            .namespace("AWS/DynamoDB")
            .metricName("WriteThrottleEvents")
            .statistic(Statistic.SUM)
            .period(300)
            .evaluationPeriods(1)
            .threshold(500.0)
            .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD)
            .build());
    cloudWatch.putMetricAlarm(
        PutMetricAlarmRequest.builder()
            .alarmName("alarm-set/by-hand")
            .alarmDescription("someone's")
            .namespace("AWS/DynamoDB")
            .metricName("ReadThrottleEvents")
            .statistic(Statistic.SUM)
            .period(300)
            .evaluationPeriods(1)
            .threshold(1.0)
            .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD)
            .build());
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(cloudWatch.describeAlarms("alarm-set/write-throttle").get(0).threshold())
                    .isEqualTo(original.threshold()));

    kube.edit(
        "alarm",
        "set",
        t ->
            withSpec(
                t,
                TableSpecs.provisioned(10, 10)
                    .withAlarms(new Alarms(false, null, null, null))
                    .build()));
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(cloudWatch.describeAlarms("alarm-set/"))
                    .extracting(MetricAlarm::alarmName)
                    .containsExactly("alarm-set/by-hand"));
    kube.awaitCondition("alarm", "set", "AlarmsSynced", "True", "NotConfigured");
  }

  @Test
  void contributorInsightsFollowsTheModeOnTheTableAndItsIndex() {
    client
        .resource(
            Resources.table(
                "insight",
                "keys",
                TableSpecs.provisioned(10, 10)
                    .withContributorInsights(new ContributorInsights(InsightsMode.ThrottledKeys))
                    .build()))
        .create();
    kube.awaitCondition("insight", "keys", "ContributorInsightsSynced", "True", "InSync");
    for (String index : new String[] {null, "gsi1"}) {
      var described = tables.describeContributorInsights("insight-keys", index);
      assertThat(described.contributorInsightsStatus())
          .isEqualTo(ContributorInsightsStatus.ENABLED);
      assertThat(described.contributorInsightsMode())
          .isEqualTo(ContributorInsightsMode.THROTTLED_KEYS);
    }
    kube.edit(
        "insight",
        "keys",
        t ->
            withSpec(
                t,
                TableSpecs.provisioned(10, 10)
                    .withContributorInsights(new ContributorInsights(InsightsMode.Disabled))
                    .build()));
    kube.awaitCondition("insight", "keys", "ContributorInsightsSynced", "True", "Disabled");
    assertThat(
            tables.describeContributorInsights("insight-keys", "gsi1").contributorInsightsStatus())
        .isEqualTo(ContributorInsightsStatus.DISABLED);
  }

  @Test
  void theEmergencyRunbookSwitchesToOnDemandWaitsOutTheCooldownAndReturnsWithCapacityFromThePeak() {
    Emergency emergency =
        new Emergency(OnThrottle.SwitchToOnDemand, 100, "2h", 20, null, null, null);
    client
        .resource(
            Resources.table(
                "sos", "storm", TableSpecs.provisioned(10, 100).withEmergency(emergency).build()))
        .create();
    kube.awaitReady("sos", "storm");
    Instant start = CLOCK.instant();

    // A throttling episode: 150 write throttles on the table's capacity, 100 units per second
    // consumed.
    Instant minute = CLOCK.instant().plus(Duration.ofMinutes(1));
    feed("sos-storm", "WriteThrottleEvents", minute, 150);
    feed("sos-storm", "WriteProvisionedThroughputThrottleEvents", minute, 150);
    feed("sos-storm", "ConsumedWriteCapacityUnits", minute, 6000);
    CLOCK.advance(Duration.ofMinutes(5));
    Instant switched = CLOCK.instant();
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              RateLimiterTable t = kube.get("sos", "storm");
              assertThat(t.getStatus().billingMode()).isEqualTo(BillingMode.OnDemand);
              assertThat(t.getStatus().emergency()).isNotNull();
              assertThat(t.getStatus().emergency().action()).isEqualTo(OnThrottle.SwitchToOnDemand);
            });
    RateLimiterTable during = kube.get("sos", "storm");
    assertThat(during.getStatus().billingModeSwitches())
        .last()
        .satisfies(
            s -> {
              assertThat(s.to()).isEqualTo(BillingMode.OnDemand);
              assertThat(s.reason()).isEqualTo("emergency");
            });
    assertThat(condition(during, "Throttling").getReason()).isEqualTo("CapacityExceeded");
    assertThat(kube.events("sos", "storm"))
        .anySatisfy(
            e -> assertThat(e.getMessage()).startsWith("Emergency: switching table sos-storm"));

    // On demand, the traffic peaks at 400 units per second.
    Instant busy = CLOCK.instant().plus(Duration.ofMinutes(1));
    feed("sos-storm", "ConsumedWriteCapacityUnits", busy, 24000);
    CLOCK.advance(Duration.ofMinutes(5));
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(
                        kube.get("sos", "storm")
                            .getStatus()
                            .emergency()
                            .peakConsumedWritePerSecond())
                    .isEqualTo(400));

    // revertAfter (2h) has passed, but the cooldown guard (24h) holds the switch back.
    CLOCK.set(switched.plus(Duration.ofHours(2)));
    Instant allowed = switched.plus(Duration.ofHours(24));
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              Condition cooldown = condition(kube.get("sos", "storm"), "BillingModeCooldown");
              assertThat(cooldown.getStatus()).isEqualTo("True");
              assertThat(cooldown.getMessage()).contains(allowed.toString());
            });
    assertThat(kube.get("sos", "storm").getStatus().billingMode()).isEqualTo(BillingMode.OnDemand);

    CLOCK.set(allowed);
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              RateLimiterTable t = kube.get("sos", "storm");
              assertThat(t.getStatus().billingMode()).isEqualTo(BillingMode.Provisioned);
              assertThat(t.getStatus().emergency()).isNull();
              assertThat(t.getStatus().capacityFloor()).isNotNull();
            });
    TableDescription table = tables.describeTable("sos-storm").orElseThrow();
    assertThat(table.provisionedThroughput().writeCapacityUnits())
        .as("peak 400 + 20%% headroom")
        .isEqualTo(480);
    assertThat(table.provisionedThroughput().readCapacityUnits())
        .as("the spec's, above the read peak")
        .isEqualTo(10);
    assertThat(kube.events("sos", "storm"))
        .anySatisfy(
            e ->
                assertThat(e.getMessage())
                    .startsWith(
                        "Emergency over: table sos-storm returns to provisioned at 10 read / 480"
                            + " write units"));
    assertThat(start).isBefore(switched);

    // The floor holds: later passes do not lower the table back to the spec's 100 write units.
    CLOCK.advance(Duration.ofMinutes(11));
    awaitPassesAfter("sos", "storm", 2);
    assertThat(
            tables
                .describeTable("sos-storm")
                .orElseThrow()
                .provisionedThroughput()
                .writeCapacityUnits())
        .isEqualTo(480);
    kube.awaitReady("sos", "storm");
  }

  @Test
  void aHierarchysEntityThatNeedsMoreThanOnePartitionIsNamedWithTheShardCountThatFixesIt() {
    client
        .resource(Resources.table("hot", "limits", TableSpecs.provisioned(10, 100).build()))
        .create();
    kube.awaitReady("hot", "limits");
    EntityHierarchy hierarchy = new EntityHierarchy();
    hierarchy.setMetadata(new ObjectMetaBuilder().withNamespace("hot").withName("tenants").build());
    RootEntity project =
        new RootEntity(
            "project-123",
            List.of(new LimitSpec("rps", 450L, "1s", null)),
            null,
            1,
            null,
            List.of());
    hierarchy.setSpec(
        new EntityHierarchySpec(new TableRef("limits"), null, null, List.of(project)));
    client.resource(hierarchy).create();

    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              RateLimiterTable t = kube.get("hot", "limits");
              Condition risk = condition(t, "HotPartitionRisk");
              assertThat(risk.getStatus()).isEqualTo("True");
              assertThat(risk.getMessage())
                  .contains("entity project-123 of EntityHierarchy tenants")
                  .contains("set shards: 5");
              assertThat(condition(t, "Ready").getReason()).isEqualTo("EntityNeedsShards");
              assertThat(t.getStatus().partitions().writeCapacityPerPartition()).isEqualTo(100);
            });

    KubeSteps.hierarchies(client, WAIT)
        .edit(
            "hot",
            "tenants",
            h -> {
              h.setSpec(
                  new EntityHierarchySpec(
                      new TableRef("limits"),
                      null,
                      null,
                      List.of(
                          new RootEntity(
                              "project-123", project.limits(), null, 5, null, List.of()))));
              return h;
            });
    kube.awaitCondition("hot", "limits", "HotPartitionRisk", "False", "None");
    kube.awaitReady("hot", "limits");

    // One shard again, with a local reservation: max(8 / 1 s, 450 / (0.1 × 450)) = 10 writes/s.
    KubeSteps.hierarchies(client, WAIT)
        .edit(
            "hot",
            "tenants",
            h -> {
              h.setSpec(
                  new EntityHierarchySpec(
                      new TableRef("limits"),
                      null,
                      null,
                      List.of(
                          new RootEntity(
                              "project-123",
                              project.limits(),
                              null,
                              1,
                              null,
                              List.of(),
                              new LocalReservationSpec("1s", null, 8)))));
              return h;
            });
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(condition(kube.get("hot", "limits"), "HotPartitionRisk").getMessage())
                    .contains(
                        "entity project-123 of EntityHierarchy tenants needs 1 shard(s) instead of"
                            + " 5 thanks to its local reservation 1s (8 instances), which brings"
                            + " 450 acquires/s down to about 10 writes/s"));
    kube.awaitReady("hot", "limits");
  }

  @Test
  void aConvergedTableCostsNoMutatingCallPassAfterPass() {
    client
        .resource(
            Resources.table(
                "quiet",
                "steady",
                TableSpecs.provisioned(10, 10)
                    .withAutoscaling(SCALING)
                    .withAlarms(new Alarms(true, List.of(), null, null))
                    .withContributorInsights(
                        new ContributorInsights(InsightsMode.AccessedAndThrottledKeys))
                    .withEmergency(
                        new Emergency(
                            OnThrottle.SwitchToOnDemand, null, null, null, null, null, null))
                    .build()))
        .create();
    kube.awaitReady("quiet", "steady");
    List<String> before = mutations("quiet-steady");

    CLOCK.advance(Duration.ofMinutes(6));
    awaitPassesAfter("quiet", "steady", 3);
    CLOCK.advance(Duration.ofMinutes(6));
    awaitPassesAfter("quiet", "steady", 2);

    assertThat(mutations("quiet-steady")).isEqualTo(before);
    assertThat(condition(kube.get("quiet", "steady"), "Ready").getStatus()).isEqualTo("True");
  }

  @Test
  void deletingTheTableRemovesItsAutoscalingAndTheOperatorsAlarmsFirst() {
    client
        .resource(
            Resources.table(
                "gone",
                "soon",
                TableSpecs.provisioned(10, 10)
                    .withAutoscaling(SCALING)
                    .withAlarms(new Alarms(true, List.of(), null, null))
                    .withDeletionPolicy(DeletionPolicy.Delete)
                    .build()))
        .create();
    kube.awaitReady("gone", "soon");
    assertThat(targets("gone-soon")).hasSize(4);
    cloudWatch.putMetricAlarm(
        PutMetricAlarmRequest.builder()
            .alarmName("gone-soon/by-hand")
            .alarmDescription("someone's")
            .namespace("AWS/DynamoDB")
            .metricName("ReadThrottleEvents")
            .statistic(Statistic.SUM)
            .period(300)
            .evaluationPeriods(1)
            .threshold(1.0)
            .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD)
            .build());

    client.resources(RateLimiterTable.class).inNamespace("gone").withName("soon").delete();

    await()
        .atMost(WAIT)
        .untilAsserted(() -> assertThat(tables.describeTable("gone-soon")).isEmpty());
    assertThat(targets("gone-soon")).isEmpty();
    assertThat(cloudWatch.describeAlarms("gone-soon/"))
        .extracting(MetricAlarm::alarmName)
        .containsExactly("gone-soon/by-hand");
  }

  // ---------------------------------------------------------------- helpers

  /** Every mutating call made for {@code table} so far, in AWS and its fakes. */
  private static List<String> mutations(String table) {
    List<String> all = new ArrayList<>();
    harness.tableMutations().stream().filter(m -> m.contains(table)).forEach(all::add);
    scaling.mutations().stream().filter(m -> m.contains(table)).forEach(all::add);
    cloudWatch.mutations().stream().filter(m -> m.contains(table)).forEach(all::add);
    return all;
  }

  private static void feed(String table, String metric, Instant at, double value) {
    cloudWatch.record("AWS/DynamoDB", metric, Map.of("TableName", table), at, value);
  }

  private static List<ScalableTarget> targets(String table) {
    return scaling.describeScalableTargets(
        List.of("table/" + table, "table/" + table + "/index/gsi1"));
  }

  /**
   * Lets {@code passes} more passes run: each step moves the clock past the next diagnosis and
   * waits until a pass has recorded the reading it made then (of the window ending CloudWatch's
   * publication delay earlier).
   */
  private static void awaitPassesAfter(String namespace, String name, int passes) {
    for (int i = 0; i < passes; i++) {
      CLOCK.advance(Duration.ofMinutes(5));
      Instant due = CLOCK.instant();
      await()
          .atMost(WAIT)
          .untilAsserted(
              () ->
                  assertThat(Instant.parse(kube.get(namespace, name).getStatus().observed().at()))
                      .isAfterOrEqualTo(ThrottleQueries.windowEnd(due)));
    }
  }

  private static RateLimiterTable withSpec(RateLimiterTable table, RateLimiterTableSpec spec) {
    table.setSpec(spec);
    return table;
  }
}
