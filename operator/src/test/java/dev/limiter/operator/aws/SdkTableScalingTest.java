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
import software.amazon.awssdk.services.applicationautoscaling.ApplicationAutoScalingClient;
import software.amazon.awssdk.services.applicationautoscaling.model.DeleteScalingPolicyRequest;
import software.amazon.awssdk.services.applicationautoscaling.model.DeregisterScalableTargetRequest;
import software.amazon.awssdk.services.applicationautoscaling.model.MetricType;
import software.amazon.awssdk.services.applicationautoscaling.model.PolicyType;
import software.amazon.awssdk.services.applicationautoscaling.model.PutScalingPolicyRequest;
import software.amazon.awssdk.services.applicationautoscaling.model.RegisterScalableTargetRequest;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalableDimension;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalableTarget;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalingPolicy;
import software.amazon.awssdk.services.applicationautoscaling.model.ServiceNamespace;
import software.amazon.awssdk.services.applicationautoscaling.model.ValidationException;

/**
 * {@link SdkTableScaling} through a real SDK client against {@link AwsWireStub} speaking
 * Application Auto Scaling's awsJson1_1: what goes on the wire (chunks, pages, namespace) and what
 * comes back from it.
 */
class SdkTableScalingTest {

  private static final String WRITE = "dynamodb:table:WriteCapacityUnits";

  private final AwsWireStub stub = AwsWireStub.start(AwsWireStub.Protocol.AWS_JSON_1_1);
  private final ApplicationAutoScalingClient client =
      stub.client(ApplicationAutoScalingClient.builder());
  private final SdkTableScaling scaling = new SdkTableScaling(client);

  @AfterEach
  void close() {
    client.close();
    stub.close();
  }

  @Test
  void describeScalableTargetsSendsFiftyIdsPerCallAndFollowsEachChunksPages() {
    List<String> ids = IntStream.range(0, 60).mapToObj(i -> "table/t" + i).toList();
    // The first chunk takes two pages, the second one: one target per page, for its first id.
    stub.answer(
        "DescribeScalableTargets",
        request -> {
          JsonNode body = request.body();
          String first = body.path("ResourceIds").path(0).asText();
          Reply page;
          if (first.equals("table/t0") && !body.has("NextToken")) {
            page = Reply.ok(targets(target(first, 5, 100)).put("NextToken", "chunk1-page2"));
          } else if (first.equals("table/t0")) {
            page = Reply.ok(targets(target("table/t1", 1, 10)));
          } else {
            page = Reply.ok(targets(target(first, 2, 20)));
          }
          return page;
        });

    List<ScalableTarget> targets = scaling.describeScalableTargets(ids);

    assertThat(targets)
        .extracting(ScalableTarget::resourceId)
        .containsExactly("table/t0", "table/t1", "table/t50");
    ScalableTarget first = targets.get(0);
    assertThat(first.serviceNamespace()).isEqualTo(ServiceNamespace.DYNAMODB);
    assertThat(first.scalableDimension())
        .isEqualTo(ScalableDimension.DYNAMODB_TABLE_WRITE_CAPACITY_UNITS);
    assertThat(first.minCapacity()).isEqualTo(5);
    assertThat(first.maxCapacity()).isEqualTo(100);
    assertThat(first.roleARN()).isEqualTo("arn:aws:iam::1:role/aws-service-role/x");
    assertThat(first.creationTime()).isEqualTo(Instant.ofEpochSecond(1_700_000_000));

    List<JsonNode> sent = stub.bodies("DescribeScalableTargets");
    assertThat(sent)
        .extracting(body -> body.path("ResourceIds").size())
        .containsExactly(50, 50, 10);
    assertThat(sent)
        .extracting(body -> body.path("NextToken").asText(null))
        .containsExactly(null, "chunk1-page2", null);
    assertThat(sent)
        .extracting(body -> body.path("ServiceNamespace").asText())
        .containsOnly("dynamodb");
    List<String> sentIds = new ArrayList<>();
    sent.get(0).path("ResourceIds").forEach(id -> sentIds.add(id.asText()));
    sent.get(2).path("ResourceIds").forEach(id -> sentIds.add(id.asText()));
    assertThat(sentIds).isEqualTo(ids);
    assertThat(stub.requests())
        .extracting(AwsWireStub.Request::target)
        .containsOnly("AnyScaleFrontendService.DescribeScalableTargets");
    assertThat(stub.requests())
        .extracting(AwsWireStub.Request::contentType)
        .containsOnly("application/x-amz-json-1.1");
  }

