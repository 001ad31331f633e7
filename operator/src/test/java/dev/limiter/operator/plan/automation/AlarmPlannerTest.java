package dev.limiter.operator.plan.automation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudwatch.model.ComparisonOperator;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataQuery;
import software.amazon.awssdk.services.cloudwatch.model.PutMetricAlarmRequest;

class AlarmPlannerTest {

  private static final String TABLE = "orders";
  private static final String OWNER = "shop/orders";
  private static final DesiredAutomation.AlarmGoal GOAL =
      new DesiredAutomation.AlarmGoal(List.of("arn:aws:sns:us-east-1:123456789012:alerts"), 1, 80);

  @Test
  void theRunbooksAlarmsPlusHotPartitionAndIndexAlarmsAreCreated() {
    Section plan =
        AlarmPlanner.plan(TABLE, OWNER, List.of("gsi1"), Optional.of(GOAL), true, List.of());

    assertThat(requests(plan))
        .extracting(PutMetricAlarmRequest::alarmName)
        .containsExactly(
            "orders/read-throttle",
            "orders/write-throttle",
            "orders/read-key-range-throttle",
            "orders/write-key-range-throttle",
            "orders/high-capacity",
            "orders/index/gsi1/read-throttle",
            "orders/index/gsi1/write-throttle");
    PutMetricAlarmRequest write = requests(plan).get(1);
    assertThat(write.metricName()).isEqualTo("WriteThrottleEvents");
    assertThat(write.namespace()).isEqualTo("AWS/DynamoDB");
    assertThat(write.dimensions())
        .containsExactly(Dimension.builder().name("TableName").value(TABLE).build());
    assertThat(write.period()).isEqualTo(300);
    assertThat(write.threshold()).isEqualTo(1.0);
    assertThat(write.comparisonOperator())
        .isEqualTo(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD);
    assertThat(write.alarmActions()).containsExactly("arn:aws:sns:us-east-1:123456789012:alerts");
    assertThat(write.alarmDescription()).endsWith(AlarmPlanner.ownerLine(OWNER));
    PutMetricAlarmRequest high = requests(plan).get(4);
    assertThat(high.metricName()).isNull();
    assertThat(high.metrics())
        .filteredOn(MetricDataQuery::returnData)
        .singleElement()
        .extracting(MetricDataQuery::expression)
        .asString()
        .contains("cw/300")
        .contains("pr");
    assertThat(high.threshold()).isEqualTo(80.0);
    assertThat(requests(plan).get(6).dimensions())
        .extracting(Dimension::name)
        .containsExactly("TableName", "GlobalSecondaryIndexName");
    assertThat(plan.condition().reason()).isEqualTo("Updating");
  }

  @Test
  void unchangedAlarmsCostNoCallAndADriftedOneIsPutAgain() {
    List<MetricAlarm> existing =
        described(
            AlarmPlanner.plan(TABLE, OWNER, List.of("gsi1"), Optional.of(GOAL), true, List.of()));
    Section same =
        AlarmPlanner.plan(TABLE, OWNER, List.of("gsi1"), Optional.of(GOAL), true, existing);
    assertThat(same.actions()).isEmpty();
    assertThat(same.condition().holds()).isTrue();

    List<MetricAlarm> drifted = new ArrayList<>(existing);
    drifted.set(0, existing.get(0).toBuilder().threshold(50.0).build());
    Section repaired =
        AlarmPlanner.plan(TABLE, OWNER, List.of("gsi1"), Optional.of(GOAL), true, drifted);
    assertThat(requests(repaired))
        .extracting(PutMetricAlarmRequest::alarmName)
        .containsExactly("orders/read-throttle");
  }

