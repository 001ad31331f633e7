package dev.limiter.operator.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import dev.limiter.testkit.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.applicationautoscaling.model.Alarm;
import software.amazon.awssdk.services.applicationautoscaling.model.CustomizedMetricSpecification;
import software.amazon.awssdk.services.applicationautoscaling.model.DeleteScalingPolicyRequest;
import software.amazon.awssdk.services.applicationautoscaling.model.DeregisterScalableTargetRequest;
import software.amazon.awssdk.services.applicationautoscaling.model.MetricStatistic;
import software.amazon.awssdk.services.applicationautoscaling.model.MetricType;
import software.amazon.awssdk.services.applicationautoscaling.model.ObjectNotFoundException;
import software.amazon.awssdk.services.applicationautoscaling.model.PolicyType;
import software.amazon.awssdk.services.applicationautoscaling.model.PredefinedMetricSpecification;
import software.amazon.awssdk.services.applicationautoscaling.model.PutScalingPolicyRequest;
import software.amazon.awssdk.services.applicationautoscaling.model.RegisterScalableTargetRequest;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalableDimension;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalableTarget;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalingPolicy;
import software.amazon.awssdk.services.applicationautoscaling.model.ServiceNamespace;
import software.amazon.awssdk.services.applicationautoscaling.model.SuspendedState;
import software.amazon.awssdk.services.applicationautoscaling.model.TargetTrackingScalingPolicyConfiguration;
import software.amazon.awssdk.services.applicationautoscaling.model.ValidationException;
import software.amazon.awssdk.services.cloudwatch.model.ComparisonOperator;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;
import software.amazon.awssdk.services.cloudwatch.model.StateValue;

class FakeTableScalingTest {

  private static final Instant START = Instant.parse("2026-03-10T08:00:00Z");
  private static final String TABLE = "table/orders";
  private static final String INDEX = "table/orders/index/by-user";
  private static final ScalableDimension TABLE_READ =
      ScalableDimension.DYNAMODB_TABLE_READ_CAPACITY_UNITS;
  private static final ScalableDimension TABLE_WRITE =
      ScalableDimension.DYNAMODB_TABLE_WRITE_CAPACITY_UNITS;
  private static final ScalableDimension INDEX_READ =
      ScalableDimension.DYNAMODB_INDEX_READ_CAPACITY_UNITS;
  private static final ScalableDimension INDEX_WRITE =
      ScalableDimension.DYNAMODB_INDEX_WRITE_CAPACITY_UNITS;

  private final ManualClock clock = ManualClock.at(START.toString());
  private final FakeCloudWatch cloudWatch = new FakeCloudWatch(clock);
  private final FakeTableScaling scaling = new FakeTableScaling(clock, cloudWatch);

  private static RegisterScalableTargetRequest.Builder register(
      String resourceId, ScalableDimension dimension) {
    return RegisterScalableTargetRequest.builder()
        .serviceNamespace(ServiceNamespace.DYNAMODB)
        .resourceId(resourceId)
        .scalableDimension(dimension)
        .minCapacity(5)
        .maxCapacity(100);
  }

  private static PutScalingPolicyRequest.Builder policy(
      String resourceId, ScalableDimension dimension, double target) {
    MetricType metric =
        dimension.toString().endsWith("ReadCapacityUnits")
            ? MetricType.DYNAMO_DB_READ_CAPACITY_UTILIZATION
            : MetricType.DYNAMO_DB_WRITE_CAPACITY_UTILIZATION;
    return PutScalingPolicyRequest.builder()
        .serviceNamespace(ServiceNamespace.DYNAMODB)
        .resourceId(resourceId)
        .scalableDimension(dimension)
        .policyName("limiter-read")
        .policyType(PolicyType.TARGET_TRACKING_SCALING)
        .targetTrackingScalingPolicyConfiguration(
            TargetTrackingScalingPolicyConfiguration.builder()
                .targetValue(target)
                .predefinedMetricSpecification(
                    PredefinedMetricSpecification.builder().predefinedMetricType(metric).build())
                .scaleInCooldown(60)
                .scaleOutCooldown(30)
                .build());
  }