  /**
   * An absent {@code ResourceIds} would be every target of the namespace, the account's whole use.
   */
  @Test
  void describeScalableTargetsOfNoIdsMakesNoCall() {
    assertThat(scaling.describeScalableTargets(List.of())).isEmpty();

    assertThat(stub.requests()).isEmpty();
  }

  @Test
  void describeScalingPoliciesFollowsNextTokenInNamespaceDynamoDb() {
    stub.answer(
        "DescribeScalingPolicies",
        request ->
            request.body().has("NextToken")
                ? Reply.ok(policies(policy("read")))
                : Reply.ok(policies(policy("write")).put("NextToken", "page2")));

    List<ScalingPolicy> policies = scaling.describeScalingPolicies("table/t");

    assertThat(policies).extracting(ScalingPolicy::policyName).containsExactly("write", "read");
    ScalingPolicy write = policies.get(0);
    assertThat(write.policyType()).isEqualTo(PolicyType.TARGET_TRACKING_SCALING);
    assertThat(write.policyARN()).isEqualTo("arn:policy/write");
    assertThat(write.targetTrackingScalingPolicyConfiguration().targetValue()).isEqualTo(70.0);
    assertThat(
            write
                .targetTrackingScalingPolicyConfiguration()
                .predefinedMetricSpecification()
                .predefinedMetricType())
        .isEqualTo(MetricType.DYNAMO_DB_WRITE_CAPACITY_UTILIZATION);
    assertThat(write.alarms())
        .singleElement()
        .satisfies(
            alarm -> assertThat(alarm.alarmName()).isEqualTo("TargetTracking-table/t-AlarmHigh"));
    List<JsonNode> sent = stub.bodies("DescribeScalingPolicies");
    assertThat(sent).extracting(body -> body.path("ResourceId").asText()).containsOnly("table/t");
    assertThat(sent)
        .extracting(body -> body.path("ServiceNamespace").asText())
        .containsOnly("dynamodb");
    assertThat(sent)
        .extracting(body -> body.path("NextToken").asText(null))
        .containsExactly(null, "page2");
  }

  @Test
  void writesAreSentAsTheyAre() {
    for (String operation :
        List.of(
            "RegisterScalableTarget",
            "PutScalingPolicy",
            "DeregisterScalableTarget",
            "DeleteScalingPolicy")) {
      stub.answer(operation, Reply.empty());
    }

    scaling.registerScalableTarget(
        RegisterScalableTargetRequest.builder()
            .serviceNamespace(ServiceNamespace.DYNAMODB)
            .resourceId("table/t")
            .scalableDimension(ScalableDimension.DYNAMODB_TABLE_WRITE_CAPACITY_UNITS)
            .minCapacity(5)
            .maxCapacity(100)
            .build());
    scaling.putScalingPolicy(
        PutScalingPolicyRequest.builder()
            .serviceNamespace(ServiceNamespace.DYNAMODB)
            .resourceId("table/t")
            .scalableDimension(ScalableDimension.DYNAMODB_TABLE_WRITE_CAPACITY_UNITS)
            .policyName("write")
            .policyType(PolicyType.TARGET_TRACKING_SCALING)
            .targetTrackingScalingPolicyConfiguration(
                c ->
                    c.targetValue(70.0)
                        .predefinedMetricSpecification(
                            m ->
                                m.predefinedMetricType(
                                    MetricType.DYNAMO_DB_WRITE_CAPACITY_UTILIZATION)))
            .build());
    scaling.deleteScalingPolicy(
        DeleteScalingPolicyRequest.builder()
            .serviceNamespace(ServiceNamespace.DYNAMODB)
            .resourceId("table/t")
            .scalableDimension(ScalableDimension.DYNAMODB_TABLE_WRITE_CAPACITY_UNITS)
            .policyName("write")
            .build());
    scaling.deregisterScalableTarget(
        DeregisterScalableTargetRequest.builder()
            .serviceNamespace(ServiceNamespace.DYNAMODB)
            .resourceId("table/t")
            .scalableDimension(ScalableDimension.DYNAMODB_TABLE_WRITE_CAPACITY_UNITS)
            .build());

    assertThat(stub.requests())
        .extracting(AwsWireStub.Request::operation)
        .containsExactly(
            "RegisterScalableTarget",
            "PutScalingPolicy",
            "DeleteScalingPolicy",
            "DeregisterScalableTarget");
    assertThat(stub.requests())
        .extracting(r -> r.body().path("ResourceId").asText())
        .containsOnly("table/t");
    assertThat(stub.requests())
        .extracting(r -> r.body().path("ScalableDimension").asText())
        .containsOnly(WRITE);
    assertThat(stub.requests())
        .extracting(r -> r.body().path("ServiceNamespace").asText())
        .containsOnly("dynamodb");
    JsonNode register = stub.bodies("RegisterScalableTarget").get(0);
    assertThat(register.path("MinCapacity").asInt()).isEqualTo(5);
    assertThat(register.path("MaxCapacity").asInt()).isEqualTo(100);
    JsonNode put = stub.bodies("PutScalingPolicy").get(0);
    assertThat(put.path("PolicyName").asText()).isEqualTo("write");
    assertThat(put.path("PolicyType").asText()).isEqualTo("TargetTrackingScaling");
    assertThat(put.path("TargetTrackingScalingPolicyConfiguration").path("TargetValue").asDouble())
        .isEqualTo(70.0);
    assertThat(
            put.path("TargetTrackingScalingPolicyConfiguration")
                .path("PredefinedMetricSpecification")
                .path("PredefinedMetricType")
                .asText())
        .isEqualTo("DynamoDBWriteCapacityUtilization");
    assertThat(stub.bodies("DeleteScalingPolicy").get(0).path("PolicyName").asText())
        .isEqualTo("write");
  }

