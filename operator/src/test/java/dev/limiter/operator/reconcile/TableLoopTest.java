package dev.limiter.operator.reconcile;

import static dev.limiter.operator.api.BillingMode.OnDemand;
import static dev.limiter.operator.api.BillingMode.Provisioned;
import static org.assertj.core.api.Assertions.assertThat;

import dev.limiter.operator.api.BillingMode;
import dev.limiter.operator.api.ConditionTypes;
import dev.limiter.operator.plan.AwsFailures;
import dev.limiter.operator.plan.BillingSwitchGuard;
import dev.limiter.operator.plan.DesiredCapacity;
import dev.limiter.operator.plan.DesiredTable;
import dev.limiter.operator.plan.ObservedTable;
import dev.limiter.operator.plan.TableAction;
import dev.limiter.operator.plan.TablePlan;
import dev.limiter.operator.plan.TablePlanner;
import dev.limiter.operator.plan.Throughput;
import dev.limiter.operator.plan.automation.DesiredAutomation;
import dev.limiter.operator.testing.FakeDynamoDbTables;
import dev.limiter.operator.testing.LocalAws;
import dev.limiter.testkit.DynamoDbLocal;
import dev.limiter.testkit.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexUpdate;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughput;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;
import software.amazon.awssdk.services.dynamodb.model.UpdateGlobalSecondaryIndexAction;
import software.amazon.awssdk.services.dynamodb.model.UpdateTableRequest;

/**
 * observe → plan → act passes against DynamoDB Local behind the AWS-rules fake, with a hand-moved
 * clock: what the reconciler will do, without Kubernetes.
 */
class TableLoopTest {

  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static final Throughput T10 = new Throughput(10, 5);

  private final ManualClock clock = ManualClock.at("2026-11-22T10:00:00Z");
  private final List<BillingSwitchGuard.Switch> history = new ArrayList<>();
  private DynamoDbClient client;
  private FakeDynamoDbTables aws;
  private TableObserver observer;
  private TableActuator actuator;
  private String name;

  @BeforeEach
  void setUp() {
    client = DynamoDbLocal.shared().client();
    aws = LocalAws.on(client, clock).tables();
    observer = new TableObserver(aws);
    actuator = new TableActuator(aws);
    name = "loop-" + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet();
  }

  @AfterEach
  void tearDown() {
    client.close();
  }

  private DesiredTable desired(BillingMode mode, Throughput throughput) {
    DesiredCapacity capacity =
        new DesiredCapacity(mode, throughput, null, -1, -1, Duration.ofHours(24), false, false);
    return new DesiredTable(
        name,
        "team-a/limits",
        DesiredTable.Adoption.NOT_ASKED,
        capacity,
        true,
        true,
        true,
        false,
        Map.of("team", "a"),
        DesiredAutomation.NONE);
  }

  /** One reconcile pass; returns the plan and records a switch that was applied. */
  private Pass pass(DesiredTable desired) {
    Optional<ObservedTable> observed = observer.observe(name);
    TablePlan plan = TablePlanner.plan(desired, observed, history, clock.instant());
    TableActuator.Outcome outcome =
        actuator.apply(
            name, observed.map(ObservedTable::arn).orElse(null), plan.actions(), clock.instant());
    if (outcome.complete()) {
      plan.switchMade()
          .ifPresent(
              s -> history.add(new BillingSwitchGuard.Switch(Instant.parse(s.at()), s.to())));
    }
    return new Pass(plan, outcome);
  }

  private record Pass(TablePlan plan, TableActuator.Outcome outcome) {}

  private Pass converge(DesiredTable desired) {
    Pass last = pass(desired);
    for (int i = 0; i < 5 && !last.plan().actions().isEmpty(); i++) {
      last = pass(desired);
    }
    return last;
  }

  @Test
  void createsThenConvergesThenMakesNoCall() {
    Pass first = pass(desired(Provisioned, T10));
    assertThat(first.plan().actions()).singleElement().isInstanceOf(TableAction.Create.class);
    assertThat(first.outcome().complete()).isTrue();

    Pass second = pass(desired(Provisioned, T10));
    // TTL and point-in-time recovery are separate calls on the now ACTIVE table.
    assertThat(second.plan().actions())
        .containsExactly(
            new TableAction.SetTimeToLive(true), new TableAction.SetPointInTimeRecovery(true));

    Pass third = pass(desired(Provisioned, T10));
    assertThat(third.plan().actions()).isEmpty();
    assertThat(third.plan().condition(ConditionTypes.READY))
        .hasValueSatisfying(c -> assertThat(c.status()).isEqualTo("True"));
    ObservedTable table = observer.observe(name).orElseThrow();
    assertThat(table.tags())
        .containsEntry(DesiredTable.OWNER_TAG, "team-a/limits")
        .containsEntry("team", "a");
    assertThat(table.capacity().table()).isEqualTo(T10);
    assertThat(table.capacity().indexes()).containsEntry("gsi1", T10);
    assertThat(table.streamEnabled()).isTrue();
    assertThat(table.timeToLive()).isEqualTo(TimeToLiveStatus.ENABLED);
    assertThat(table.pointInTimeRecovery()).isTrue();
  }