  private static DeleteScalingPolicyRequest deletePolicy(
      String resourceId, ScalableDimension dimension, String name) {
    return DeleteScalingPolicyRequest.builder()
        .serviceNamespace(ServiceNamespace.DYNAMODB)
        .resourceId(resourceId)
        .scalableDimension(dimension)
        .policyName(name)
        .build();
  }

  private static DeregisterScalableTargetRequest deregister(
      String resourceId, ScalableDimension dimension) {
    return DeregisterScalableTargetRequest.builder()
        .serviceNamespace(ServiceNamespace.DYNAMODB)
        .resourceId(resourceId)
        .scalableDimension(dimension)
        .build();
  }

  private static <T extends AwsServiceException> T refused(
      Class<T> type, String code, ThrowingCallable call) {
    T e = catchThrowableOfType(type, call);
    assertThat(e).as("refused with %s", type.getSimpleName()).isNotNull();
    assertThat(e.awsErrorDetails().errorCode()).isEqualTo(code);
    assertThat(e.statusCode()).isEqualTo(400);
    return e;
  }

  private static ValidationException invalid(ThrowingCallable call) {
    return refused(ValidationException.class, "ValidationException", call);
  }

  private static ObjectNotFoundException notFound(ThrowingCallable call) {
    return refused(ObjectNotFoundException.class, "ObjectNotFoundException", call);
  }

  private List<String> allAlarmNames() {
    return cloudWatch.describeAlarms("").stream().map(MetricAlarm::alarmName).toList();
  }

  // ------------------------------------------------------------------ namespace, resource id,
  // dimension

  @Test
  void tablesTakeTableDimensionsAndIndexesIndexDimensions() {
    scaling.registerScalableTarget(register(TABLE, TABLE_READ).build());
    scaling.registerScalableTarget(register(TABLE, TABLE_WRITE).build());
    scaling.registerScalableTarget(register(INDEX, INDEX_READ).build());
    scaling.registerScalableTarget(register(INDEX, INDEX_WRITE).build());

    assertThat(scaling.describeScalableTargets(List.of(TABLE, INDEX))).hasSize(4);

    invalid(() -> scaling.registerScalableTarget(register(TABLE, INDEX_READ).build()));
    invalid(() -> scaling.registerScalableTarget(register(INDEX, TABLE_WRITE).build()));
    invalid(
        () ->
            scaling.registerScalableTarget(
                register(TABLE, ScalableDimension.ECS_SERVICE_DESIRED_COUNT).build()));
    invalid(() -> scaling.registerScalableTarget(register(TABLE, null).build()));
    assertThat(scaling.describeScalableTargets(List.of())).hasSize(4);
  }

  @Test
  void theNamespaceMustBeDynamodbWhenGiven() {
    ValidationException e =
        invalid(
            () ->
                scaling.registerScalableTarget(
                    register(TABLE, TABLE_READ).serviceNamespace(ServiceNamespace.ECS).build()));
    assertThat(e.awsErrorDetails().errorMessage()).contains("Unsupported service namespace");

    scaling.registerScalableTarget(
        register(TABLE, TABLE_READ).serviceNamespace((String) null).build());
    assertThat(scaling.describeScalableTargets(List.of(TABLE)))
        .singleElement()
        .satisfies(t -> assertThat(t.serviceNamespace()).isEqualTo(ServiceNamespace.DYNAMODB));
  }

