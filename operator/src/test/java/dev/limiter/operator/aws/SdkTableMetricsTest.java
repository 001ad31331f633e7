package dev.limiter.operator.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.limiter.operator.aws.AwsWireStub.Reply;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.InvalidParameterValueException;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataQuery;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataResult;
import software.amazon.awssdk.services.cloudwatch.model.StatusCode;

/**
 * {@link SdkTableMetrics} through a real SDK client against {@link AwsWireStub} speaking
 * CloudWatch's Smithy RPC v2 CBOR: the queries and time range on the wire, and pages merged per
 * query id.
 */
class SdkTableMetricsTest {

  private static final Instant START = Instant.parse("2025-01-01T00:00:00Z");
  private static final Instant END = Instant.parse("2025-01-01T01:00:00Z");
  private static final List<MetricDataQuery> QUERIES =
      List.of(query("reads", "ReadThrottleEvents"), query("writes", "WriteThrottleEvents"));

  private final AwsWireStub stub = AwsWireStub.start(AwsWireStub.Protocol.RPC_V2_CBOR);
  private final CloudWatchClient client = stub.client(CloudWatchClient.builder());
  private final SdkTableMetrics metrics = new SdkTableMetrics(client);

  @AfterEach
  void close() {
    client.close();
    stub.close();
  }

  @Test
  void getMetricDataMergesEachIdsSeriesAcrossPages() {
    // Page 1: both series start, "reads" is cut short; page 2: the rest of "reads".
    stub.answer(
        "GetMetricData",
        request ->
            request.body().has("NextToken")
                ? Reply.ok(page(result("reads", "Complete", 2, 1.0)))
                : Reply.ok(
                    page(
                            result("reads", "PartialData", 0, 3.0, 2.0),
                            result("writes", "Complete", 0, 7.0))
                        .put("NextToken", "page2")));

    List<MetricDataResult> results = metrics.getMetricData(QUERIES, START, END);

    assertThat(results).extracting(MetricDataResult::id).containsExactly("reads", "writes");
    MetricDataResult reads = results.get(0);
    assertThat(reads.label()).isEqualTo("reads label");
    assertThat(reads.values()).containsExactly(3.0, 2.0, 1.0);
    assertThat(reads.timestamps()).containsExactly(minute(59), minute(58), minute(57));
    assertThat(reads.statusCode()).isEqualTo(StatusCode.COMPLETE);
    MetricDataResult writes = results.get(1);
    assertThat(writes.values()).containsExactly(7.0);
    assertThat(writes.timestamps()).containsExactly(minute(59));
    assertThat(writes.statusCode()).isEqualTo(StatusCode.COMPLETE);

    List<JsonNode> sent = stub.bodies("GetMetricData");
    assertThat(sent)
        .extracting(body -> body.path("NextToken").asText(null))
        .containsExactly(null, "page2");
    assertThat(sent)
        .extracting(body -> body.path("StartTime").asLong())
        .containsOnly(START.getEpochSecond());
    assertThat(sent)
        .extracting(body -> body.path("EndTime").asLong())
        .containsOnly(END.getEpochSecond());
    JsonNode first = sent.get(0).path("MetricDataQueries");
    assertThat(first.size()).isEqualTo(2);
    assertThat(first.path(0).path("Id").asText()).isEqualTo("reads");
    JsonNode stat = first.path(0).path("MetricStat");
    assertThat(stat.path("Metric").path("Namespace").asText()).isEqualTo("AWS/DynamoDB");
    assertThat(stat.path("Metric").path("MetricName").asText()).isEqualTo("ReadThrottleEvents");
    assertThat(stat.path("Metric").path("Dimensions").path(0).path("Value").asText())
        .isEqualTo("t");
    assertThat(stat.path("Period").asInt()).isEqualTo(60);
    assertThat(stat.path("Stat").asText()).isEqualTo("Sum");
    assertThat(sent.get(1).path("MetricDataQueries")).isEqualTo(first);
  }

  @Test
  void awsErrorsComeThroughAsTheSdksExceptions() {
    stub.answer(
        "GetMetricData",
        Reply.error(400, "InvalidParameterValueException", "The start time is after the end time"));

    assertThatThrownBy(() -> metrics.getMetricData(QUERIES, END, START))
        .isInstanceOfSatisfying(
            InvalidParameterValueException.class,
            e ->
                assertThat(e.awsErrorDetails().errorMessage())
                    .isEqualTo("The start time is after the end time"));
  }

  private static MetricDataQuery query(String id, String metricName) {
    return MetricDataQuery.builder()
        .id(id)
        .returnData(true)
        .metricStat(
            s ->
                s.period(60)
                    .stat("Sum")
                    .metric(
                        m ->
                            m.namespace("AWS/DynamoDB")
                                .metricName(metricName)
                                .dimensions(d -> d.name("TableName").value("t"))))
        .build();
  }

  /** Newest first, one minute apart, counting back from 00:59 skipping {@code skip} minutes. */
  private static JsonNode result(String id, String status, int skip, double... values) {
    ObjectNode result =
        AwsWireStub.object().put("Id", id).put("Label", id + " label").put("StatusCode", status);
    ArrayNode timestamps = result.putArray("Timestamps");
    ArrayNode series = result.putArray("Values");
    for (int i = 0; i < values.length; i++) {
      timestamps.add(minute(59 - skip - i).getEpochSecond());
      series.add(values[i]);
    }
    return result;
  }

  private static Instant minute(int minute) {
    return START.plusSeconds(60L * minute);
  }

  private static ObjectNode page(JsonNode... results) {
    ObjectNode page = AwsWireStub.object();
    page.putArray("MetricDataResults").addAll(List.of(results));
    return page;
  }
}