  @Test
  void consoleDriftIsRepaired() {
    converge(desired(Provisioned, T10));
    aws.updateTable(
        UpdateTableRequest.builder()
            .tableName(name)
            .provisionedThroughput(
                ProvisionedThroughput.builder()
                    .readCapacityUnits(50L)
                    .writeCapacityUnits(50L)
                    .build())
            .build());
    Pass repair = pass(desired(Provisioned, T10));
    assertThat(repair.plan().actions()).singleElement().isInstanceOf(TableAction.Update.class);
    assertThat(repair.outcome().complete()).isTrue();
    assertThat(converge(desired(Provisioned, T10)).plan().actions()).isEmpty();
    assertThat(observer.observe(name).orElseThrow().capacity().table()).isEqualTo(T10);
  }

  @Test
  void billingSwitchBackWaitsForTheCooldownThenCarriesIndexThroughput() {
    converge(desired(Provisioned, T10));
    Pass toOnDemand = pass(desired(OnDemand, null));
    assertThat(toOnDemand.outcome().complete()).isTrue();
    assertThat(observer.observe(name).orElseThrow().capacity().mode()).isEqualTo(OnDemand);
    assertThat(converge(desired(OnDemand, null)).plan().actions()).isEmpty();

    clock.advance(Duration.ofHours(3));
    Pass deferred = pass(desired(Provisioned, T10));
    assertThat(deferred.plan().actions()).isEmpty();
    Instant allowedAt = Instant.parse("2026-11-23T10:00:00Z");
    assertThat(deferred.plan().condition(ConditionTypes.BILLING_MODE_COOLDOWN))
        .hasValueSatisfying(c -> assertThat(c.message()).contains(allowedAt.toString()));
    assertThat(deferred.plan().wakeAt()).contains(allowedAt);

    clock.set(allowedAt);
    Pass back = pass(desired(Provisioned, T10));
    // The fake refuses a switch to provisioned that lacks any index's throughput, as AWS does.
    assertThat(back.outcome().complete()).isTrue();
    ObservedTable table = observer.observe(name).orElseThrow();
    assertThat(table.capacity().mode()).isEqualTo(Provisioned);
    assertThat(table.capacity().indexes()).containsEntry("gsi1", T10);
    assertThat(history)
        .extracting(BillingSwitchGuard.Switch::to)
        .containsExactly(OnDemand, Provisioned);
  }

  @Test
  void decreasesBeyondTheDailyQuotaAreDeferredFromTheObservedCounters() {
    converge(desired(Provisioned, new Throughput(100, 100)));
    long units = 100;
    for (int i = 0; i < 4; i++) {
      units -= 10;
      clock.advance(Duration.ofMinutes(1));
      Pass decrease = pass(desired(Provisioned, new Throughput(units, units)));
      assertThat(decrease.outcome().complete()).as("decrease %d", i + 1).isTrue();
    }
    clock.advance(Duration.ofMinutes(1));
    Pass fifth = pass(desired(Provisioned, new Throughput(10, 10)));
    assertThat(fifth.plan().actions()).isEmpty();
    assertThat(fifth.plan().condition(ConditionTypes.CAPACITY_SYNCED))
        .hasValueSatisfying(
            c -> {
              assertThat(c.reason()).isEqualTo("DecreaseQuota");
              assertThat(c.message()).contains("4 decreases today");
            });
    assertThat(fifth.plan().wakeAt()).contains(Instant.parse("2026-11-22T11:04:00Z"));
  }

  @Test
  void awsQuotaTheHistoryDoesNotKnowIsADeferralWithAwsTime() {
    converge(desired(Provisioned, T10));
    // Four switches to on-demand made outside the operator within the last hours.
    for (int i = 0; i < 4; i++) {
      aws.updateTable(
          UpdateTableRequest.builder().tableName(name).billingMode("PAY_PER_REQUEST").build());
      clock.advance(Duration.ofMinutes(10));
      ProvisionedThroughput units =
          ProvisionedThroughput.builder().readCapacityUnits(10L).writeCapacityUnits(5L).build();
      aws.updateTable(
          UpdateTableRequest.builder()
              .tableName(name)
              .billingMode("PROVISIONED")
              .provisionedThroughput(units)
              .globalSecondaryIndexUpdates(
                  GlobalSecondaryIndexUpdate.builder()
                      .update(
                          UpdateGlobalSecondaryIndexAction.builder()
                              .indexName("gsi1")
                              .provisionedThroughput(units)
                              .build())
                      .build())
              .build());
      clock.advance(Duration.ofMinutes(10));
    }
    // A short cooldown lets the planner try; AWS (the fake) refuses and names the time.
    DesiredTable wanted =
        new DesiredTable(
            name,
            "team-a/limits",
            DesiredTable.Adoption.NOT_ASKED,
            new DesiredCapacity(OnDemand, null, null, -1, -1, Duration.ofMinutes(5), false, false),
            true,
            true,
            true,
            false,
            Map.of("team", "a"),
            DesiredAutomation.NONE);
    Pass refused = pass(wanted);
    assertThat(refused.plan().actions()).singleElement().isInstanceOf(TableAction.Update.class);
    assertThat(refused.outcome().failure())
        .hasValueSatisfying(
            failure ->
                assertThat(failure)
                    .isInstanceOfSatisfying(
                        AwsFailures.Deferred.class,
                        d ->
                            assertThat(d.deferral().until())
                                .isEqualTo(Instant.parse("2026-11-23T10:00:00Z"))));
    assertThat(history).isEmpty();
  }
}