  @Test
  void resourceIdsAreTableOrTableIndexWithNamesOf3To255AllowedCharacters() {
    for (String ok : new String[] {"table/abc", "table/A-b_c.9", "table/" + "n".repeat(255)}) {
      scaling.registerScalableTarget(register(ok, TABLE_READ).build());
    }
    scaling.registerScalableTarget(register("table/abc/index/xyz", INDEX_READ).build());
    assertThat(scaling.describeScalableTargets(List.of())).hasSize(4);

    for (String bad :
        new String[] {
          "table/ab",
          "table/" + "n".repeat(256),
          "table/a b c",
          "table/a$c",
          "orders",
          "tables/orders",
          "table/orders/",
          "table/orders/index/ab",
          "table/orders/index",
          "table/orders/gsi/by-user"
        }) {
      invalid(() -> scaling.registerScalableTarget(register(bad, TABLE_READ).build()));
    }
    invalid(() -> scaling.registerScalableTarget(register(null, TABLE_READ).build()));
    assertThat(scaling.describeScalableTargets(List.of())).hasSize(4);
  }

  // ------------------------------------------------------------------ RegisterScalableTarget

  @Test
  void registerCreatesATargetStampedWithTheClock() {
    scaling.registerScalableTarget(
        register(TABLE, TABLE_READ)
            .suspendedState(SuspendedState.builder().dynamicScalingInSuspended(true).build())
            .build());

    ScalableTarget target = scaling.describeScalableTargets(List.of(TABLE)).get(0);
    assertThat(target.serviceNamespace()).isEqualTo(ServiceNamespace.DYNAMODB);
    assertThat(target.resourceId()).isEqualTo(TABLE);
    assertThat(target.scalableDimension()).isEqualTo(TABLE_READ);
    assertThat(target.minCapacity()).isEqualTo(5);
    assertThat(target.maxCapacity()).isEqualTo(100);
    assertThat(target.creationTime()).isEqualTo(START);
    assertThat(target.suspendedState().dynamicScalingInSuspended()).isTrue();
    assertThat(target.scalableTargetARN()).startsWith("arn:aws:application-autoscaling:");
  }

  @Test
  void registerAgainUpdatesOnlyTheBoundsGiven() {
    scaling.registerScalableTarget(register(TABLE, TABLE_READ).build());
    clock.advance(Duration.ofHours(1));

    scaling.registerScalableTarget(
        register(TABLE, TABLE_READ).minCapacity(null).maxCapacity(200).build());
    ScalableTarget raised = scaling.describeScalableTargets(List.of(TABLE)).get(0);
    assertThat(raised.minCapacity()).isEqualTo(5);
    assertThat(raised.maxCapacity()).isEqualTo(200);
    assertThat(raised.creationTime()).as("an update keeps the creation time").isEqualTo(START);

    scaling.registerScalableTarget(
        register(TABLE, TABLE_READ).minCapacity(10).maxCapacity(null).build());
    ScalableTarget floor = scaling.describeScalableTargets(List.of(TABLE)).get(0);
    assertThat(floor.minCapacity()).isEqualTo(10);
    assertThat(floor.maxCapacity()).isEqualTo(200);
  }

  @Test
  void boundsAreRequiredOnCreateAtLeastOneAndMinNotAboveMax() {
    invalid(
        () ->
            scaling.registerScalableTarget(register(TABLE, TABLE_READ).minCapacity(null).build()));
    invalid(
        () ->
            scaling.registerScalableTarget(register(TABLE, TABLE_READ).maxCapacity(null).build()));
    invalid(
        () -> scaling.registerScalableTarget(register(TABLE, TABLE_READ).minCapacity(0).build()));
    ValidationException inverted =
        invalid(
            () ->
                scaling.registerScalableTarget(
                    register(TABLE, TABLE_READ).minCapacity(101).build()));
    assertThat(inverted.awsErrorDetails().errorMessage())
        .isEqualTo("Minimum capacity cannot be greater than maximum capacity");
    assertThat(scaling.describeScalableTargets(List.of(TABLE))).isEmpty();

    scaling.registerScalableTarget(
        register(TABLE, TABLE_READ).minCapacity(1).maxCapacity(1).build());
    // On update the unchanged bound counts: a new min above the kept max is refused, and nothing
    // changes.
    invalid(
        () ->
            scaling.registerScalableTarget(
                register(TABLE, TABLE_READ).minCapacity(2).maxCapacity(null).build()));
    ScalableTarget kept = scaling.describeScalableTargets(List.of(TABLE)).get(0);
    assertThat(kept.minCapacity()).isEqualTo(1);
    assertThat(kept.maxCapacity()).isEqualTo(1);
  }

