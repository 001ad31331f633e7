package dev.limiter.operator.testing;

import dev.limiter.operator.aws.TableScaling;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.applicationautoscaling.model.Alarm;
import software.amazon.awssdk.services.applicationautoscaling.model.DeleteScalingPolicyRequest;
import software.amazon.awssdk.services.applicationautoscaling.model.DeregisterScalableTargetRequest;
import software.amazon.awssdk.services.applicationautoscaling.model.MetricType;
import software.amazon.awssdk.services.applicationautoscaling.model.ObjectNotFoundException;
import software.amazon.awssdk.services.applicationautoscaling.model.PolicyType;
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
import software.amazon.awssdk.services.cloudwatch.model.PutMetricAlarmRequest;
import software.amazon.awssdk.services.cloudwatch.model.Statistic;

/**
 * <strong>A fake of AWS behaviour: in-memory Application Auto Scaling for DynamoDB.</strong> There
 * is no local Application Auto Scaling to wrap, so this class is the whole service for tests and
 * the local sandbox; it fails with Application Auto Scaling's SDK exception types ({@code
 * ValidationException}, {@code ObjectNotFoundException}) and, as far as known, AWS's wording. It is
 * not production code (it lives in the test sources and reaches the sandbox through the operator's
 * test-jar): against real AWS use the SDK adapter.
 *
 * <p>Time is the injected {@link Clock}, never the wall clock: the {@code CreationTime} of targets
 * and policies is on it.
 *
 * <p>The rules, each checked before anything changes (a refused call changes nothing):
 *
 * <ol>
 *   <li><b>Namespace, resource, dimension.</b> A service namespace, when the request carries one,
 *       must be {@code dynamodb}; the resource id must be {@code table/NAME} or {@code
 *       table/NAME/index/INDEX} with NAME and INDEX of 3–255 characters of {@code [A-Za-z0-9_.-]};
 *       the scalable dimension must fit the resource: {@code
 *       dynamodb:table:Read/WriteCapacityUnits} for a table, {@code
 *       dynamodb:index:Read/WriteCapacityUnits} for an index. Otherwise {@code
 *       ValidationException}.
 *   <li><b>RegisterScalableTarget</b> creates a target, or updates only the bounds given of an
 *       existing one. {@code MinCapacity} and {@code MaxCapacity} are required on create; the
 *       resulting bounds need {@code 1 <= min <= max} ({@code ValidationException}). {@code
 *       SuspendedState} is kept; role ARN and tags are accepted and ignored.
 *   <li><b>PutScalingPolicy</b> needs a registered target ({@code ObjectNotFoundException}), a
 *       policy name, policy type {@code TargetTrackingScaling} (DynamoDB has no step scaling; an
 *       unset type means {@code StepScaling} on AWS), a target-tracking configuration with a {@code
 *       TargetValue} within {@value #MIN_TARGET_VALUE}–{@value #MAX_TARGET_VALUE} and exactly one
 *       of a predefined and a customized metric; a predefined metric must fit the dimension ({@code
 *       DynamoDBReadCapacityUtilization} for read, {@code DynamoDBWriteCapacityUtilization} for
 *       write). Otherwise {@code ValidationException}. It creates or replaces the policy of that
 *       name, resource id and dimension. On create it puts two alarms into the {@link
 *       FakeCloudWatch} given, named {@code TargetTracking-<resourceId>-AlarmHigh-<uuid>} and
 *       {@code TargetTracking-<resourceId>-AlarmLow-<uuid>} as AWS names them, and lists them in
 *       the policy's {@code Alarms}; a replacement keeps the policy's ARN, creation time and alarms
 *       and rewrites the alarms' configuration (their state stays).
 *   <li><b>DeleteScalingPolicy</b> of no such policy is an {@code ObjectNotFoundException}; it
 *       deletes the policy's alarms.
 *   <li><b>DeregisterScalableTarget</b> of no such target is an {@code ObjectNotFoundException}; it
 *       deletes the target, its policies and their alarms.
 *   <li><b>DescribeScalableTargets</b> returns the targets of the resource ids given (all targets
 *       when none are given, as on AWS), ordered by resource id and dimension;
 *       <b>DescribeScalingPolicies</b> the policies of one resource id, ordered by dimension and
 *       name.
 * </ol>
 *
 * As on AWS, deleting a DynamoDB table removes none of its targets, policies or alarms: this class
 * never hears of tables at all.
 *
 * <p>Not reproduced: scaling itself (no capacity ever changes), AWS's exact alarm configuration
 * (the fake's alarms watch {@code Consumed…CapacityUnits} with the target value as threshold, and
 * AWS's extra {@code ProvisionedCapacityHigh/Low} alarms are not made), scheduled actions, quotas
 * on targets and policies, and cooldown validation. How AWS names the alarms of a resource id so
 * long that {@code TargetTracking-<resourceId>-AlarmHigh-<uuid>} exceeds CloudWatch's 255
 * characters is unknown; this fake lets CloudWatch's {@code ValidationError} through and keeps no
 * policy.
 *
 * <p>Test hook: {@link #mutations()} lists the mutating calls made, so a test can assert that an
 * unchanged spec made none. Alarms this class puts into CloudWatch are not listed in {@link
 * FakeCloudWatch#mutations()}: Application Auto Scaling makes them, not the operator.
 *
 * <p>Thread-safe: every method synchronises on the instance (and, while holding that, may call into
 * the CloudWatch fake, never the other way round).
 */