  @Test
  void disabledOrRemovedAlarmsAreDeletedButOnlyTheOperatorsOwn() {
    List<MetricAlarm> existing =
        new ArrayList<>(
            described(
                AlarmPlanner.plan(TABLE, OWNER, List.of(), Optional.of(GOAL), true, List.of())));
    existing.add(
        MetricAlarm.builder()
            .alarmName("orders/someone-elses")
            .alarmDescription("by hand")
            .build());
    existing.add(
        MetricAlarm.builder()
            .alarmName("orders/other-owner")
            .alarmDescription("x. " + AlarmPlanner.ownerLine("shop/other"))
            .build());

    Section off = AlarmPlanner.plan(TABLE, OWNER, List.of(), Optional.empty(), true, existing);

    assertThat(off.actions())
        .singleElement()
        .isInstanceOfSatisfying(
            AutomationAction.DeleteAlarms.class,
            delete ->
                assertThat(delete.names())
                    .containsExactly(
                        "orders/high-capacity",
                        "orders/read-key-range-throttle",
                        "orders/read-throttle",
                        "orders/write-key-range-throttle",
                        "orders/write-throttle"));
  }

  @Test
  void autoscalingAlarmsAreNeverTouchedEvenWithTheOwnerLine() {
    MetricAlarm targetTracking =
        MetricAlarm.builder()
            .alarmName("TargetTracking-table/orders-AlarmHigh-1")
            .alarmDescription(AlarmPlanner.ownerLine(OWNER))
            .build();
    assertThat(
            AlarmPlanner.plan(
                    "TargetTracking",
                    OWNER,
                    List.of(),
                    Optional.empty(),
                    true,
                    List.of(targetTracking))
                .actions())
        .isEmpty();
  }

  @Test
  void onDemandTablesHaveNoHighCapacityAlarm() {
    List<MetricAlarm> existing =
        described(AlarmPlanner.plan(TABLE, OWNER, List.of(), Optional.of(GOAL), true, List.of()));
    Section onDemand =
        AlarmPlanner.plan(TABLE, OWNER, List.of(), Optional.of(GOAL), false, existing);
    assertThat(onDemand.actions())
        .singleElement()
        .isInstanceOfSatisfying(
            AutomationAction.DeleteAlarms.class,
            delete -> assertThat(delete.names()).containsExactly("orders/high-capacity"));
    assertThat(AlarmPlanner.names(TABLE, OWNER, List.of(), Optional.of(GOAL), false)).hasSize(4);
  }

  @Test
  void aTableAndAnIndexNamedLikeAnotherTableNeverShareAnAlarm() {
    List<String> x = AlarmPlanner.names("x", "a/x", List.of("gsi1"), Optional.of(GOAL), true);
    List<String> xGsi1 =
        AlarmPlanner.names("x-gsi1", "a/x-gsi1", List.of(), Optional.of(GOAL), true);

    assertThat(x).hasSize(7).doesNotContainAnyElementsOf(xGsi1);
    assertThat(xGsi1)
        .hasSize(5)
        .noneMatch(name -> name.startsWith(AlarmPlanner.prefixes("x").get(0)));
  }

  @Test
  void theOperatorsAlarmsUnderTheOldNamesAreDeletedOnceTheNewOnesArePut() {
    List<MetricAlarm> observed =
        List.of(
            MetricAlarm.builder()
                .alarmName("orders-read-throttle")
                .alarmDescription("Read. " + AlarmPlanner.ownerLine(OWNER))
                .dimensions(tableName(TABLE))
                .build(),
            MetricAlarm.builder()
                .alarmName("orders-gsi1-write-throttle")
                .alarmDescription("W. " + AlarmPlanner.ownerLine(OWNER))
                .dimensions(
                    tableName(TABLE),
                    Dimension.builder().name("GlobalSecondaryIndexName").value("gsi1").build())
                .build(),
            // Another table's alarm under the old prefix scan (table orders-gsi1), and someone's
            // own alarm.
            MetricAlarm.builder()
                .alarmName("orders-gsi1-read-throttle")
                .alarmDescription("R. " + AlarmPlanner.ownerLine("shop/orders-gsi1"))
                .dimensions(tableName("orders-gsi1"))
                .build(),
            MetricAlarm.builder().alarmName("orders-by-hand").alarmDescription("mine").build());

    Section plan =
        AlarmPlanner.plan(TABLE, OWNER, List.of("gsi1"), Optional.of(GOAL), true, observed);

    assertThat(plan.actions()).hasSize(8);
    assertThat(requests(plan))
        .hasSize(7)
        .extracting(PutMetricAlarmRequest::alarmName)
        .allMatch(name -> name.startsWith(AlarmPlanner.prefixes(TABLE).get(0)));
    assertThat(plan.actions().get(7))
        .isInstanceOfSatisfying(
            AutomationAction.DeleteAlarms.class,
            delete ->
                assertThat(delete.names())
                    .containsExactly("orders-gsi1-write-throttle", "orders-read-throttle"));
  }