  @Test
  void describeFiltersByResourceIdAndListsAllWhenNoneGiven() {
    scaling.registerScalableTarget(register(TABLE, TABLE_WRITE).build());
    scaling.registerScalableTarget(register("table/payments", TABLE_READ).build());
    scaling.registerScalableTarget(register(TABLE, TABLE_READ).build());

    assertThat(scaling.describeScalableTargets(List.of(TABLE)))
        .extracting(ScalableTarget::resourceId, ScalableTarget::scalableDimension)
        .containsExactly(tuple(TABLE, TABLE_READ), tuple(TABLE, TABLE_WRITE));
    assertThat(scaling.describeScalableTargets(List.of("table/nothing"))).isEmpty();
    assertThat(scaling.describeScalableTargets(List.of())).hasSize(3);
  }

  // ------------------------------------------------------------------ PutScalingPolicy

  @Test
  void aPolicyNeedsARegisteredTarget() {
    ObjectNotFoundException e =
        notFound(() -> scaling.putScalingPolicy(policy(TABLE, TABLE_READ, 70).build()));
    assertThat(e.awsErrorDetails().errorMessage())
        .isEqualTo(
            "No scalable target registered for service namespace: dynamodb, resource ID:"
                + " table/orders, scalable dimension: dynamodb:table:ReadCapacityUnits");
    assertThat(allAlarmNames()).isEmpty();
  }

  @Test
  void aNewPolicyIsDescribedAndCreatesItsHighAndLowAlarms() {
    scaling.registerScalableTarget(register(INDEX, INDEX_READ).build());
    clock.advance(Duration.ofMinutes(1));
    PutScalingPolicyRequest request = policy(INDEX, INDEX_READ, 70).build();

    scaling.putScalingPolicy(request);

    ScalingPolicy policy = scaling.describeScalingPolicies(INDEX).get(0);
    assertThat(policy.policyName()).isEqualTo("limiter-read");
    assertThat(policy.policyARN())
        .startsWith("arn:aws:autoscaling:")
        .endsWith(":policyName/limiter-read");
    assertThat(policy.policyType()).isEqualTo(PolicyType.TARGET_TRACKING_SCALING);
    assertThat(policy.serviceNamespace()).isEqualTo(ServiceNamespace.DYNAMODB);
    assertThat(policy.resourceId()).isEqualTo(INDEX);
    assertThat(policy.scalableDimension()).isEqualTo(INDEX_READ);
    assertThat(policy.targetTrackingScalingPolicyConfiguration())
        .isEqualTo(request.targetTrackingScalingPolicyConfiguration());
    assertThat(policy.creationTime()).isEqualTo(START.plus(Duration.ofMinutes(1)));

    assertThat(policy.alarms()).hasSize(2);
    assertThat(policy.alarms().get(0).alarmName())
        .matches("TargetTracking-table/orders/index/by-user-AlarmHigh-[0-9a-f-]{36}");
    assertThat(policy.alarms().get(1).alarmName())
        .matches("TargetTracking-table/orders/index/by-user-AlarmLow-[0-9a-f-]{36}");
    assertThat(policy.alarms())
        .allSatisfy(a -> assertThat(a.alarmARN()).endsWith(":alarm:" + a.alarmName()));

    List<MetricAlarm> alarms = cloudWatch.describeAlarms("TargetTracking-" + INDEX);
    assertThat(alarms)
        .extracting(MetricAlarm::alarmName)
        .containsExactlyInAnyOrderElementsOf(
            policy.alarms().stream().map(Alarm::alarmName).toList());
    assertThat(alarms)
        .allSatisfy(
            a -> {
              assertThat(a.namespace()).isEqualTo("AWS/DynamoDB");
              assertThat(a.metricName()).isEqualTo("ConsumedReadCapacityUnits");
              assertThat(a.dimensions())
                  .containsExactly(
                      Dimension.builder().name("TableName").value("orders").build(),
                      Dimension.builder()
                          .name("GlobalSecondaryIndexName")
                          .value("by-user")
                          .build());
              assertThat(a.alarmActions()).containsExactly(policy.policyARN());
              assertThat(a.alarmDescription()).startsWith("DO NOT EDIT OR DELETE.");
              assertThat(a.threshold()).isEqualTo(70.0);
            });
    assertThat(alarms)
        .extracting(MetricAlarm::comparisonOperator)
        .containsExactlyInAnyOrder(
            ComparisonOperator.GREATER_THAN_THRESHOLD, ComparisonOperator.LESS_THAN_THRESHOLD);
    assertThat(cloudWatch.mutations())
        .as("Application Auto Scaling's alarms are not the operator's calls")
        .isEmpty();
  }

