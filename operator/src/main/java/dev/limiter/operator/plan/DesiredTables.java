package dev.limiter.operator.plan;

import dev.limiter.operator.api.Alarms;
import dev.limiter.operator.api.Billing;
import dev.limiter.operator.api.BillingMode;
import dev.limiter.operator.api.ContributorInsights;
import dev.limiter.operator.api.CrdSchema;
import dev.limiter.operator.api.Emergency;
import dev.limiter.operator.api.OnDemandCapacity;
import dev.limiter.operator.api.OnThrottle;
import dev.limiter.operator.api.RateLimiterTable;
import dev.limiter.operator.api.RateLimiterTableSpec;
import dev.limiter.operator.api.ScalingBounds;
import dev.limiter.operator.plan.automation.DesiredAutomation;
import dev.limiter.operator.plan.automation.EntityDemand;
import dev.limiter.operator.plan.automation.ReservationCredit;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.dynamodb.model.ContributorInsightsMode;

/**
 * Resolves a RateLimiterTable into the table it asks for: defaults applied, plan computed, every
 * bound of the CRD's schema checked again ({@link CrdSchema}) and the rules its CEL expressions and
 * the schema cannot express checked here. Pure.
 */
public final class DesiredTables {

  /** Annotation allowing the operator to take over an existing table it did not create. */
  public static final String ADOPT_ANNOTATION = "limiter.dev/adopt";

  /** Cooldown when the spec names none. */
  public static final Duration DEFAULT_COOLDOWN = Duration.ofHours(24);

  private static final Pattern TABLE_NAME = Pattern.compile("[A-Za-z0-9_.-]{3,255}");

  /** The longest AWS tag value. */
  private static final int MAX_TAG_VALUE = 256;

  private DesiredTables() {}

  /** The result: a desired table, or why the spec cannot be reconciled. */
  public sealed interface Resolution {}

  /** The spec resolved. */
  public record Resolved(DesiredTable table, String region) implements Resolution {}

  /** The spec is invalid; {@code message} says what to fix. */
  public record Invalid(String message) implements Resolution {}

  /** Resolves {@code resource} under an operator without table-name prefix and adoption grants. */
  public static Resolution resolve(RateLimiterTable resource, String defaultRegion) {
    return resolve(resource, defaultRegion, TablePolicy.NONE);
  }

  /**
   * Resolves {@code resource}; {@code defaultRegion} is the operator's (may be null), {@code
   * policy} its table-name prefix and adoption grants.
   */
  public static Resolution resolve(
      RateLimiterTable resource, String defaultRegion, TablePolicy policy) {
    return resolve(resource, defaultRegion, policy, List.of());
  }

