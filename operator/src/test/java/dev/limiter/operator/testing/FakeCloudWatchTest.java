package dev.limiter.operator.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.limiter.testkit.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.cloudwatch.model.CloudWatchException;
import software.amazon.awssdk.services.cloudwatch.model.ComparisonOperator;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.InvalidParameterCombinationException;
import software.amazon.awssdk.services.cloudwatch.model.InvalidParameterValueException;
import software.amazon.awssdk.services.cloudwatch.model.Metric;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataQuery;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataResult;
import software.amazon.awssdk.services.cloudwatch.model.MetricStat;
import software.amazon.awssdk.services.cloudwatch.model.MissingRequiredParameterException;
import software.amazon.awssdk.services.cloudwatch.model.PutMetricAlarmRequest;
import software.amazon.awssdk.services.cloudwatch.model.ResourceNotFoundException;
import software.amazon.awssdk.services.cloudwatch.model.StandardUnit;
import software.amazon.awssdk.services.cloudwatch.model.StateValue;
import software.amazon.awssdk.services.cloudwatch.model.Statistic;
import software.amazon.awssdk.services.cloudwatch.model.StatusCode;
import software.amazon.awssdk.services.cloudwatch.model.Tag;

class FakeCloudWatchTest {

  private static final Instant START = Instant.parse("2026-03-10T08:00:00Z");
  private static final String DYNAMODB = "AWS/DynamoDB";

  private final ManualClock clock = ManualClock.at(START.toString());
  private final FakeCloudWatch cloudWatch = new FakeCloudWatch(clock);
  private final Map<String, String> orders = Map.of("TableName", "orders");