  @Test
  void onlyTargetTrackingPolicies() {
    scaling.registerScalableTarget(register(TABLE, TABLE_READ).build());

    invalid(
        () ->
            scaling.putScalingPolicy(
                policy(TABLE, TABLE_READ, 70).policyType(PolicyType.STEP_SCALING).build()));
    invalid(
        () ->
            scaling.putScalingPolicy(
                policy(TABLE, TABLE_READ, 70).policyType((PolicyType) null).build()));
    invalid(
        () ->
            scaling.putScalingPolicy(
                policy(TABLE, TABLE_READ, 70).policyType(PolicyType.PREDICTIVE_SCALING).build()));
    invalid(
        () ->
            scaling.putScalingPolicy(
                policy(TABLE, TABLE_READ, 70)
                    .targetTrackingScalingPolicyConfiguration(
                        (TargetTrackingScalingPolicyConfiguration) null)
                    .build()));
    invalid(() -> scaling.putScalingPolicy(policy(TABLE, TABLE_READ, 70).policyName(null).build()));

    assertThat(scaling.describeScalingPolicies(TABLE)).isEmpty();
    assertThat(allAlarmNames()).isEmpty();
  }

  @Test
  void theTargetValueIsWithin20And90() {
    scaling.registerScalableTarget(register(TABLE, TABLE_READ).build());

    invalid(() -> scaling.putScalingPolicy(policy(TABLE, TABLE_READ, 19.9).build()));
    invalid(() -> scaling.putScalingPolicy(policy(TABLE, TABLE_READ, 90.1).build()));
    assertThat(scaling.describeScalingPolicies(TABLE)).isEmpty();

    scaling.putScalingPolicy(policy(TABLE, TABLE_READ, 20).policyName("low").build());
    scaling.putScalingPolicy(policy(TABLE, TABLE_READ, 90).policyName("high").build());
    assertThat(scaling.describeScalingPolicies(TABLE))
        .extracting(ScalingPolicy::policyName)
        .containsExactly("high", "low");
  }