  /**
   * Resolves {@code resource} as {@link #resolve(RateLimiterTable, String, TablePolicy)} does; a
   * capacity plan is credited with the local reservations of {@code demands}, the entities the
   * table's hierarchies declare ({@link ReservationCredit}).
   */
  public static Resolution resolve(
      RateLimiterTable resource,
      String defaultRegion,
      TablePolicy policy,
      List<EntityDemand> demands) {
    List<CrdSchema.Violation> violations = CrdSchema.specViolations(resource);
    if (!violations.isEmpty()) {
      return new Invalid(CrdSchema.describe(violations));
    }
    RateLimiterTableSpec spec = resource.getSpec();
    String namespace = resource.getMetadata().getNamespace();
    String name =
        spec.tableName() != null
            ? spec.tableName()
            : policy.namePrefix() + namespace + "-" + resource.getMetadata().getName();
    if (!name.startsWith(policy.namePrefix())) {
      return new Invalid(
          "spec.tableName '"
              + name
              + "' does not start with '"
              + policy.namePrefix()
              + "', the prefix this"
              + " operator's tables must carry (operator flag --table-name-prefix)");
    }
    if (!TABLE_NAME.matcher(name).matches()) {
      return new Invalid(
          "table name '"
              + name
              + "' is not a valid DynamoDB table name (3 to 255 letters, digits, '_', '.', '-')"
              + (spec.tableName() == null ? "; set spec.tableName" : ""));
    }
    String current = resource.getStatus() == null ? null : resource.getStatus().tableName();
    if (current != null && !current.equals(name)) {
      return new Invalid(
          "spec.tableName: the table name cannot change: this resource manages table '"
              + current
              + "', the spec now names '"
              + name
              + "'; create a new resource for a new table");
    }
    String owner = namespace + "/" + resource.getMetadata().getName();
    if (owner.length() > MAX_TAG_VALUE) {
      return new Invalid(
          "namespace and metadata.name together are "
              + owner.length()
              + " characters; the table's ownership tag "
              + DesiredTable.OWNER_TAG
              + " holds '<namespace>/<name>' and AWS tag values hold at most "
              + MAX_TAG_VALUE
              + ": choose a shorter name");
    }
    String region = spec.region() != null ? spec.region() : defaultRegion;
    if (region == null || region.isBlank()) {
      return new Invalid("spec.region is not set and the operator has no default region");
    }
    Duration cooldown;
    try {
      cooldown =
          spec.billing().switchCooldown() == null
              ? DEFAULT_COOLDOWN
              : GoDurations.parse(spec.billing().switchCooldown());
    } catch (IllegalArgumentException e) {
      return new Invalid("spec.billing.switchCooldown: " + e.getMessage());
    }
    Billing billing = spec.billing();
    Throughput throughput = null;
    Integer maxIncrease = null;
    if (billing.mode() == BillingMode.Provisioned) {
      if ((billing.provisioned() == null) == (billing.plan() == null)) {
        return new Invalid(
            "spec.billing: mode Provisioned needs exactly one of spec.billing.provisioned or"
                + " spec.billing.plan");
      }
      if (billing.provisioned() != null) {
        throughput =
            new Throughput(
                billing.provisioned().readCapacityUnits(),
                billing.provisioned().writeCapacityUnits());
        maxIncrease = billing.provisioned().maxIncreasePercent();
      } else {
        throughput =
            CapacityPlanner.fromPlan(
                billing.plan(), ReservationCredit.of(billing.plan().requestsPerSecond(), demands));
      }
    }
    DesiredAutomation automation;
    try {
      automation = automation(spec);
    } catch (IllegalArgumentException e) {
      return new Invalid(e.getMessage());
    }
    if (throughput != null && automation.autoscaling().isPresent()) {
      // The starting units (creation, return to provisioned) stay within what autoscaling may set.
      DesiredAutomation.ScalingGoal scaling = automation.autoscaling().get();
      throughput =
          new Throughput(
              scaling.read().clamp(throughput.read()), scaling.write().clamp(throughput.write()));
    }
    OnDemandCapacity caps = billing.onDemand();
    DesiredCapacity capacity =
        new DesiredCapacity(
            billing.mode(),
            throughput,
            maxIncrease,
            caps == null || caps.maxReadRequestUnits() == null ? -1 : caps.maxReadRequestUnits(),
            caps == null || caps.maxWriteRequestUnits() == null ? -1 : caps.maxWriteRequestUnits(),
            cooldown,
            automation.autoscaling().isPresent(),
            automation.autoscaling().map(DesiredAutomation.ScalingGoal::indexes).orElse(false));
    Map<String, String> annotations = resource.getMetadata().getAnnotations();
    DesiredTable.Adoption adoption =
        annotations == null || !"true".equals(annotations.get(ADOPT_ANNOTATION))
            ? DesiredTable.Adoption.NOT_ASKED
            : policy.allowsAdoption(namespace, name)
                ? DesiredTable.Adoption.GRANTED
                : DesiredTable.Adoption.NOT_GRANTED;
    return new Resolved(
        new DesiredTable(
            name,
            owner,
            adoption,
            capacity,
            spec.timeToLive(),
            spec.stream(),
            spec.pointInTimeRecovery(),
            spec.deletionProtection(),
            spec.tags() == null ? Map.of() : spec.tags(),
            automation),
        region);
  }

