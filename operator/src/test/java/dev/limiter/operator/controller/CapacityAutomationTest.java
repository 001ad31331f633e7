package dev.limiter.operator.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.limiter.operator.api.Alarms;
import dev.limiter.operator.api.Autoscaling;
import dev.limiter.operator.api.Billing;
import dev.limiter.operator.api.BillingMode;
import dev.limiter.operator.api.ContributorInsights;
import dev.limiter.operator.api.DeletionPolicy;
import dev.limiter.operator.api.Emergency;
import dev.limiter.operator.api.EntityHierarchy;
import dev.limiter.operator.api.EntityHierarchySpec;
import dev.limiter.operator.api.InsightsMode;
import dev.limiter.operator.api.LimitSpec;
import dev.limiter.operator.api.OnThrottle;
import dev.limiter.operator.api.ProvisionedCapacity;
import dev.limiter.operator.api.RateLimiterTable;
import dev.limiter.operator.api.RateLimiterTableSpec;
import dev.limiter.operator.api.RootEntity;
import dev.limiter.operator.api.ScalingBounds;
import dev.limiter.operator.api.TableRef;
import dev.limiter.operator.plan.automation.ThrottleQueries;
import dev.limiter.operator.testing.FakeCloudWatch;
import dev.limiter.operator.testing.FakeDynamoDbTables;
import dev.limiter.operator.testing.FakeTableScaling;
import dev.limiter.testkit.ManualClock;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
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
  private static final Autoscaling SCALING = new Autoscaling(new ScalingBounds(5L, 100L, 70), new ScalingBounds(5L, 50L, 70), null);

  private static OperatorHarness harness;
  private static FakeDynamoDbTables tables;
  private static FakeTableScaling scaling;
  private static FakeCloudWatch cloudWatch;

  @BeforeAll
  static void start() {
    harness = OperatorHarness.start(client, CLOCK, Duration.ofSeconds(1), null);
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
    client.resource(table("scale", "hand", spec(provisioned(10, 10)).autoscaling(SCALING).build())).create();
    awaitCondition("scale", "hand", "AutoscalingSynced", "True", "InSync");
    awaitReady("scale", "hand");
    assertThat(targets("scale-hand")).extracting(ScalableTarget::resourceId, t -> t.scalableDimension().toString(),
            ScalableTarget::minCapacity, ScalableTarget::maxCapacity)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("table/scale-hand", "dynamodb:table:ReadCapacityUnits", 5, 100),
            org.assertj.core.groups.Tuple.tuple("table/scale-hand", "dynamodb:table:WriteCapacityUnits", 5, 50),
            org.assertj.core.groups.Tuple.tuple("table/scale-hand/index/gsi1", "dynamodb:index:ReadCapacityUnits", 5, 100),
            org.assertj.core.groups.Tuple.tuple("table/scale-hand/index/gsi1", "dynamodb:index:WriteCapacityUnits", 5, 50));
    assertThat(scaling.describeScalingPolicies("table/scale-hand")).extracting(p -> p.policyName())
        .containsExactlyInAnyOrder("scale-hand-read-scaling", "scale-hand-write-scaling");

    // What autoscaling (or someone in the console) does: the operator must leave the units alone.
    tables.updateTable(UpdateTableRequest.builder().tableName("scale-hand")
        .provisionedThroughput(ProvisionedThroughput.builder().readCapacityUnits(40L).writeCapacityUnits(3L).build()).build());
    awaitPassesAfter("scale", "hand", 2);

    TableDescription table = tables.describeTable("scale-hand").orElseThrow();
    assertThat(table.provisionedThroughput().readCapacityUnits()).isEqualTo(40);
    assertThat(table.provisionedThroughput().writeCapacityUnits()).isEqualTo(3);
    assertThat(harness.tableMutations()).noneMatch(m -> m.startsWith("updateTable scale-hand"));
    assertThat(condition(get("scale", "hand"), "CapacitySynced").getStatus()).isEqualTo("True");
  }

  @Test
  void switchingToOnDemandDeregistersAutoscalingAndReturningRegistersItAgain() {
    RateLimiterTableSpec provisioned = spec(provisioned(10, 10)).autoscaling(SCALING).cooldown("1s").build();
    client.resource(table("scale", "modes", provisioned)).create();
    awaitCondition("scale", "modes", "AutoscalingSynced", "True", "InSync");

    edit("scale", "modes", t -> withSpec(t, spec(new Billing(BillingMode.OnDemand, null, null, null, "1s")).autoscaling(SCALING)
        .build()));
    awaitCondition("scale", "modes", "AutoscalingSynced", "True", "OnDemand");
    assertThat(targets("scale-modes")).isEmpty();
    assertThat(scaling.mutations()).filteredOn(m -> m.contains("scale-modes")).anyMatch(m -> m.startsWith("DeregisterScalableTarget"));
    awaitReady("scale", "modes");
    assertThat(get("scale", "modes").getStatus().billingMode()).isEqualTo(BillingMode.OnDemand);

    CLOCK.advance(Duration.ofSeconds(2));
    edit("scale", "modes", t -> withSpec(t, provisioned));
    await().atMost(WAIT).untilAsserted(() -> {
      RateLimiterTable t = get("scale", "modes");
      assertThat(t.getStatus().billingMode()).isEqualTo(BillingMode.Provisioned);
      assertThat(condition(t, "AutoscalingSynced").getReason()).isEqualTo("InSync");
      assertThat(targets("scale-modes")).hasSize(4);
    });
  }

  @Test
  void alarmsAreCreatedDriftIsRepairedAndDisablingRemovesOnlyTheOperatorsOwn() {
    Alarms alarms = new Alarms(true, List.of("arn:aws:sns:us-east-1:123456789012:alerts"), 1, 80);
    client.resource(table("alarm", "set", spec(provisioned(10, 10)).alarms(alarms).build())).create();
    awaitCondition("alarm", "set", "AlarmsSynced", "True", "InSync");
    assertThat(cloudWatch.describeAlarms("alarm-set/")).extracting(MetricAlarm::alarmName).containsExactlyInAnyOrder(
        "alarm-set/read-throttle", "alarm-set/write-throttle", "alarm-set/read-key-range-throttle",
        "alarm-set/write-key-range-throttle", "alarm-set/high-capacity", "alarm-set/index/gsi1/read-throttle",
        "alarm-set/index/gsi1/write-throttle");
    assertThat(get("alarm", "set").getStatus().alarmNames()).hasSize(7);

    MetricAlarm original = cloudWatch.describeAlarms("alarm-set/write-throttle").get(0);
    cloudWatch.putMetricAlarm(PutMetricAlarmRequest.builder().alarmName("alarm-set/write-throttle").alarmDescription("edited")
        .namespace("AWS/DynamoDB").metricName("WriteThrottleEvents").statistic(Statistic.SUM).period(300).evaluationPeriods(1)
        .threshold(500.0).comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD).build());
    cloudWatch.putMetricAlarm(PutMetricAlarmRequest.builder().alarmName("alarm-set/by-hand").alarmDescription("someone's")
        .namespace("AWS/DynamoDB").metricName("ReadThrottleEvents").statistic(Statistic.SUM).period(300).evaluationPeriods(1)
        .threshold(1.0).comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD).build());
    await().atMost(WAIT).untilAsserted(() -> assertThat(cloudWatch.describeAlarms("alarm-set/write-throttle").get(0).threshold())
        .isEqualTo(original.threshold()));

    edit("alarm", "set", t -> withSpec(t, spec(provisioned(10, 10)).alarms(new Alarms(false, null, null, null)).build()));
    await().atMost(WAIT).untilAsserted(() ->
        assertThat(cloudWatch.describeAlarms("alarm-set/")).extracting(MetricAlarm::alarmName).containsExactly("alarm-set/by-hand"));
    awaitCondition("alarm", "set", "AlarmsSynced", "True", "NotConfigured");
  }

  @Test
  void contributorInsightsFollowsTheModeOnTheTableAndItsIndex() {
    client.resource(table("insight", "keys", spec(provisioned(10, 10))
        .insights(new ContributorInsights(InsightsMode.ThrottledKeys)).build())).create();
    awaitCondition("insight", "keys", "ContributorInsightsSynced", "True", "InSync");
    for (String index : new String[] {null, "gsi1"}) {
      var described = tables.describeContributorInsights("insight-keys", index);
      assertThat(described.contributorInsightsStatus()).isEqualTo(ContributorInsightsStatus.ENABLED);
      assertThat(described.contributorInsightsMode()).isEqualTo(ContributorInsightsMode.THROTTLED_KEYS);
    }
    edit("insight", "keys", t -> withSpec(t, spec(provisioned(10, 10)).insights(new ContributorInsights(InsightsMode.Disabled))
        .build()));
    awaitCondition("insight", "keys", "ContributorInsightsSynced", "True", "Disabled");
    assertThat(tables.describeContributorInsights("insight-keys", "gsi1").contributorInsightsStatus())
        .isEqualTo(ContributorInsightsStatus.DISABLED);
  }

  @Test
  void theEmergencyRunbookSwitchesToOnDemandWaitsOutTheCooldownAndReturnsWithCapacityFromThePeak() {
    Emergency emergency = new Emergency(OnThrottle.SwitchToOnDemand, 100, "2h", 20, null, null, null);
    client.resource(table("sos", "storm", spec(provisioned(10, 100)).emergency(emergency).build())).create();
    awaitReady("sos", "storm");
    Instant start = CLOCK.instant();

    // A throttling episode: 150 write throttles on the table's capacity, 100 units per second consumed.
    Instant minute = CLOCK.instant().plus(Duration.ofMinutes(1));
    feed("sos-storm", "WriteThrottleEvents", minute, 150);
    feed("sos-storm", "WriteProvisionedThroughputThrottleEvents", minute, 150);
    feed("sos-storm", "ConsumedWriteCapacityUnits", minute, 6000);
    CLOCK.advance(Duration.ofMinutes(5));
    Instant switched = CLOCK.instant();
    await().atMost(WAIT).untilAsserted(() -> {
      RateLimiterTable t = get("sos", "storm");
      assertThat(t.getStatus().billingMode()).isEqualTo(BillingMode.OnDemand);
      assertThat(t.getStatus().emergency()).isNotNull();
      assertThat(t.getStatus().emergency().action()).isEqualTo(OnThrottle.SwitchToOnDemand);
    });
    RateLimiterTable during = get("sos", "storm");
    assertThat(during.getStatus().billingModeSwitches()).last().satisfies(s -> {
      assertThat(s.to()).isEqualTo(BillingMode.OnDemand);
      assertThat(s.reason()).isEqualTo("emergency");
    });
    assertThat(condition(during, "Throttling").getReason()).isEqualTo("CapacityExceeded");
    assertThat(events("sos", "storm")).anySatisfy(e -> assertThat(e.getMessage()).startsWith("Emergency: switching table sos-storm"));

    // On demand, the traffic peaks at 400 units per second.
    Instant busy = CLOCK.instant().plus(Duration.ofMinutes(1));
    feed("sos-storm", "ConsumedWriteCapacityUnits", busy, 24000);
    CLOCK.advance(Duration.ofMinutes(5));
    await().atMost(WAIT).untilAsserted(() ->
        assertThat(get("sos", "storm").getStatus().emergency().peakConsumedWritePerSecond()).isEqualTo(400));

    // revertAfter (2h) has passed, but the cooldown guard (24h) holds the switch back.
    CLOCK.set(switched.plus(Duration.ofHours(2)));
    Instant allowed = switched.plus(Duration.ofHours(24));
    await().atMost(WAIT).untilAsserted(() -> {
      Condition cooldown = condition(get("sos", "storm"), "BillingModeCooldown");
      assertThat(cooldown.getStatus()).isEqualTo("True");
      assertThat(cooldown.getMessage()).contains(allowed.toString());
    });
    assertThat(get("sos", "storm").getStatus().billingMode()).isEqualTo(BillingMode.OnDemand);

    CLOCK.set(allowed);
    await().atMost(WAIT).untilAsserted(() -> {
      RateLimiterTable t = get("sos", "storm");
      assertThat(t.getStatus().billingMode()).isEqualTo(BillingMode.Provisioned);
      assertThat(t.getStatus().emergency()).isNull();
      assertThat(t.getStatus().capacityFloor()).isNotNull();
    });
    TableDescription table = tables.describeTable("sos-storm").orElseThrow();
    assertThat(table.provisionedThroughput().writeCapacityUnits()).as("peak 400 + 20%% headroom").isEqualTo(480);
    assertThat(table.provisionedThroughput().readCapacityUnits()).as("the spec's, above the read peak").isEqualTo(10);
    assertThat(events("sos", "storm")).anySatisfy(e -> assertThat(e.getMessage())
        .startsWith("Emergency over: table sos-storm returns to provisioned at 10 read / 480 write units"));
    assertThat(start).isBefore(switched);

    // The floor holds: later passes do not lower the table back to the spec's 100 write units.
    CLOCK.advance(Duration.ofMinutes(11));
    awaitPassesAfter("sos", "storm", 2);
    assertThat(tables.describeTable("sos-storm").orElseThrow().provisionedThroughput().writeCapacityUnits()).isEqualTo(480);
    awaitReady("sos", "storm");
  }

  @Test
  void aHierarchysEntityThatNeedsMoreThanOnePartitionIsNamedWithTheShardCountThatFixesIt() {
    client.resource(table("hot", "limits", spec(provisioned(10, 100)).build())).create();
    awaitReady("hot", "limits");
    EntityHierarchy hierarchy = new EntityHierarchy();
    hierarchy.setMetadata(new ObjectMetaBuilder().withNamespace("hot").withName("tenants").build());
    RootEntity project = new RootEntity("project-123", List.of(new LimitSpec("rps", 450L, "1s", null)), null, 1, null, List.of());
    hierarchy.setSpec(new EntityHierarchySpec(new TableRef("limits"), null, null, List.of(project)));
    client.resource(hierarchy).create();

    await().atMost(WAIT).untilAsserted(() -> {
      RateLimiterTable t = get("hot", "limits");
      Condition risk = condition(t, "HotPartitionRisk");
      assertThat(risk.getStatus()).isEqualTo("True");
      assertThat(risk.getMessage()).contains("entity project-123 of EntityHierarchy tenants").contains("set shards: 5");
      assertThat(condition(t, "Ready").getReason()).isEqualTo("EntityNeedsShards");
      assertThat(t.getStatus().partitions().writeCapacityPerPartition()).isEqualTo(100);
    });

    client.resources(EntityHierarchy.class).inNamespace("hot").withName("tenants").edit(h -> {
      h.setSpec(new EntityHierarchySpec(new TableRef("limits"), null, null, List.of(
          new RootEntity("project-123", project.limits(), null, 5, null, List.of()))));
      return h;
    });
    awaitCondition("hot", "limits", "HotPartitionRisk", "False", "None");
    awaitReady("hot", "limits");
  }

  @Test
  void aConvergedTableCostsNoMutatingCallPassAfterPass() {
    client.resource(table("quiet", "steady", spec(provisioned(10, 10)).autoscaling(SCALING)
        .alarms(new Alarms(true, List.of(), null, null)).insights(new ContributorInsights(InsightsMode.AccessedAndThrottledKeys))
        .emergency(new Emergency(OnThrottle.SwitchToOnDemand, null, null, null, null, null, null)).build())).create();
    awaitReady("quiet", "steady");
    List<String> before = mutations("quiet-steady");

    CLOCK.advance(Duration.ofMinutes(6));
    awaitPassesAfter("quiet", "steady", 3);
    CLOCK.advance(Duration.ofMinutes(6));
    awaitPassesAfter("quiet", "steady", 2);

    assertThat(mutations("quiet-steady")).isEqualTo(before);
    assertThat(condition(get("quiet", "steady"), "Ready").getStatus()).isEqualTo("True");
  }

  @Test
  void deletingTheTableRemovesItsAutoscalingAndTheOperatorsAlarmsFirst() {
    client.resource(table("gone", "soon", spec(provisioned(10, 10)).autoscaling(SCALING)
        .alarms(new Alarms(true, List.of(), null, null)).deletionPolicy(DeletionPolicy.Delete).build())).create();
    awaitReady("gone", "soon");
    assertThat(targets("gone-soon")).hasSize(4);
    cloudWatch.putMetricAlarm(PutMetricAlarmRequest.builder().alarmName("gone-soon/by-hand").alarmDescription("someone's")
        .namespace("AWS/DynamoDB").metricName("ReadThrottleEvents").statistic(Statistic.SUM).period(300).evaluationPeriods(1)
        .threshold(1.0).comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD).build());

    client.resources(RateLimiterTable.class).inNamespace("gone").withName("soon").delete();

    await().atMost(WAIT).untilAsserted(() -> assertThat(tables.describeTable("gone-soon")).isEmpty());
    assertThat(targets("gone-soon")).isEmpty();
    assertThat(cloudWatch.describeAlarms("gone-soon/")).extracting(MetricAlarm::alarmName).containsExactly("gone-soon/by-hand");
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
    return scaling.describeScalableTargets(List.of("table/" + table, "table/" + table + "/index/gsi1"));
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
      await().atMost(WAIT).untilAsserted(() ->
          assertThat(Instant.parse(get(namespace, name).getStatus().observed().at()))
              .isAfterOrEqualTo(ThrottleQueries.windowEnd(due)));
    }
  }

  private static Spec spec(Billing billing) {
    return new Spec(billing);
  }

  private static Billing provisioned(long read, long write) {
    return new Billing(BillingMode.Provisioned, new ProvisionedCapacity(read, write, null), null, null, null);
  }

  /** A small builder of the spec fields these tests vary. */
  private static final class Spec {
    private Billing billing;
    private Autoscaling autoscaling;
    private Alarms alarms;
    private ContributorInsights insights;
    private Emergency emergency;
    private DeletionPolicy deletionPolicy;

    Spec(Billing billing) {
      this.billing = billing;
    }

    Spec autoscaling(Autoscaling value) {
      autoscaling = value;
      return this;
    }

    Spec alarms(Alarms value) {
      alarms = value;
      return this;
    }

    Spec insights(ContributorInsights value) {
      insights = value;
      return this;
    }

    Spec emergency(Emergency value) {
      emergency = value;
      return this;
    }

    Spec deletionPolicy(DeletionPolicy value) {
      deletionPolicy = value;
      return this;
    }

    Spec cooldown(String cooldown) {
      billing = new Billing(billing.mode(), billing.provisioned(), billing.plan(), billing.onDemand(), cooldown);
      return this;
    }

    RateLimiterTableSpec build() {
      return new RateLimiterTableSpec(null, null, billing, false, false, false, false, deletionPolicy, Map.of(), autoscaling, alarms,
          insights,
          emergency, null);
    }
  }

  private static RateLimiterTable table(String namespace, String name, RateLimiterTableSpec spec) {
    RateLimiterTable table = new RateLimiterTable();
    table.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
    table.setSpec(spec);
    return table;
  }

  private static RateLimiterTable withSpec(RateLimiterTable table, RateLimiterTableSpec spec) {
    table.setSpec(spec);
    return table;
  }

  /** Edits the spec, again on a conflict with a status patch the operator made in between (as kubectl would). */
  private static void edit(String namespace, String name, UnaryOperator<RateLimiterTable> change) {
    await().atMost(WAIT).ignoreExceptionsMatching(e -> e instanceof KubernetesClientException k && k.getCode() == 409)
        .until(() -> client.resources(RateLimiterTable.class).inNamespace(namespace).withName(name).edit(change) != null);
  }

  private static void awaitReady(String namespace, String name) {
    await().atMost(WAIT).untilAsserted(() -> assertThat(condition(get(namespace, name), "Ready").getStatus())
        .as("Ready of %s: %s", name, condition(get(namespace, name), "Ready").getMessage()).isEqualTo("True"));
  }

  private static void awaitCondition(String namespace, String name, String type, String status, String reason) {
    await().atMost(WAIT).untilAsserted(() -> {
      Condition condition = condition(get(namespace, name), type);
      assertThat(condition.getStatus() + " " + condition.getReason()).as(condition.getMessage()).isEqualTo(status + " " + reason);
    });
  }

  private static RateLimiterTable get(String namespace, String name) {
    return client.resources(RateLimiterTable.class).inNamespace(namespace).withName(name).get();
  }

  private static Condition condition(RateLimiterTable table, String type) {
    assertThat(table.getStatus()).as("status of %s", table.getMetadata().getName()).isNotNull();
    return table.getStatus().conditions().stream().filter(c -> c.getType().equals(type)).findFirst()
        .orElseThrow(() -> new AssertionError("no condition " + type));
  }

  private static List<Event> events(String namespace, String name) {
    return client.v1().events().inNamespace(namespace).list().getItems().stream()
        .filter(e -> e.getInvolvedObject().getName().equals(name)).toList();
  }
}