public final class FakeTableScaling implements TableScaling {

  /** Lowest target value AWS accepts for DynamoDB target tracking, in percent. */
  public static final double MIN_TARGET_VALUE = 20.0;

  /** Highest target value AWS accepts for DynamoDB target tracking, in percent. */
  public static final double MAX_TARGET_VALUE = 90.0;

  private static final String SERVICE_NAME = "ApplicationAutoScaling";
  private static final String NAMESPACE = ServiceNamespace.DYNAMODB.toString();
  private static final Pattern RESOURCE_ID =
      Pattern.compile("table/([A-Za-z0-9_.-]{3,255})(?:/index/([A-Za-z0-9_.-]{3,255}))?");
  private static final int HIGH_ALARM_EVALUATION_PERIODS = 2;
  private static final int LOW_ALARM_EVALUATION_PERIODS = 15;

  private final Clock clock;
  private final FakeCloudWatch cloudWatch;

  /**
   * Targets by {@code resourceId + " " + dimension}; ids hold no spaces, so this sorts by id, then
   * dimension.
   */
  private final TreeMap<String, StoredTarget> targets = new TreeMap<>();

  private final List<String> mutations = new ArrayList<>();

  /**
   * @param clock the time creation times are stamped with
   * @param cloudWatch where target-tracking policies put (and delete) their alarms
   */
  public FakeTableScaling(Clock clock, FakeCloudWatch cloudWatch) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.cloudWatch = Objects.requireNonNull(cloudWatch, "cloudWatch");
  }

  @Override
  public synchronized List<ScalableTarget> describeScalableTargets(Collection<String> resourceIds) {
    Set<String> wanted = new HashSet<>(resourceIds);
    List<ScalableTarget> out = new ArrayList<>();
    for (StoredTarget target : targets.values()) {
      if (wanted.isEmpty() || wanted.contains(target.resourceId)) {
        out.add(target.describe());
      }
    }
    return out;
  }

  @Override
  public synchronized List<ScalingPolicy> describeScalingPolicies(String resourceId) {
    List<ScalingPolicy> out = new ArrayList<>();
    for (StoredTarget target : targets.values()) {
      if (target.resourceId.equals(resourceId)) {
        target.policies.values().forEach(policy -> out.add(policy.describe(target)));
      }
    }
    return out;
  }

  @Override
  public synchronized void registerScalableTarget(RegisterScalableTargetRequest request) {
    mutations.add(
        "RegisterScalableTarget "
            + request.resourceId()
            + " "
            + request.scalableDimensionAsString());
    String key =
        validTarget(
            request.serviceNamespaceAsString(),
            request.resourceId(),
            request.scalableDimensionAsString());
    StoredTarget existing = targets.get(key);
    if (existing == null && (request.minCapacity() == null || request.maxCapacity() == null)) {
      throw validation(
          "MinCapacity and MaxCapacity are required for registering a new scalable target");
    }
    int min = request.minCapacity() != null ? request.minCapacity() : existing.min;
    int max = request.maxCapacity() != null ? request.maxCapacity() : existing.max;
    if (min < 1) {
      throw validation("Minimum capacity cannot be less than 1");
    }
    if (min > max) {
      throw validation("Minimum capacity cannot be greater than maximum capacity");
    }
    StoredTarget target =
        existing != null
            ? existing
            : new StoredTarget(
                request.resourceId(), request.scalableDimensionAsString(), clock.instant());
    target.min = min;
    target.max = max;
    if (request.suspendedState() != null) {
      target.suspendedState = request.suspendedState();
    }
    targets.put(key, target);
  }

  @Override
  public synchronized void putScalingPolicy(PutScalingPolicyRequest request) {
    mutations.add(
        "PutScalingPolicy "
            + request.resourceId()
            + " "
            + request.scalableDimensionAsString()
            + " "
            + request.policyName());
    String key =
        validTarget(
            request.serviceNamespaceAsString(),
            request.resourceId(),
            request.scalableDimensionAsString());
    String name = request.policyName();
    if (name == null || name.isEmpty() || name.length() > 256) {
      throw validation(
          "1 validation error detected: Value '"
              + name
              + "' at 'policyName' failed to satisfy constraint: Member must have length between 1"
              + " and 256");
    }
    StoredTarget target =
        registered(key, request.resourceId(), request.scalableDimensionAsString());
    if (request.policyType() != PolicyType.TARGET_TRACKING_SCALING) {
      String type =
          request.policyType() == null
              ? PolicyType.STEP_SCALING.toString()
              : request.policyTypeAsString();
      throw validation(
          "Unsupported policy type "
              + type
              + " for service namespace "
              + NAMESPACE
              + " and scalable dimension "
              + target.dimension);
    }
    TargetTrackingScalingPolicyConfiguration config =
        request.targetTrackingScalingPolicyConfiguration();
    validConfiguration(config, target.dimension);

    StoredPolicy policy = target.policies.get(name);
    if (policy == null) {
      String arn =
          "arn:aws:autoscaling:"
              + FakeCloudWatch.REGION
              + ":"
              + FakeCloudWatch.ACCOUNT
              + ":scalingPolicy:"
              + UUID.randomUUID()
              + ":resource/"
              + NAMESPACE
              + "/"
              + target.resourceId
              + ":policyName/"
              + name;
      String prefix = "TargetTracking-" + target.resourceId;
      policy =
          new StoredPolicy(
              name,
              arn,
              prefix + "-AlarmHigh-" + UUID.randomUUID(),
              prefix + "-AlarmLow-" + UUID.randomUUID(),
              clock.instant());
    }
    policy.config = config;
    // Alarms first: should CloudWatch refuse them, no policy is left behind.
    putAlarms(target, policy);
    target.policies.put(name, policy);
  }

  @Override
  public synchronized void deleteScalingPolicy(DeleteScalingPolicyRequest request) {
    mutations.add(
        "DeleteScalingPolicy "
            + request.resourceId()
            + " "
            + request.scalableDimensionAsString()
            + " "
            + request.policyName());
    String key =
        validTarget(
            request.serviceNamespaceAsString(),
            request.resourceId(),
            request.scalableDimensionAsString());
    StoredTarget target = targets.get(key);
    StoredPolicy policy = target == null ? null : target.policies.get(request.policyName());
    if (policy == null) {
      throw error(
          ObjectNotFoundException.builder(),
          "ObjectNotFoundException",
          "No scaling policy found for service namespace: "
              + NAMESPACE
              + ", resource ID: "
              + request.resourceId()
              + ", scalable dimension: "
              + request.scalableDimensionAsString()
              + ", policy name: "
              + request.policyName());
    }
    target.policies.remove(policy.name);
    cloudWatch.deleteServiceAlarms(policy.alarmNames());
  }

  @Override
  public synchronized void deregisterScalableTarget(DeregisterScalableTargetRequest request) {
    mutations.add(
        "DeregisterScalableTarget "
            + request.resourceId()
            + " "
            + request.scalableDimensionAsString());
    String key =
        validTarget(
            request.serviceNamespaceAsString(),
            request.resourceId(),
            request.scalableDimensionAsString());
    StoredTarget target =
        registered(key, request.resourceId(), request.scalableDimensionAsString());
    targets.remove(key);
    for (StoredPolicy policy : target.policies.values()) {
      cloudWatch.deleteServiceAlarms(policy.alarmNames());
    }
  }

  /**
   * The mutating calls made so far, oldest first, refused ones included: {@code
   * "RegisterScalableTarget ID DIMENSION"}, {@code "DeregisterScalableTarget ID DIMENSION"}, {@code
   * "PutScalingPolicy ID DIMENSION NAME"} and {@code "DeleteScalingPolicy ID DIMENSION NAME"}.
   */
  public synchronized List<String> mutations() {
    return List.copyOf(mutations);
  }

  /** Forgets the {@link #mutations()} recorded so far, so a test can watch one reconcile pass. */
  public synchronized void clearMutations() {
    mutations.clear();
  }

  // ---------------------------------------------------------------- rules

  /** Checks namespace, resource id and dimension; returns the target's key. */
  private static String validTarget(String namespace, String resourceId, String dimension) {
    if (namespace != null && !NAMESPACE.equals(namespace)) {
      throw validation(
          "Unsupported service namespace, resource type or scalable dimension: service namespace "
              + namespace);
    }
    if (resourceId == null) {
      throw validation(
          "1 validation error detected: Value null at 'resourceId' failed to satisfy constraint:"
              + " Member must not be null");
    }
    if (dimension == null) {
      throw validation(
          "1 validation error detected: Value null at 'scalableDimension' failed to satisfy"
              + " constraint: Member must not be null");
    }
    Matcher matcher = RESOURCE_ID.matcher(resourceId);
    if (!matcher.matches()) {
      throw validation(
          "Unsupported service namespace, resource type or scalable dimension: resource ID "
              + resourceId);
    }
    boolean index = matcher.group(2) != null;
    Set<String> fitting =
        index
            ? Set.of(
                ScalableDimension.DYNAMODB_INDEX_READ_CAPACITY_UNITS.toString(),
                ScalableDimension.DYNAMODB_INDEX_WRITE_CAPACITY_UNITS.toString())
            : Set.of(
                ScalableDimension.DYNAMODB_TABLE_READ_CAPACITY_UNITS.toString(),
                ScalableDimension.DYNAMODB_TABLE_WRITE_CAPACITY_UNITS.toString());
    if (!fitting.contains(dimension)) {
      throw validation(
          "Unsupported service namespace, resource type or scalable dimension: scalable dimension "
              + dimension
              + " for resource ID "
              + resourceId);
    }
    return resourceId + " " + dimension;
  }

  private StoredTarget registered(String key, String resourceId, String dimension) {
    StoredTarget target = targets.get(key);
    if (target == null) {
      throw error(
          ObjectNotFoundException.builder(),
          "ObjectNotFoundException",
          "No scalable target registered for service namespace: "
              + NAMESPACE
              + ", resource ID: "
              + resourceId
              + ", scalable dimension: "
              + dimension);
    }
    return target;
  }

  private static void validConfiguration(
      TargetTrackingScalingPolicyConfiguration config, String dimension) {
    if (config == null) {
      throw validation(
          "TargetTrackingScalingPolicyConfiguration is required for a policy of type "
              + PolicyType.TARGET_TRACKING_SCALING);
    }
    Double target = config.targetValue();
    if (target == null || target < MIN_TARGET_VALUE || target > MAX_TARGET_VALUE) {
      throw validation(
          "The target value for a "
              + NAMESPACE
              + " policy must be between "
              + MIN_TARGET_VALUE
              + " and "
              + MAX_TARGET_VALUE
              + ", got "
              + target);
    }
    boolean predefined = config.predefinedMetricSpecification() != null;
    if (predefined == (config.customizedMetricSpecification() != null)) {
      throw validation(
          "Exactly one of PredefinedMetricSpecification and CustomizedMetricSpecification must be"
              + " specified");
    }
    if (predefined) {
      MetricType expected =
          dimension.endsWith("ReadCapacityUnits")
              ? MetricType.DYNAMO_DB_READ_CAPACITY_UTILIZATION
              : MetricType.DYNAMO_DB_WRITE_CAPACITY_UTILIZATION;
      MetricType given = config.predefinedMetricSpecification().predefinedMetricType();
      if (given != expected) {
        throw validation(
            "Unsupported metric type "
                + config.predefinedMetricSpecification().predefinedMetricTypeAsString()
                + " for scalable dimension "
                + dimension);
      }
    }
  }

  /** Puts (creates or rewrites) the policy's two alarms into CloudWatch. */
  private void putAlarms(StoredTarget target, StoredPolicy policy) {
    Matcher matcher = RESOURCE_ID.matcher(target.resourceId);
    matcher.matches();
    List<Dimension> dimensions = new ArrayList<>();
    dimensions.add(Dimension.builder().name("TableName").value(matcher.group(1)).build());
    if (matcher.group(2) != null) {
      dimensions.add(
          Dimension.builder().name("GlobalSecondaryIndexName").value(matcher.group(2)).build());
    }
    String metric =
        target.dimension.endsWith("ReadCapacityUnits")
            ? "ConsumedReadCapacityUnits"
            : "ConsumedWriteCapacityUnits";
    PutMetricAlarmRequest base =
        PutMetricAlarmRequest.builder()
            .alarmDescription(
                "DO NOT EDIT OR DELETE. For TargetTrackingScaling policy " + policy.arn + ".")
            .alarmActions(policy.arn)
            .namespace("AWS/DynamoDB")
            .metricName(metric)
            .dimensions(dimensions)
            .statistic(Statistic.SUM)
            .period(60)
            .threshold(policy.config.targetValue())
            .build();
    cloudWatch.putServiceAlarm(
        base.toBuilder()
            .alarmName(policy.highAlarm)
            .evaluationPeriods(HIGH_ALARM_EVALUATION_PERIODS)
            .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD)
            .build());
    cloudWatch.putServiceAlarm(
        base.toBuilder()
            .alarmName(policy.lowAlarm)
            .evaluationPeriods(LOW_ALARM_EVALUATION_PERIODS)
            .comparisonOperator(ComparisonOperator.LESS_THAN_THRESHOLD)
            .build());
  }

  private static AwsServiceException validation(String message) {
    return error(ValidationException.builder(), "ValidationException", message);
  }

  private static AwsServiceException error(
      AwsServiceException.Builder builder, String code, String message) {
    return AwsErrors.badRequest(builder, SERVICE_NAME, code, message);
  }

  // ---------------------------------------------------------------- state

  /** One registered scalable target and its policies by name. */
  private static final class StoredTarget {
    final String resourceId;
    final String dimension;
    final Instant created;
    final Map<String, StoredPolicy> policies = new TreeMap<>();
    int min;
    int max;
    SuspendedState suspendedState;

    StoredTarget(String resourceId, String dimension, Instant created) {
      this.resourceId = resourceId;
      this.dimension = dimension;
      this.created = created;
    }

    ScalableTarget describe() {
      return ScalableTarget.builder()
          .serviceNamespace(ServiceNamespace.DYNAMODB)
          .resourceId(resourceId)
          .scalableDimension(dimension)
          .minCapacity(min)
          .maxCapacity(max)
          .creationTime(created)
          .suspendedState(suspendedState)
          .scalableTargetARN(
              "arn:aws:application-autoscaling:"
                  + FakeCloudWatch.REGION
                  + ":"
                  + FakeCloudWatch.ACCOUNT
                  + ":scalable-target/"
                  + NAMESPACE
                  + "/"
                  + resourceId
                  + "/"
                  + dimension)
          .build();
    }
  }

  /** One target-tracking policy; its name, ARN and alarms survive replacement. */
  private static final class StoredPolicy {
    final String name;
    final String arn;
    final String highAlarm;
    final String lowAlarm;
    final Instant created;
    TargetTrackingScalingPolicyConfiguration config;

    StoredPolicy(String name, String arn, String highAlarm, String lowAlarm, Instant created) {
      this.name = name;
      this.arn = arn;
      this.highAlarm = highAlarm;
      this.lowAlarm = lowAlarm;
      this.created = created;
    }

    List<String> alarmNames() {
      return List.of(highAlarm, lowAlarm);
    }

    ScalingPolicy describe(StoredTarget target) {
      List<Alarm> listed = new ArrayList<>();
      for (String alarm : alarmNames()) {
        listed.add(
            Alarm.builder().alarmName(alarm).alarmARN(FakeCloudWatch.alarmArn(alarm)).build());
      }
      return ScalingPolicy.builder()
          .policyName(name)
          .policyARN(arn)
          .policyType(PolicyType.TARGET_TRACKING_SCALING)
          .serviceNamespace(ServiceNamespace.DYNAMODB)
          .resourceId(target.resourceId)
          .scalableDimension(target.dimension)
          .targetTrackingScalingPolicyConfiguration(config)
          .alarms(listed)
          .creationTime(created)
          .build();
    }
  }
}