  /** A valid single-metric alarm. */
  private static PutMetricAlarmRequest.Builder alarm(String name) {
    return PutMetricAlarmRequest.builder()
        .alarmName(name)
        .alarmDescription("throttling of orders")
        .alarmActions("arn:aws:sns:us-east-1:000000000000:page")
        .okActions("arn:aws:sns:us-east-1:000000000000:ok")
        .insufficientDataActions("arn:aws:sns:us-east-1:000000000000:unknown")
        .namespace(DYNAMODB)
        .metricName("ReadThrottleEvents")
        .dimensions(Dimension.builder().name("TableName").value("orders").build())
        .statistic(Statistic.SUM)
        .period(60)
        .evaluationPeriods(3)
        .datapointsToAlarm(2)
        .threshold(5.0)
        .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD)
        .treatMissingData("notBreaching");
  }

  private static MetricDataQuery query(String id, String metricName, boolean returnData) {
    return MetricDataQuery.builder()
        .id(id)
        .returnData(returnData)
        .metricStat(
            MetricStat.builder()
                .metric(
                    Metric.builder()
                        .namespace(DYNAMODB)
                        .metricName(metricName)
                        .dimensions(Dimension.builder().name("TableName").value("orders").build())
                        .build())
                .period(60)
                .stat("Sum")
                .build())
        .build();
  }

  /** A valid Metrics-form alarm: two metrics and an expression that returns data. */
  private static PutMetricAlarmRequest.Builder mathAlarm(String name) {
    return PutMetricAlarmRequest.builder()
        .alarmName(name)
        .evaluationPeriods(1)
        .threshold(1.0)
        .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
        .metrics(
            query("reads", "ReadThrottleEvents", false),
            query("writes", "WriteThrottleEvents", false),
            MetricDataQuery.builder()
                .id("total")
                .expression("reads + writes")
                .returnData(true)
                .build());
  }

  private AwsServiceException refusedPut(UnaryOperator<PutMetricAlarmRequest.Builder> change) {
    AwsServiceException e =
        catchThrowableOfType(
            AwsServiceException.class,
            () -> cloudWatch.putMetricAlarm(change.apply(alarm("refused")).build()));
    assertThat(e).as("refused").isNotNull();
    assertThat(e.statusCode()).isEqualTo(400);
    assertThat(cloudWatch.describeAlarms("")).as("a refused put changes nothing").isEmpty();
    return e;
  }

  // ------------------------------------------------------------------ PutMetricAlarm /
  // DescribeAlarms

  @Test
  void aNewAlarmCarriesEveryFieldPutStartsInsufficientDataAndIsStampedWithTheClock() {
    cloudWatch.putMetricAlarm(alarm("orders-read-throttles").build());

    List<MetricAlarm> described = cloudWatch.describeAlarms("orders-");

    assertThat(described).hasSize(1);
    MetricAlarm a = described.get(0);
    assertThat(a.alarmName()).isEqualTo("orders-read-throttles");
    assertThat(a.alarmArn())
        .isEqualTo("arn:aws:cloudwatch:us-east-1:000000000000:alarm:orders-read-throttles");
    assertThat(a.alarmDescription()).isEqualTo("throttling of orders");
    assertThat(a.alarmActions()).containsExactly("arn:aws:sns:us-east-1:000000000000:page");
    assertThat(a.okActions()).containsExactly("arn:aws:sns:us-east-1:000000000000:ok");
    assertThat(a.insufficientDataActions())
        .containsExactly("arn:aws:sns:us-east-1:000000000000:unknown");
    assertThat(a.namespace()).isEqualTo(DYNAMODB);
    assertThat(a.metricName()).isEqualTo("ReadThrottleEvents");
    assertThat(a.dimensions())
        .containsExactly(Dimension.builder().name("TableName").value("orders").build());
    assertThat(a.statistic()).isEqualTo(Statistic.SUM);
    assertThat(a.period()).isEqualTo(60);
    assertThat(a.evaluationPeriods()).isEqualTo(3);
    assertThat(a.datapointsToAlarm()).isEqualTo(2);
    assertThat(a.threshold()).isEqualTo(5.0);
    assertThat(a.comparisonOperator()).isEqualTo(ComparisonOperator.GREATER_THAN_THRESHOLD);
    assertThat(a.treatMissingData()).isEqualTo("notBreaching");
    assertThat(a.actionsEnabled()).isTrue();
    assertThat(a.stateValue()).isEqualTo(StateValue.INSUFFICIENT_DATA);
    assertThat(a.alarmConfigurationUpdatedTimestamp()).isEqualTo(START);
  }

  @Test
  void aMetricsFormAlarmKeepsItsQueries() {
    PutMetricAlarmRequest request = mathAlarm("orders-throttles").build();
    cloudWatch.putMetricAlarm(request);

    MetricAlarm a = cloudWatch.describeAlarms("orders-throttles").get(0);

    assertThat(a.metrics()).isEqualTo(request.metrics());
    assertThat(a.metricName()).isNull();
    assertThat(a.period()).isNull();
  }

  @Test
  void describeReturnsOnlyNamesStartingWithThePrefixSortedByName() {
    cloudWatch.putMetricAlarm(alarm("orders-b").build());
    cloudWatch.putMetricAlarm(alarm("payments-a").build());
    cloudWatch.putMetricAlarm(alarm("orders-a").build());
    cloudWatch.putMetricAlarm(alarm("order").build());

    assertThat(cloudWatch.describeAlarms("orders-"))
        .extracting(MetricAlarm::alarmName)
        .containsExactly("orders-a", "orders-b");
    assertThat(cloudWatch.describeAlarms(""))
        .extracting(MetricAlarm::alarmName)
        .containsExactly("order", "orders-a", "orders-b", "payments-a");
    assertThat(cloudWatch.describeAlarms("zzz")).isEmpty();
  }

  @Test
  void putAgainOverwritesTheConfigurationButKeepsStateAndTags() {
    cloudWatch.putMetricAlarm(
        alarm("orders").tags(Tag.builder().key("owner").value("team-a").build()).build());
    clock.advance(Duration.ofMinutes(5));
    cloudWatch.setAlarmState("orders", StateValue.ALARM);
    clock.advance(Duration.ofMinutes(5));

    cloudWatch.putMetricAlarm(
        PutMetricAlarmRequest.builder()
            .alarmName("orders")
            .namespace(DYNAMODB)
            .metricName("WriteThrottleEvents")
            .statistic(Statistic.MAXIMUM)
            .period(300)
            .evaluationPeriods(1)
            .threshold(1.0)
            .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
            .tags(Tag.builder().key("owner").value("team-b").build())
            .build());

    MetricAlarm a = cloudWatch.describeAlarms("orders").get(0);
    assertThat(a.metricName()).isEqualTo("WriteThrottleEvents");
    assertThat(a.statistic()).isEqualTo(Statistic.MAXIMUM);
    assertThat(a.period()).isEqualTo(300);
    assertThat(a.threshold()).isEqualTo(1.0);
    assertThat(a.alarmDescription()).as("an overwrite drops what the new put leaves out").isNull();
    assertThat(a.alarmActions()).isEmpty();
    assertThat(a.dimensions()).isEmpty();
    assertThat(a.datapointsToAlarm()).isNull();
    assertThat(a.alarmConfigurationUpdatedTimestamp())
        .isEqualTo(START.plus(Duration.ofMinutes(10)));
    assertThat(a.stateValue()).isEqualTo(StateValue.ALARM);
    assertThat(a.stateUpdatedTimestamp()).isEqualTo(START.plus(Duration.ofMinutes(5)));
    assertThat(cloudWatch.tags("orders")).containsExactly(Map.entry("owner", "team-a"));
  }

  @Test
  void setAlarmStateOfAnUnknownAlarmIsResourceNotFound() {
    assertThatThrownBy(() -> cloudWatch.setAlarmState("nope", StateValue.OK))
        .isInstanceOf(ResourceNotFoundException.class)
        .satisfies(
            e ->
                assertThat(((AwsServiceException) e).awsErrorDetails().errorCode())
                    .isEqualTo("ResourceNotFound"));
  }

  // ------------------------------------------------------------------ PutMetricAlarm validation

  @Test
  void alarmNameIsRequiredAndOneTo255Characters() {
    assertThat(refusedPut(b -> b.alarmName(null)))
        .isInstanceOf(MissingRequiredParameterException.class)
        .satisfies(e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("MissingParameter"));
    assertThat(refusedPut(b -> b.alarmName("")).awsErrorDetails().errorCode())
        .isEqualTo("ValidationError");
    assertThat(refusedPut(b -> b.alarmName("a".repeat(256))).awsErrorDetails().errorCode())
        .isEqualTo("ValidationError");

    cloudWatch.putMetricAlarm(alarm("a".repeat(255)).build());
    assertThat(cloudWatch.describeAlarms("a")).hasSize(1);
  }

  @Test
  void evaluationPeriodsIsRequiredAndAtLeastOne() {
    assertThat(refusedPut(b -> b.evaluationPeriods(null)))
        .isInstanceOf(MissingRequiredParameterException.class);
    AwsServiceException zero = refusedPut(b -> b.evaluationPeriods(0));
    assertThat(zero).isExactlyInstanceOf(CloudWatchException.class);
    assertThat(zero.awsErrorDetails().errorCode()).isEqualTo("ValidationError");
    assertThat(zero.awsErrorDetails().errorMessage()).contains("evaluationPeriods");
  }

  @Test
  void comparisonOperatorIsRequired() {
    AwsServiceException e = refusedPut(b -> b.comparisonOperator((ComparisonOperator) null));
    assertThat(e).isInstanceOf(MissingRequiredParameterException.class);
    assertThat(e.awsErrorDetails().errorMessage()).contains("ComparisonOperator");
  }

  @Test
  void exactlyOneMetricForm() {
    AwsServiceException both = refusedPut(b -> b.metrics(query("m", "ReadThrottleEvents", true)));
    assertThat(both).isInstanceOf(InvalidParameterCombinationException.class);
    assertThat(both.awsErrorDetails().errorCode()).isEqualTo("InvalidParameterCombination");

    AwsServiceException neither = refusedPut(b -> b.namespace(null).metricName(null));
    assertThat(neither).isInstanceOf(InvalidParameterCombinationException.class);
  }

  @Test
  void theSingleMetricFormNeedsNameNamespaceOneStatisticAndPeriod() {
    assertThat(refusedPut(b -> b.namespace(null)))
        .isInstanceOf(MissingRequiredParameterException.class);
    assertThat(refusedPut(b -> b.metricName(null)))
        .isInstanceOf(MissingRequiredParameterException.class);
    assertThat(refusedPut(b -> b.statistic((Statistic) null)))
        .isInstanceOf(MissingRequiredParameterException.class);
    assertThat(refusedPut(b -> b.extendedStatistic("p99")))
        .isInstanceOf(InvalidParameterCombinationException.class);
    assertThat(refusedPut(b -> b.period(null)))
        .isInstanceOf(MissingRequiredParameterException.class);

    cloudWatch.putMetricAlarm(
        alarm("p99").statistic((Statistic) null).extendedStatistic("p99").build());
    assertThat(cloudWatch.describeAlarms("p99").get(0).extendedStatistic()).isEqualTo("p99");
  }

  @Test
  void periodIs10_20_30OrAMultipleOf60() {
    for (int period : new int[] {10, 20, 30, 60, 120, 3600}) {
      cloudWatch.putMetricAlarm(alarm("period-" + period).period(period).build());
    }
    assertThat(cloudWatch.describeAlarms("period-")).hasSize(6);
    for (int period : new int[] {0, 1, 5, 15, 45, 90}) {
      AwsServiceException e =
          catchThrowableOfType(
              AwsServiceException.class,
              () -> cloudWatch.putMetricAlarm(alarm("bad").period(period).build()));
      assertThat(e).as("period %d", period).isInstanceOf(InvalidParameterValueException.class);
      assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidParameterValue");
    }
    assertThat(cloudWatch.describeAlarms("bad")).isEmpty();
  }

  @Test
  void theMetricsFormNeedsExactlyOneQueryReturningData() {
    AwsServiceException none =
        catchThrowableOfType(
            AwsServiceException.class,
            () ->
                cloudWatch.putMetricAlarm(
                    mathAlarm("x").metrics(query("a", "ReadThrottleEvents", false)).build()));
    assertThat(none).isExactlyInstanceOf(CloudWatchException.class);
    assertThat(none.awsErrorDetails().errorCode()).isEqualTo("ValidationError");
    assertThat(none.awsErrorDetails().errorMessage())
        .isEqualTo("Exactly one element of the metrics list should return data.");

    AwsServiceException two =
        catchThrowableOfType(
            AwsServiceException.class,
            () ->
                cloudWatch.putMetricAlarm(
                    mathAlarm("x")
                        .metrics(
                            query("a", "ReadThrottleEvents", true),
                            query("b", "WriteThrottleEvents", true))
                        .build()));
    assertThat(two.awsErrorDetails().errorCode()).isEqualTo("ValidationError");

    MetricDataQuery unset =
        query("a", "ReadThrottleEvents", true).toBuilder().returnData(null).build();
    AwsServiceException unsetCountsAsTrue =
        catchThrowableOfType(
            AwsServiceException.class,
            () ->
                cloudWatch.putMetricAlarm(
                    mathAlarm("x")
                        .metrics(unset, query("b", "WriteThrottleEvents", true))
                        .build()));
    assertThat(unsetCountsAsTrue.awsErrorDetails().errorCode()).isEqualTo("ValidationError");

    cloudWatch.putMetricAlarm(
        mathAlarm("x").metrics(unset, query("b", "WriteThrottleEvents", false)).build());
    assertThat(cloudWatch.describeAlarms("x")).hasSize(1);
  }

  @Test
  void theMetricsFormRefusesTopLevelStatisticPeriodAndDimensions() {
    List<UnaryOperator<PutMetricAlarmRequest.Builder>> extras =
        List.of(
            b -> b.statistic(Statistic.SUM),
            b -> b.extendedStatistic("p90"),
            b -> b.period(60),
            b -> b.dimensions(Dimension.builder().name("TableName").value("orders").build()),
            b -> b.unit(StandardUnit.COUNT));
    for (UnaryOperator<PutMetricAlarmRequest.Builder> extra : extras) {
      AwsServiceException e =
          catchThrowableOfType(
              AwsServiceException.class,
              () -> cloudWatch.putMetricAlarm(extra.apply(mathAlarm("x")).build()));
      assertThat(e).isInstanceOf(InvalidParameterCombinationException.class);
    }
    assertThat(cloudWatch.describeAlarms("")).isEmpty();
  }

  @Test
  void atMostFiveActionsPerListAndThirtyDimensions() {
    String[] five =
        IntStream.range(0, 5)
            .mapToObj(i -> "arn:aws:sns:us-east-1:000000000000:t" + i)
            .toArray(String[]::new);
    String[] six =
        IntStream.range(0, 6)
            .mapToObj(i -> "arn:aws:sns:us-east-1:000000000000:t" + i)
            .toArray(String[]::new);
    cloudWatch.putMetricAlarm(
        alarm("five").alarmActions(five).okActions(five).insufficientDataActions(five).build());
    assertThat(cloudWatch.describeAlarms("five").get(0).alarmActions()).hasSize(5);
    cloudWatch.deleteAlarms(List.of("five"));

    assertThat(refusedPut(b -> b.alarmActions(six)).awsErrorDetails().errorCode())
        .isEqualTo("ValidationError");
    assertThat(refusedPut(b -> b.okActions(six)).awsErrorDetails().errorCode())
        .isEqualTo("ValidationError");
    assertThat(refusedPut(b -> b.insufficientDataActions(six)).awsErrorDetails().errorCode())
        .isEqualTo("ValidationError");

    List<Dimension> thirty = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      thirty.add(Dimension.builder().name("d" + i).value("v").build());
    }
    cloudWatch.putMetricAlarm(alarm("thirty").dimensions(thirty).build());
    cloudWatch.deleteAlarms(List.of("thirty"));
    List<Dimension> thirtyOne = new ArrayList<>(thirty);
    thirtyOne.add(Dimension.builder().name("d30").value("v").build());
    assertThat(refusedPut(b -> b.dimensions(thirtyOne)).awsErrorDetails().errorMessage())
        .contains("dimensions");
  }

  // ------------------------------------------------------------------ DeleteAlarms and mutations

  @Test
  void deleteRemovesNamedAlarmsAndSkipsUnknownOnes() {
    cloudWatch.putMetricAlarm(alarm("a").build());
    cloudWatch.putMetricAlarm(alarm("b").build());

    cloudWatch.deleteAlarms(List.of("a", "unknown"));

    assertThat(cloudWatch.describeAlarms(""))
        .extracting(MetricAlarm::alarmName)
        .containsExactly("b");
  }

  @Test
  void aDeletedAlarmPutAgainStartsAfreshWithNewTags() {
    cloudWatch.putMetricAlarm(alarm("a").tags(Tag.builder().key("k").value("1").build()).build());
    cloudWatch.setAlarmState("a", StateValue.ALARM);
    cloudWatch.deleteAlarms(List.of("a"));

    cloudWatch.putMetricAlarm(alarm("a").tags(Tag.builder().key("k").value("2").build()).build());

    assertThat(cloudWatch.describeAlarms("a").get(0).stateValue())
        .isEqualTo(StateValue.INSUFFICIENT_DATA);
    assertThat(cloudWatch.tags("a")).containsExactly(Map.entry("k", "2"));
  }

  @Test
  void mutationsListEveryPortCallAndDeletesCountOnePer100Names() {
    cloudWatch.putMetricAlarm(alarm("a").build());
    catchThrowableOfType(
        AwsServiceException.class,
        () -> cloudWatch.putMetricAlarm(alarm("b").evaluationPeriods(0).build()));
    List<String> names = IntStream.range(0, 250).mapToObj(i -> "n" + i).toList();
    cloudWatch.deleteAlarms(names);
    cloudWatch.deleteAlarms(List.of());
    cloudWatch.describeAlarms("");

    List<String> mutations = cloudWatch.mutations();
    assertThat(mutations).hasSize(5);
    assertThat(mutations.subList(0, 2)).containsExactly("PutMetricAlarm a", "PutMetricAlarm b");
    assertThat(mutations.get(2))
        .isEqualTo("DeleteAlarms " + String.join(",", names.subList(0, 100)));
    assertThat(mutations.get(4))
        .isEqualTo("DeleteAlarms " + String.join(",", names.subList(200, 250)));

    cloudWatch.clearMutations();
    assertThat(cloudWatch.mutations()).isEmpty();
  }

  // ------------------------------------------------------------------ GetMetricData

  private MetricDataQuery stat(String id, String metricName, String stat, int period) {
    return MetricDataQuery.builder()
        .id(id)
        .metricStat(
            MetricStat.builder()
                .metric(
                    Metric.builder()
                        .namespace(DYNAMODB)
                        .metricName(metricName)
                        .dimensions(Dimension.builder().name("TableName").value("orders").build())
                        .build())
                .period(period)
                .stat(stat)
                .build())
        .build();
  }

  private void recordTwoPeriods() {
    // Period 1 [08:00, 08:05): 1, 3, 8; period 2 [08:05, 08:10): 10; outside: before start and at
    // end.
    cloudWatch.record(DYNAMODB, "ReadThrottleEvents", orders, START.minusSeconds(1), 1000);
    cloudWatch.record(DYNAMODB, "ReadThrottleEvents", orders, START, 1);
    cloudWatch.record(DYNAMODB, "ReadThrottleEvents", orders, START.plusSeconds(100), 3);
    cloudWatch.record(DYNAMODB, "ReadThrottleEvents", orders, START.plusSeconds(299), 8);
    cloudWatch.record(DYNAMODB, "ReadThrottleEvents", orders, START.plusSeconds(300), 10);
    cloudWatch.record(DYNAMODB, "ReadThrottleEvents", orders, START.plusSeconds(900), 2000);
    // Other metrics that must not be mixed in.
    cloudWatch.record(DYNAMODB, "ReadThrottleEvents", Map.of("TableName", "payments"), START, 500);
    cloudWatch.record(
        DYNAMODB,
        "ReadThrottleEvents",
        Map.of("TableName", "orders", "Operation", "GetItem"),
        START,
        500);
    cloudWatch.record("Custom", "ReadThrottleEvents", orders, START, 500);
  }

  private MetricDataResult only(String stat) {
    List<MetricDataResult> results =
        cloudWatch.getMetricData(
            List.of(stat("m", "ReadThrottleEvents", stat, 300)), START, START.plusSeconds(900));
    assertThat(results).hasSize(1);
    return results.get(0);
  }

  @Test
  void pointsAggregateIntoPeriodsAlignedToStartNewestFirstWithoutEmptyBuckets() {
    recordTwoPeriods();

    MetricDataResult sum = only("Sum");

    assertThat(sum.id()).isEqualTo("m");
    assertThat(sum.label()).isEqualTo("ReadThrottleEvents");
    assertThat(sum.statusCode()).isEqualTo(StatusCode.COMPLETE);
    assertThat(sum.timestamps()).containsExactly(START.plusSeconds(300), START);
    assertThat(sum.values()).containsExactly(10.0, 12.0);
  }

  @Test
  void everyStatistic() {
    recordTwoPeriods();

    assertThat(only("Average").values()).containsExactly(10.0, 4.0);
    assertThat(only("Maximum").values()).containsExactly(10.0, 8.0);
    assertThat(only("Minimum").values()).containsExactly(10.0, 1.0);
    assertThat(only("SampleCount").values()).containsExactly(1.0, 3.0);
    assertThatThrownBy(() -> only("p99"))
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("p99");
  }

  @Test
  void dimensionsMatchAsASetAndLabelsAndReturnDataAreHonoured() {
    Map<String, String> two = Map.of("TableName", "orders", "GlobalSecondaryIndexName", "by-user");
    cloudWatch.record(DYNAMODB, "ReadThrottleEvents", two, START.plusSeconds(10), 7);
    MetricDataQuery reversed =
        MetricDataQuery.builder()
            .id("idx")
            .label("index throttles")
            .metricStat(
                MetricStat.builder()
                    .metric(
                        Metric.builder()
                            .namespace(DYNAMODB)
                            .metricName("ReadThrottleEvents")
                            .dimensions(
                                Dimension.builder()
                                    .name("GlobalSecondaryIndexName")
                                    .value("by-user")
                                    .build(),
                                Dimension.builder().name("TableName").value("orders").build())
                            .build())
                    .period(60)
                    .stat("Sum")
                    .build())
            .build();
    MetricDataQuery hidden =
        stat("hidden", "ReadThrottleEvents", "Sum", 60).toBuilder().returnData(false).build();
    MetricDataQuery empty = stat("empty", "WriteThrottleEvents", "Sum", 60);

    List<MetricDataResult> results =
        cloudWatch.getMetricData(List.of(reversed, hidden, empty), START, START.plusSeconds(600));

    assertThat(results).extracting(MetricDataResult::id).containsExactly("idx", "empty");
    assertThat(results.get(0).label()).isEqualTo("index throttles");
    assertThat(results.get(0).values()).containsExactly(7.0);
    assertThat(results.get(1).timestamps()).isEmpty();
    assertThat(results.get(1).values()).isEmpty();
    assertThat(results.get(1).statusCode()).isEqualTo(StatusCode.COMPLETE);
  }

  @Test
  void atMost500Queries() {
    List<MetricDataQuery> five00 =
        IntStream.range(0, 500).mapToObj(i -> stat("q" + i, "X", "Sum", 60)).toList();
    assertThat(cloudWatch.getMetricData(five00, START, START.plusSeconds(60))).hasSize(500);

    List<MetricDataQuery> five01 = new ArrayList<>(five00);
    five01.add(stat("q500", "X", "Sum", 60));
    assertThatThrownBy(() -> cloudWatch.getMetricData(five01, START, START.plusSeconds(60)))
        .isInstanceOf(InvalidParameterValueException.class);
  }

  @Test
  void idsMustMatchThePatternAndBeUnique() {
    for (String id : new String[] {"Upper", "1digit", "with-dash", "", "_under"}) {
      AwsServiceException e =
          catchThrowableOfType(
              AwsServiceException.class,
              () ->
                  cloudWatch.getMetricData(
                      List.of(stat(id, "X", "Sum", 60)), START, START.plusSeconds(60)));
      assertThat(e).as("id '%s'", id).isNotNull();
      assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationError");
    }
    assertThat(
            cloudWatch.getMetricData(
                List.of(stat("ok_Id9", "X", "Sum", 60)), START, START.plusSeconds(60)))
        .hasSize(1);

    AwsServiceException duplicate =
        catchThrowableOfType(
            AwsServiceException.class,
            () ->
                cloudWatch.getMetricData(
                    List.of(stat("a", "X", "Sum", 60), stat("a", "Y", "Sum", 60)),
                    START,
                    START.plusSeconds(60)));
    assertThat(duplicate.awsErrorDetails().errorCode()).isEqualTo("ValidationError");
    assertThat(duplicate.awsErrorDetails().errorMessage()).contains("not unique");
  }

  @Test
  void startMustBeBeforeEnd() {
    List<MetricDataQuery> queries = List.of(stat("a", "X", "Sum", 60));
    assertThatThrownBy(() -> cloudWatch.getMetricData(queries, START, START))
        .isInstanceOf(InvalidParameterValueException.class);
    assertThatThrownBy(() -> cloudWatch.getMetricData(queries, START.plusSeconds(60), START))
        .isInstanceOf(InvalidParameterValueException.class);
  }

  @Test
  void expressionsAreUnsupportedAndAQueryNeedsExactlyOneOfStatAndExpression() {
    MetricDataQuery math = MetricDataQuery.builder().id("e").expression("a * 2").build();
    assertThatThrownBy(
            () ->
                cloudWatch.getMetricData(
                    List.of(stat("a", "X", "Sum", 60), math), START, START.plusSeconds(60)))
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("a * 2");

    MetricDataQuery neither = MetricDataQuery.builder().id("n").build();
    assertThatThrownBy(
            () -> cloudWatch.getMetricData(List.of(neither), START, START.plusSeconds(60)))
        .isInstanceOf(InvalidParameterCombinationException.class);
  }
}
