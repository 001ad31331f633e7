package dev.limiter.operator.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.limiter.operator.aws.AwsWireStub.Reply;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.ComparisonOperator;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.InvalidParameterValueException;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;
import software.amazon.awssdk.services.cloudwatch.model.PutMetricAlarmRequest;
import software.amazon.awssdk.services.cloudwatch.model.StateValue;
import software.amazon.awssdk.services.cloudwatch.model.Statistic;

/**
 * {@link SdkTableAlarms} through a real SDK client against {@link AwsWireStub} speaking
 * CloudWatch's Smithy RPC v2 CBOR: what goes on the wire (prefix, alarm types, pages, chunks of
 * names) and what comes back from it.
 */
class SdkTableAlarmsTest {

  private static final Instant UPDATED = Instant.parse("2025-01-02T03:04:05.678Z");

  private final AwsWireStub stub = AwsWireStub.start(AwsWireStub.Protocol.RPC_V2_CBOR);
  private final CloudWatchClient client = stub.client(CloudWatchClient.builder());
  private final SdkTableAlarms alarms = new SdkTableAlarms(client);

  @AfterEach
  void close() {
    client.close();
    stub.close();
  }

  @Test
  void describeAlarmsAsksForMetricAlarmsByPrefixAndFollowsNextToken() {
    stub.answer(
        "DescribeAlarms",
        request ->
            request.body().has("NextToken")
                ? Reply.ok(alarmsPage(alarm("limiter-t-write")))
                : Reply.ok(alarmsPage(alarm("limiter-t-read")).put("NextToken", "page2")));

    List<MetricAlarm> described = alarms.describeAlarms("limiter-t-");

    assertThat(described)
        .extracting(MetricAlarm::alarmName)
        .containsExactly("limiter-t-read", "limiter-t-write");
    MetricAlarm read = described.get(0);
    assertThat(read.alarmArn()).isEqualTo("arn:aws:cloudwatch:us-east-1:1:alarm:limiter-t-read");
    assertThat(read.namespace()).isEqualTo("AWS/DynamoDB");
    assertThat(read.metricName()).isEqualTo("ReadThrottleEvents");
    assertThat(read.dimensions())
        .containsExactly(Dimension.builder().name("TableName").value("t").build());
    assertThat(read.statistic()).isEqualTo(Statistic.SUM);
    assertThat(read.period()).isEqualTo(60);
    assertThat(read.evaluationPeriods()).isEqualTo(5);
    assertThat(read.threshold()).isEqualTo(1.0);
    assertThat(read.comparisonOperator())
        .isEqualTo(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD);
    assertThat(read.actionsEnabled()).isTrue();
    assertThat(read.alarmActions()).containsExactly("arn:aws:sns:us-east-1:1:pager");
    assertThat(read.stateValue()).isEqualTo(StateValue.OK);
    assertThat(read.stateUpdatedTimestamp()).isEqualTo(UPDATED);

    List<JsonNode> sent = stub.bodies("DescribeAlarms");
    assertThat(sent)
        .extracting(body -> body.path("AlarmNamePrefix").asText())
        .containsOnly("limiter-t-");
    assertThat(sent)
        .extracting(body -> body.path("AlarmTypes").toString())
        .containsOnly("[\"MetricAlarm\"]");
    assertThat(sent)
        .extracting(body -> body.path("NextToken").asText(null))
        .containsExactly(null, "page2");
    assertThat(stub.requests())
        .extracting(AwsWireStub.Request::target)
        .containsOnly("/service/GraniteServiceVersion20100801/operation/DescribeAlarms");
    assertThat(stub.requests())
        .extracting(AwsWireStub.Request::contentType)
        .containsOnly("application/cbor");
  }