  @Test
  void anAlarmNameAnotherTablesAlarmAlreadyHasIsNeverOverwritten() {
    // Alarms made elsewhere (by hand, or by another install) under names table orders wants,
    // watching table orders-gsi1.
    List<MetricAlarm> theirs =
        described(
                AlarmPlanner.plan(
                    "orders-gsi1", "other/team", List.of(), Optional.of(GOAL), true, List.of()))
            .stream()
            .map(
                alarm ->
                    alarm.toBuilder()
                        .alarmName(alarm.alarmName().replace("orders-gsi1/", "orders/"))
                        .build())
            .toList();
    assertThat(theirs)
        .extracting(MetricAlarm::alarmName)
        .contains("orders/read-throttle", "orders/write-throttle");

    Section plan =
        AlarmPlanner.plan(TABLE, OWNER, List.of("gsi1"), Optional.of(GOAL), true, theirs);

    assertThat(requests(plan))
        .extracting(PutMetricAlarmRequest::alarmName)
        .contains("orders/index/gsi1/read-throttle")
        .doesNotContain("orders/read-throttle", "orders/write-throttle");
    assertThat(plan.actions()).noneMatch(AutomationAction.DeleteAlarms.class::isInstance);
    assertThat(plan.condition().holds()).isFalse();
    assertThat(plan.condition().reason()).isEqualTo("AlarmConflict");
    assertThat(plan.condition().message()).contains("orders/read-throttle").contains("other/team");
  }

  @Test
  void onlyTheTablesOwnAlarmsAreDeletedEvenWhenTheSameOwnerHasAnotherTable() {
    // A resource recreated under the same name for table orders finds the alarms it once made for
    // table orders-archive.
    List<MetricAlarm> archive =
        described(
            AlarmPlanner.plan(
                "orders-archive", OWNER, List.of("gsi1"), Optional.of(GOAL), true, List.of()));
    Section plan =
        AlarmPlanner.plan(TABLE, OWNER, List.of("gsi1"), Optional.empty(), true, archive);
    assertThat(plan.actions()).as("alarms of table orders-archive").isEmpty();
  }

  private static List<PutMetricAlarmRequest> requests(Section plan) {
    return plan.actions().stream()
        .filter(AutomationAction.PutAlarm.class::isInstance)
        .map(a -> ((AutomationAction.PutAlarm) a).request())
        .toList();
  }

  private static Dimension tableName(String table) {
    return Dimension.builder().name("TableName").value(table).build();
  }

  /**
   * How CloudWatch describes the alarms {@code plan} puts (actions and dimensions in another
   * order).
   */
  private static List<MetricAlarm> described(Section plan) {
    return requests(plan).stream()
        .map(
            r ->
                MetricAlarm.builder()
                    .alarmName(r.alarmName())
                    .alarmDescription(r.alarmDescription())
                    .alarmActions(reversed(r.alarmActions()))
                    .actionsEnabled(r.actionsEnabled())
                    .namespace(r.namespace())
                    .metricName(r.metricName())
                    .dimensions(reversed(r.dimensions()))
                    .statistic(r.statistic())
                    .period(r.period())
                    .evaluationPeriods(r.evaluationPeriods())
                    .threshold(r.threshold())
                    .comparisonOperator(r.comparisonOperator())
                    .treatMissingData(r.treatMissingData())
                    .metrics(r.metrics())
                    .stateValue("OK")
                    .build())
        .toList();
  }

  private static <T> List<T> reversed(List<T> list) {
    List<T> copy = new ArrayList<>(list);
    java.util.Collections.reverse(copy);
    return copy;
  }
}