  @Test
  void thePredefinedMetricMustFitTheDimension() {
    scaling.registerScalableTarget(register(TABLE, TABLE_READ).build());
    scaling.registerScalableTarget(register(INDEX, INDEX_WRITE).build());
    TargetTrackingScalingPolicyConfiguration write =
        policy(TABLE, TABLE_WRITE, 70).build().targetTrackingScalingPolicyConfiguration();
    TargetTrackingScalingPolicyConfiguration read =
        policy(TABLE, TABLE_READ, 70).build().targetTrackingScalingPolicyConfiguration();

    invalid(
        () ->
            scaling.putScalingPolicy(
                policy(TABLE, TABLE_READ, 70)
                    .targetTrackingScalingPolicyConfiguration(write)
                    .build()));
    invalid(
        () ->
            scaling.putScalingPolicy(
                policy(INDEX, INDEX_WRITE, 70)
                    .targetTrackingScalingPolicyConfiguration(read)
                    .build()));
    invalid(
        () ->
            scaling.putScalingPolicy(
                policy(TABLE, TABLE_READ, 70)
                    .targetTrackingScalingPolicyConfiguration(
                        read.toBuilder()
                            .predefinedMetricSpecification(
                                PredefinedMetricSpecification.builder()
                                    .predefinedMetricType(
                                        MetricType.ECS_SERVICE_AVERAGE_CPU_UTILIZATION)
                                    .build())
                            .build())
                    .build()));
    assertThat(scaling.describeScalingPolicies(TABLE)).isEmpty();
    assertThat(scaling.describeScalingPolicies(INDEX)).isEmpty();

    scaling.putScalingPolicy(policy(INDEX, INDEX_WRITE, 70).build());
    assertThat(scaling.describeScalingPolicies(INDEX)).hasSize(1);
  }

  @Test
  void exactlyOneOfPredefinedAndCustomizedMetric() {
    scaling.registerScalableTarget(register(TABLE, TABLE_READ).build());
    CustomizedMetricSpecification custom =
        CustomizedMetricSpecification.builder()
            .namespace("AWS/DynamoDB")
            .metricName("ConsumedReadCapacityUnits")
            .statistic(MetricStatistic.SUM)
            .build();
    TargetTrackingScalingPolicyConfiguration read =
        policy(TABLE, TABLE_READ, 70).build().targetTrackingScalingPolicyConfiguration();

    invalid(
        () ->
            scaling.putScalingPolicy(
                policy(TABLE, TABLE_READ, 70)
                    .targetTrackingScalingPolicyConfiguration(
                        read.toBuilder().customizedMetricSpecification(custom).build())
                    .build()));
    invalid(
        () ->
            scaling.putScalingPolicy(
                policy(TABLE, TABLE_READ, 70)
                    .targetTrackingScalingPolicyConfiguration(
                        read.toBuilder()
                            .predefinedMetricSpecification((PredefinedMetricSpecification) null)
                            .build())
                    .build()));

    scaling.putScalingPolicy(
        policy(TABLE, TABLE_READ, 70)
            .targetTrackingScalingPolicyConfiguration(
                read.toBuilder()
                    .predefinedMetricSpecification((PredefinedMetricSpecification) null)
                    .customizedMetricSpecification(custom)
                    .build())
            .build());
    assertThat(
            scaling
                .describeScalingPolicies(TABLE)
                .get(0)
                .targetTrackingScalingPolicyConfiguration()
                .customizedMetricSpecification())
        .isEqualTo(custom);
  }

  @Test
  void puttingAPolicyAgainReplacesItsConfigurationAndKeepsArnCreationTimeAndAlarms() {
    scaling.registerScalableTarget(register(TABLE, TABLE_READ).build());
    scaling.putScalingPolicy(policy(TABLE, TABLE_READ, 70).build());
    ScalingPolicy before = scaling.describeScalingPolicies(TABLE).get(0);
    String high = before.alarms().get(0).alarmName();
    cloudWatch.setAlarmState(high, StateValue.ALARM);
    clock.advance(Duration.ofMinutes(10));

    scaling.putScalingPolicy(policy(TABLE, TABLE_READ, 50).build());

    List<ScalingPolicy> after = scaling.describeScalingPolicies(TABLE);
    assertThat(after).hasSize(1);
    assertThat(after.get(0).targetTrackingScalingPolicyConfiguration().targetValue())
        .isEqualTo(50.0);
    assertThat(after.get(0).policyARN()).isEqualTo(before.policyARN());
    assertThat(after.get(0).creationTime()).isEqualTo(START);
    assertThat(after.get(0).alarms()).isEqualTo(before.alarms());
    assertThat(allAlarmNames()).hasSize(2);
    MetricAlarm highAfter = cloudWatch.describeAlarms(high).get(0);
    assertThat(highAfter.threshold()).isEqualTo(50.0);
    assertThat(highAfter.stateValue())
        .as("rewriting an alarm keeps its state")
        .isEqualTo(StateValue.ALARM);
  }