  @Test
  void putMetricAlarmIsSentAsItIs() {
    stub.answer("PutMetricAlarm", Reply.empty());

    alarms.putMetricAlarm(
        PutMetricAlarmRequest.builder()
            .alarmName("limiter-t-read")
            .namespace("AWS/DynamoDB")
            .metricName("ReadThrottleEvents")
            .dimensions(Dimension.builder().name("TableName").value("t").build())
            .statistic(Statistic.SUM)
            .period(60)
            .evaluationPeriods(5)
            .threshold(1.0)
            .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
            .alarmActions("arn:aws:sns:us-east-1:1:pager")
            .tags(t -> t.key("limiter.dev/table").value("t"))
            .build());

    JsonNode sent = stub.bodies("PutMetricAlarm").get(0);
    assertThat(sent.path("AlarmName").asText()).isEqualTo("limiter-t-read");
    assertThat(sent.path("Namespace").asText()).isEqualTo("AWS/DynamoDB");
    assertThat(sent.path("MetricName").asText()).isEqualTo("ReadThrottleEvents");
    assertThat(sent.path("Dimensions").path(0).path("Name").asText()).isEqualTo("TableName");
    assertThat(sent.path("Dimensions").path(0).path("Value").asText()).isEqualTo("t");
    assertThat(sent.path("Statistic").asText()).isEqualTo("Sum");
    assertThat(sent.path("Period").asInt()).isEqualTo(60);
    assertThat(sent.path("EvaluationPeriods").asInt()).isEqualTo(5);
    assertThat(sent.path("Threshold").asDouble()).isEqualTo(1.0);
    assertThat(sent.path("ComparisonOperator").asText()).isEqualTo("GreaterThanOrEqualToThreshold");
    assertThat(sent.path("AlarmActions").path(0).asText())
        .isEqualTo("arn:aws:sns:us-east-1:1:pager");
    assertThat(sent.path("Tags").path(0).path("Key").asText()).isEqualTo("limiter.dev/table");
  }

  @Test
  void deleteAlarmsSendsAHundredNamesPerCall() {
    stub.answer("DeleteAlarms", Reply.empty());
    List<String> names = IntStream.range(0, 120).mapToObj(i -> "alarm-" + i).toList();

    alarms.deleteAlarms(names);

    List<JsonNode> sent = stub.bodies("DeleteAlarms");
    assertThat(sent).extracting(body -> body.path("AlarmNames").size()).containsExactly(100, 20);
    List<String> sentNames = new ArrayList<>();
    sent.forEach(body -> body.path("AlarmNames").forEach(name -> sentNames.add(name.asText())));
    assertThat(sentNames).isEqualTo(names);
  }

  @Test
  void deletingNoAlarmsMakesNoCall() {
    alarms.deleteAlarms(List.of());

    assertThat(stub.requests()).isEmpty();
  }

  @Test
  void awsErrorsComeThroughAsTheSdksExceptions() {
    stub.answer(
        "DescribeAlarms",
        Reply.error(400, "InvalidParameterValueException", "AlarmNamePrefix is too long"));

    assertThatThrownBy(() -> alarms.describeAlarms("x".repeat(300)))
        .isInstanceOfSatisfying(
            InvalidParameterValueException.class,
            e -> {
              assertThat(e.statusCode()).isEqualTo(400);
              assertThat(e.awsErrorDetails().errorMessage())
                  .isEqualTo("AlarmNamePrefix is too long");
            });
  }

  private static ObjectNode alarmsPage(JsonNode... alarms) {
    ObjectNode page = AwsWireStub.object();
    page.putArray("MetricAlarms").addAll(List.of(alarms));
    return page;
  }

  private static JsonNode alarm(String name) {
    ObjectNode alarm =
        AwsWireStub.object()
            .put("AlarmName", name)
            .put("AlarmArn", "arn:aws:cloudwatch:us-east-1:1:alarm:" + name)
            .put("Namespace", "AWS/DynamoDB")
            .put("MetricName", name.endsWith("read") ? "ReadThrottleEvents" : "WriteThrottleEvents")
            .put("Statistic", "Sum")
            .put("Period", 60)
            .put("EvaluationPeriods", 5)
            .put("Threshold", 1.0)
            .put("ComparisonOperator", "GreaterThanOrEqualToThreshold")
            .put("ActionsEnabled", true)
            .put("StateValue", "OK")
            .put("StateUpdatedTimestamp", UPDATED.toEpochMilli() / 1000.0);
    alarm.putArray("Dimensions").addObject().put("Name", "TableName").put("Value", "t");
    alarm.putArray("AlarmActions").add("arn:aws:sns:us-east-1:1:pager");
    return alarm;
  }
}