  @Test
  void awsErrorsComeThroughAsTheSdksExceptions() {
    stub.answer(
        "RegisterScalableTarget",
        Reply.error(400, "ValidationException", "MaxCapacity must be at least 1"));

    assertThatThrownBy(
            () ->
                scaling.registerScalableTarget(
                    RegisterScalableTargetRequest.builder()
                        .serviceNamespace(ServiceNamespace.DYNAMODB)
                        .resourceId("table/t")
                        .scalableDimension(ScalableDimension.DYNAMODB_TABLE_READ_CAPACITY_UNITS)
                        .maxCapacity(0)
                        .build()))
        .isInstanceOfSatisfying(
            ValidationException.class,
            e -> {
              assertThat(e.statusCode()).isEqualTo(400);
              assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationException");
              assertThat(e.awsErrorDetails().errorMessage())
                  .isEqualTo("MaxCapacity must be at least 1");
            });
  }

  private static ObjectNode targets(JsonNode... targets) {
    ObjectNode page = AwsWireStub.object();
    page.putArray("ScalableTargets").addAll(List.of(targets));
    return page;
  }

  private static JsonNode target(String resourceId, int min, int max) {
    return AwsWireStub.object()
        .put("ServiceNamespace", "dynamodb")
        .put("ResourceId", resourceId)
        .put("ScalableDimension", WRITE)
        .put("MinCapacity", min)
        .put("MaxCapacity", max)
        .put("RoleARN", "arn:aws:iam::1:role/aws-service-role/x")
        .put("CreationTime", 1_700_000_000);
  }

  private static ObjectNode policies(JsonNode... policies) {
    ObjectNode page = AwsWireStub.object();
    page.putArray("ScalingPolicies").addAll(List.of(policies));
    return page;
  }

  private static JsonNode policy(String name) {
    ObjectNode policy =
        AwsWireStub.object()
            .put("PolicyARN", "arn:policy/" + name)
            .put("PolicyName", name)
            .put("ServiceNamespace", "dynamodb")
            .put("ResourceId", "table/t")
            .put("ScalableDimension", WRITE)
            .put("PolicyType", "TargetTrackingScaling")
            .put("CreationTime", 1_700_000_000);
    policy
        .putObject("TargetTrackingScalingPolicyConfiguration")
        .put("TargetValue", 70.0)
        .putObject("PredefinedMetricSpecification")
        .put("PredefinedMetricType", "DynamoDBWriteCapacityUtilization");
    policy
        .putArray("Alarms")
        .addObject()
        .put("AlarmName", "TargetTracking-table/t-AlarmHigh")
        .put("AlarmARN", "arn:alarm/high");
    return policy;
  }
}