  /** The automation settings with defaults; IllegalArgumentException names the field at fault. */
  private static DesiredAutomation automation(RateLimiterTableSpec spec) {
    Optional<DesiredAutomation.ScalingGoal> scaling =
        Optional.ofNullable(spec.autoscaling())
            .map(
                a ->
                    new DesiredAutomation.ScalingGoal(
                        bounds("spec.autoscaling.read", a.read()),
                        bounds("spec.autoscaling.write", a.write()),
                        a.scalesIndexes()));
    Alarms alarms = spec.alarms();
    Optional<DesiredAutomation.AlarmGoal> alarmGoal =
        alarms == null || !Boolean.TRUE.equals(alarms.enabled())
            ? Optional.empty()
            : Optional.of(
                new DesiredAutomation.AlarmGoal(
                    alarms.actions() == null ? List.of() : alarms.actions(),
                    alarms.throttleEventsThreshold() == null ? 1 : alarms.throttleEventsThreshold(),
                    alarms.capacityUtilizationPercent() == null
                        ? 80
                        : alarms.capacityUtilizationPercent()));
    Optional<ContributorInsightsMode> insights =
        Optional.ofNullable(spec.contributorInsights())
            .map(ContributorInsights::mode)
            .flatMap(
                mode ->
                    switch (mode) {
                      case ThrottledKeys -> Optional.of(ContributorInsightsMode.THROTTLED_KEYS);
                      case AccessedAndThrottledKeys ->
                          Optional.of(ContributorInsightsMode.ACCESSED_AND_THROTTLED_KEYS);
                      case Disabled -> Optional.empty();
                    });
    Emergency emergency = spec.emergency();
    Optional<DesiredAutomation.EmergencyGoal> emergencyGoal =
        emergency == null
                || emergency.onThrottle() == null
                || emergency.onThrottle() == OnThrottle.None
            ? Optional.empty()
            : Optional.of(
                new DesiredAutomation.EmergencyGoal(
                    emergency.onThrottle(),
                    emergency.throttleEventsThreshold() == null
                        ? 100
                        : emergency.throttleEventsThreshold(),
                    duration(
                        "spec.emergency.revertAfter",
                        emergency.revertAfter(),
                        Duration.ofHours(24)),
                    emergency.headroomPercent() == null ? 20 : emergency.headroomPercent(),
                    emergency.raiseStepPercent() == null ? 50 : emergency.raiseStepPercent(),
                    Optional.ofNullable(emergency.maxReadCapacityUnits()),
                    Optional.ofNullable(emergency.maxWriteCapacityUnits())));
    Duration interval =
        duration(
            "spec.diagnosis.interval",
            spec.diagnosis() == null ? null : spec.diagnosis().interval(),
            DesiredAutomation.DEFAULT_INTERVAL);
    if (interval.compareTo(Duration.ofMinutes(1)) < 0
        || interval.compareTo(Duration.ofHours(1)) > 0) {
      throw new IllegalArgumentException(
          "spec.diagnosis.interval: " + spec.diagnosis().interval() + " is outside 1m to 1h");
    }
    return new DesiredAutomation(
        scaling, alarmGoal, insights, emergencyGoal, interval, spec.contributorInsights() == null);
  }

  /**
   * The bounds; the schema has checked each value, this is its CEL rule {@code self.min <=
   * self.max}.
   */
  private static DesiredAutomation.Bounds bounds(String path, ScalingBounds bounds) {
    if (bounds.min() > bounds.max()) {
      throw new IllegalArgumentException(
          path + ": min must not exceed max, got min " + bounds.min() + " and max " + bounds.max());
    }
    return new DesiredAutomation.Bounds(bounds.min(), bounds.max(), bounds.targetOrDefault());
  }

  private static Duration duration(String path, String value, Duration fallback) {
    if (value == null) {
      return fallback;
    }
    try {
      return GoDurations.parse(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(path + ": " + e.getMessage(), e);
    }
  }
}