  @Test
  void aPolicyWhoseAlarmNamesCloudWatchRefusesIsNotKept() {
    String longest = "table/" + "n".repeat(255);
    scaling.registerScalableTarget(register(longest, TABLE_READ).build());

    AwsServiceException e =
        catchThrowableOfType(
            AwsServiceException.class,
            () -> scaling.putScalingPolicy(policy(longest, TABLE_READ, 70).build()));

    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationError");
    assertThat(scaling.describeScalingPolicies(longest)).isEmpty();
    assertThat(allAlarmNames()).isEmpty();
  }

  @Test
  void policiesAreKeyedByNameResourceAndDimension() {
    scaling.registerScalableTarget(register(TABLE, TABLE_READ).build());
    scaling.registerScalableTarget(register(TABLE, TABLE_WRITE).build());

    scaling.putScalingPolicy(policy(TABLE, TABLE_READ, 70).policyName("same").build());
    scaling.putScalingPolicy(policy(TABLE, TABLE_WRITE, 60).policyName("same").build());

    assertThat(scaling.describeScalingPolicies(TABLE))
        .extracting(
            ScalingPolicy::scalableDimension,
            p -> p.targetTrackingScalingPolicyConfiguration().targetValue())
        .containsExactly(tuple(TABLE_READ, 70.0), tuple(TABLE_WRITE, 60.0));
    assertThat(allAlarmNames()).hasSize(4);
    assertThat(scaling.describeScalingPolicies(INDEX)).isEmpty();
  }

  // ------------------------------------------------------------------ DeleteScalingPolicy,
  // DeregisterScalableTarget

  @Test
  void deletingAPolicyDeletesItsAlarmsOnly() {
    scaling.registerScalableTarget(register(TABLE, TABLE_READ).build());
    scaling.putScalingPolicy(policy(TABLE, TABLE_READ, 70).policyName("a").build());
    scaling.putScalingPolicy(policy(TABLE, TABLE_READ, 70).policyName("b").build());
    List<String> kept =
        scaling.describeScalingPolicies(TABLE).get(1).alarms().stream()
            .map(Alarm::alarmName)
            .toList();

    scaling.deleteScalingPolicy(deletePolicy(TABLE, TABLE_READ, "a"));

    assertThat(scaling.describeScalingPolicies(TABLE))
        .extracting(ScalingPolicy::policyName)
        .containsExactly("b");
    assertThat(allAlarmNames()).containsExactlyInAnyOrderElementsOf(kept);
  }

  @Test
  void deletingAnUnknownPolicyIsObjectNotFound() {
    notFound(() -> scaling.deleteScalingPolicy(deletePolicy(TABLE, TABLE_READ, "a")));
    scaling.registerScalableTarget(register(TABLE, TABLE_READ).build());
    scaling.putScalingPolicy(policy(TABLE, TABLE_READ, 70).policyName("a").build());

    notFound(() -> scaling.deleteScalingPolicy(deletePolicy(TABLE, TABLE_READ, "b")));
    notFound(() -> scaling.deleteScalingPolicy(deletePolicy(TABLE, TABLE_WRITE, "a")));
    invalid(() -> scaling.deleteScalingPolicy(deletePolicy(TABLE, INDEX_READ, "a")));
    assertThat(scaling.describeScalingPolicies(TABLE)).hasSize(1);
  }

  @Test
  void deregisteringDeletesTheTargetItsPoliciesAndTheirAlarms() {
    scaling.registerScalableTarget(register(TABLE, TABLE_READ).build());
    scaling.registerScalableTarget(register(TABLE, TABLE_WRITE).build());
    scaling.putScalingPolicy(policy(TABLE, TABLE_READ, 70).policyName("a").build());
    scaling.putScalingPolicy(policy(TABLE, TABLE_READ, 70).policyName("b").build());
    scaling.putScalingPolicy(policy(TABLE, TABLE_WRITE, 70).policyName("w").build());
    List<String> writeAlarms =
        scaling.describeScalingPolicies(TABLE).stream()
            .filter(p -> p.scalableDimension() == TABLE_WRITE)
            .flatMap(p -> p.alarms().stream())
            .map(Alarm::alarmName)
            .toList();

    scaling.deregisterScalableTarget(deregister(TABLE, TABLE_READ));

    assertThat(scaling.describeScalableTargets(List.of(TABLE)))
        .extracting(ScalableTarget::scalableDimension)
        .containsExactly(TABLE_WRITE);
    assertThat(scaling.describeScalingPolicies(TABLE))
        .extracting(ScalingPolicy::policyName)
        .containsExactly("w");
    assertThat(allAlarmNames()).containsExactlyInAnyOrderElementsOf(writeAlarms);

    notFound(() -> scaling.deregisterScalableTarget(deregister(TABLE, TABLE_READ)));
    notFound(() -> scaling.putScalingPolicy(policy(TABLE, TABLE_READ, 70).build()));
  }

  @Test
  void aReRegisteredTargetStartsWithoutPolicies() {
    scaling.registerScalableTarget(register(TABLE, TABLE_READ).build());
    scaling.putScalingPolicy(policy(TABLE, TABLE_READ, 70).build());
    scaling.deregisterScalableTarget(deregister(TABLE, TABLE_READ));
    clock.advance(Duration.ofHours(1));

    scaling.registerScalableTarget(register(TABLE, TABLE_READ).build());

    assertThat(scaling.describeScalingPolicies(TABLE)).isEmpty();
    assertThat(scaling.describeScalableTargets(List.of(TABLE)).get(0).creationTime())
        .isEqualTo(START.plus(Duration.ofHours(1)));
  }

  // ------------------------------------------------------------------ mutations

  @Test
  void mutationsListEveryMutatingCallIncludingRefusedOnesAndNoReads() {
    scaling.registerScalableTarget(register(TABLE, TABLE_READ).build());
    scaling.putScalingPolicy(policy(TABLE, TABLE_READ, 70).build());
    invalid(() -> scaling.putScalingPolicy(policy(TABLE, TABLE_READ, 95).build()));
    scaling.describeScalableTargets(List.of(TABLE));
    scaling.describeScalingPolicies(TABLE);
    scaling.deleteScalingPolicy(deletePolicy(TABLE, TABLE_READ, "limiter-read"));
    scaling.deregisterScalableTarget(deregister(TABLE, TABLE_READ));

    assertThat(scaling.mutations())
        .containsExactly(
            "RegisterScalableTarget table/orders dynamodb:table:ReadCapacityUnits",
            "PutScalingPolicy table/orders dynamodb:table:ReadCapacityUnits limiter-read",
            "PutScalingPolicy table/orders dynamodb:table:ReadCapacityUnits limiter-read",
            "DeleteScalingPolicy table/orders dynamodb:table:ReadCapacityUnits limiter-read",
            "DeregisterScalableTarget table/orders dynamodb:table:ReadCapacityUnits");

    scaling.clearMutations();
    scaling.describeScalableTargets(List.of());
    assertThat(scaling.mutations()).isEmpty();
    assertThat(cloudWatch.mutations()).isEmpty();
  }
}
