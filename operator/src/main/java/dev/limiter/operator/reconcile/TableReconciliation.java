package dev.limiter.operator.reconcile;

import dev.limiter.operator.api.BillingMode;
import dev.limiter.operator.api.BillingModeSwitch;
import dev.limiter.operator.api.CapacityPlan;
import dev.limiter.operator.api.ConditionReasons;
import dev.limiter.operator.api.ConditionTypes;
import dev.limiter.operator.api.DecreaseQuotaStatus;
import dev.limiter.operator.api.RateLimiterTable;
import dev.limiter.operator.api.RateLimiterTableStatus;
import dev.limiter.operator.api.PartitionStatus;
import dev.limiter.operator.api.ThrottleReading;
import dev.limiter.operator.aws.AwsAccess;
import dev.limiter.operator.aws.DynamoDbTables;
import dev.limiter.operator.plan.AwsFailures;
import dev.limiter.operator.plan.BillingSwitchGuard;
import dev.limiter.operator.plan.CapacityPlanner;
import dev.limiter.operator.plan.ConditionStatus;
import dev.limiter.operator.plan.Conditions;
import dev.limiter.operator.plan.DecreaseQuota;
import dev.limiter.operator.plan.Deferral;
import dev.limiter.operator.plan.DesiredTable;
import dev.limiter.operator.plan.DesiredTables;
import dev.limiter.operator.plan.ObservedTable;
import dev.limiter.operator.plan.TablePlan;
import dev.limiter.operator.plan.SwitchRecords;
import dev.limiter.operator.plan.TablePlanner;
import dev.limiter.operator.plan.TablePolicy;
import dev.limiter.operator.plan.Throughput;
import dev.limiter.operator.plan.WorkloadConfigMap;
import dev.limiter.operator.plan.automation.AlarmPlanner;
import dev.limiter.operator.plan.automation.DesiredAutomation;
import dev.limiter.operator.plan.automation.EmergencyPlan;
import dev.limiter.operator.plan.automation.EmergencyPlanner;
import dev.limiter.operator.plan.automation.EntityDemand;
import dev.limiter.operator.plan.automation.InsightsPlanner;
import dev.limiter.operator.plan.automation.ObservedAutomation;
import dev.limiter.operator.plan.automation.PartitionInsight;
import dev.limiter.operator.plan.automation.Reading;
import dev.limiter.operator.plan.automation.ScalingPlanner;
import dev.limiter.operator.plan.automation.Section;
import dev.limiter.operator.plan.automation.ThrottleDiagnosis;
import dev.limiter.operator.plan.automation.ThrottleQueries;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * One reconcile pass of a RateLimiterTable without Kubernetes I/O: resolve the spec, observe the
 * table, plan, act, and compute the next status, the events and when to come back.
 */
public final class TableReconciliation {

  private static final List<String> AUTOMATION_CONDITIONS = List.of(ConditionTypes.AUTOSCALING_SYNCED, ConditionTypes.ALARMS_SYNCED,
      ConditionTypes.CONTRIBUTOR_INSIGHTS_SYNCED, ConditionTypes.THROTTLING, ConditionTypes.HOT_PARTITION_RISK);

  private static final RateLimiterTableStatus EMPTY = new RateLimiterTableStatus(null, null, null, null, null, null, null,
      List.of(), null, null, null, null, null, null, null, List.of());

  /** Retry delay after AWS could not be reached. */
  public static final Duration TRANSIENT_RETRY = Duration.ofSeconds(30);

  private final AwsAccess aws;
  private final String defaultRegion;
  private final TablePolicy policy;

  /** A reconciliation reaching each region's services through {@code aws}. */
  public TableReconciliation(AwsAccess aws, String defaultRegion) {
    this(aws, defaultRegion, TablePolicy.NONE);
  }

  /** A reconciliation under the operator's table-name prefix and adoption grants ({@code policy}). */
  public TableReconciliation(AwsAccess aws, String defaultRegion, TablePolicy policy) {
    this.aws = aws;
    this.defaultRegion = defaultRegion;
    this.policy = policy;
  }

  /**
   * The outcome of a pass.
   *
   * @param status the status to write
   * @param events messages for Kubernetes events ({@code warning} marks failures)
   * @param wakeAt when to reconcile again at the latest; empty for the regular resync
   * @param table the resolved table, empty when the spec is invalid or the table is not one this
   *     resource may use (another owner's, not adoptable, not the limiter's schema): workloads are
   *     pointed only at a table they can use
   * @param region the resolved region
   */
  public record Result(RateLimiterTableStatus status, List<Event> events, Optional<Instant> wakeAt,
                       Optional<DesiredTable> table, String region) {}

  /** A Kubernetes event to emit. */
  public record Event(boolean warning, String reason, String message) {}

  /**
   * Writes the status a pass is about to act on before it acts (a billing-mode switch about to be
   * requested, pending); when it throws, the pass stops before any AWS call.
   */
  @FunctionalInterface
  public interface IntentRecorder {
    /** Makes {@code intended} durable. */
    void record(RateLimiterTableStatus intended);
  }

  /**
   * Runs the pass for {@code resource} at {@code now}, with no entity declaring traffic on the table;
   * intents are recorded in the resource's status.
   */
  public Result reconcile(RateLimiterTable resource, Instant now) {
    return reconcile(resource, List.of(), resource::setStatus, now);
  }

  /**
   * Runs the pass for {@code resource} at {@code now}; {@code demands} are the entities the
   * table's hierarchies declare, for the hot-partition check; {@code intents} records what the pass
   * is about to do before it does it.
   */
  public Result reconcile(RateLimiterTable resource, List<EntityDemand> demands, IntentRecorder intents, Instant now) {
    RateLimiterTableStatus previous = resource.getStatus();
    long generation = resource.getMetadata().getGeneration() == null ? 0 : resource.getMetadata().getGeneration();
    DesiredTables.Resolution resolution = WorkloadConfigMap.nameProblem(resource.getMetadata().getName())
        .<DesiredTables.Resolution>map(DesiredTables.Invalid::new)
        .orElseGet(() -> DesiredTables.resolve(resource, defaultRegion, policy));
    if (resolution instanceof DesiredTables.Invalid invalid) {
      List<ConditionStatus> conditions = List.of(
          ConditionStatus.isFalse(ConditionTypes.READY, ConditionReasons.INVALID_SPEC, invalid.message()),
          ConditionStatus.isFalse(ConditionTypes.SYNCED, ConditionReasons.INVALID_SPEC, invalid.message()));
      return new Result(withConditions(previous, generation, conditions, now), List.of(new Event(true, ConditionReasons.INVALID_SPEC, invalid.message())),
          Optional.empty(), Optional.empty(), null);
    }
    DesiredTables.Resolved resolved = (DesiredTables.Resolved) resolution;
    DesiredTable desired = resolved.table();

    String region = resolved.region();
    DynamoDbTables tables = aws.tables().apply(region);
    Optional<ObservedTable> observed;
    try {
      observed = new TableObserver(tables).observe(desired.name());
    } catch (SdkException e) {
      AwsFailures.Failure failure = AwsFailures.classify("describe table " + desired.name(), e, now);
      return failed(previous, generation, desired, region, failure, now);
    }
    List<BillingModeSwitch> switches = SwitchRecords.settle(recorded(previous), observed);
    List<BillingSwitchGuard.Switch> history = SwitchRecords.forGuard(switches);
    Optional<ObservedTable> managed = observed.filter(t -> t.active() && TablePlanner.manages(desired, t));
    Automation automation = managed
        .map(table -> observeAutomation(desired, table, previous, generation, history, region, now))
        .orElse(null);
    DesiredTable effective = automation == null ? desired : desired.withCapacity(automation.emergency().capacity());
    TablePlan plan = TablePlanner.plan(effective, observed, history, now,
        automation == null ? "spec" : automation.emergency().switchReason());

    List<Event> events = new ArrayList<>();
    List<ConditionStatus> conditions = new ArrayList<>(plan.conditions().stream()
        .map(condition -> withCapacityBasis(condition, resource))
        .toList());
    Optional<Instant> wakeAt = Optional.empty();
    List<AwsFailures.Failure> failures = new ArrayList<>();
    List<Section> laterSections = List.of();
    if (automation != null) {
      laterSections = automation.alarmsAndInsights(effective, now);
      automation.observationFailures().forEach(failure -> {
        failures.add(failure);
        events.add(event(failure));
      });
      automation.emergency().events().forEach(message -> events.add(new Event(false, "Emergency", message)));
      wakeAt = earliest(wakeAt, automation.wakeAt(now));
    }
    Optional<BillingModeSwitch> intended = plan.switchMade();
    if (intended.isPresent()) {
      // The guard must never forget a switch: it is in status before AWS is asked.
      List<BillingModeSwitch> withIntent = new ArrayList<>(switches);
      withIntent.add(intended.get().asPending());
      intents.record(withSwitches(previous, withIntent, automation));
    }
    AutomationActuator automationActuator = new AutomationActuator(aws, region);
    boolean automationPending = false;
    boolean toOnDemand = intended.filter(s -> s.to() == BillingMode.OnDemand).isPresent();
    if (automation != null && !toOnDemand) {
      // A provisioned table keeps its autoscaling, also while a switch to on-demand waits.
      automationPending = act(automationActuator, automation.scaling(automation.tableProvisioned()), conditions, failures, events,
          now);
    }
    String planReason = plan.terminal() ? plan.condition(ConditionTypes.READY).map(ConditionStatus::reason).orElse(ConditionReasons.TABLE_CONFLICT)
        : "Reconcile";
    plan.events().forEach(message -> events.add(new Event(plan.terminal(), planReason, message)));
    TableActuator.Outcome outcome = new TableActuator(tables).apply(desired.name(), observed.map(ObservedTable::arn).orElse(null),
        plan.actions(), now);
    if (automation != null && toOnDemand) {
      // Autoscaling is removed only once AWS has accepted the switch: a refused one leaves the table provisioned, and scaled.
      automationPending = act(automationActuator, automation.scaling(!outcome.complete()), conditions, failures, events, now);
    }
    for (Section section : laterSections) {
      automationPending |= act(automationActuator, section, conditions, failures, events, now);
    }
    if (outcome.complete()) {
      wakeAt = earliest(wakeAt, plan.wakeAt());
    }
    if (automation != null) {
      conditions.addAll(automation.observations(demands));
    } else {
      conditions.addAll(firstVisit(previous));
    }
    List<BillingModeSwitch> nextSwitches = new ArrayList<>(switches);
    intended.flatMap(s -> SwitchRecords.afterCall(s, outcome.failure())).ifPresent(nextSwitches::add);
    if (outcome.failure().isPresent()) {
      AwsFailures.Failure failure = outcome.failure().get();
      failures.add(0, failure);
      conditions.addAll(failureConditions(failure));
      events.add(event(failure));
    }
    if (failures.isEmpty()) {
      conditions.add(ConditionStatus.isTrue(ConditionTypes.SYNCED, ConditionReasons.RECONCILE_SUCCEEDED, "the last reconcile succeeded"));
    } else {
      for (AwsFailures.Failure failure : failures) {
        wakeAt = earliest(wakeAt, Optional.of(retryAt(failure, now)));
      }
      if (outcome.complete()) {
        conditions.add(synced(failures.get(0)));
      }
    }
    if (automationPending) {
      wakeAt = earliest(wakeAt, Optional.of(now.plus(TablePlanner.BUSY_POLL)));
    }
    conditions = ReadyFolding.fold(conditions);
    Duration cooldown = desired.capacity().switchCooldown();
    List<BillingModeSwitch> kept = SwitchRecords.prune(nextSwitches, cooldown, now);
    RateLimiterTableStatus status = status(previous, generation, desired, observed, kept, cooldown, conditions, automation, now);
    return new Result(status, events, wakeAt, plan.terminal() ? Optional.empty() : Optional.of(desired), region);
  }

  private Automation observeAutomation(DesiredTable desired, ObservedTable table, RateLimiterTableStatus previous,
                                       long generation, List<BillingSwitchGuard.Switch> history, String region, Instant now) {
    DesiredAutomation goal = desired.automation();
    ThrottleReading last = previous == null || previous.observed() == null || previous.observed().at() == null ? null
        : previous.observed();
    Instant nextReading = ThrottleQueries.nextReading(last, goal.diagnosisInterval(), now);
    ObservedAutomation observed = new AutomationObserver(aws, region)
        .observe(table, !now.isBefore(nextReading), goal.diagnosisInterval(), now);
    EmergencyPlan emergency = EmergencyPlanner.plan(desired.capacity(), goal.autoscaling(), goal.emergency(), table,
        observed.freshReading(), previous == null ? null : previous.emergency(),
        previous == null ? null : previous.capacityFloor(), generation, history, now);
    return new Automation(desired, table, observed, emergency, observed.freshReading().orElse(last),
        PartitionInsight.estimate(previous == null ? null : previous.partitions(), table, observed.freshReading()));
  }

  /** The automation conditions a status does not have yet, as Unknown until the table is ACTIVE and managed. */
  private static List<ConditionStatus> firstVisit(RateLimiterTableStatus previous) {
    List<String> known = previous == null || previous.conditions() == null ? List.of()
        : previous.conditions().stream().map(Condition::getType).toList();
    return AUTOMATION_CONDITIONS.stream().filter(type -> !known.contains(type))
        .map(type -> ConditionStatus.unknown(type, "TableNotManaged", "checked once the table is ACTIVE and managed"))
        .toList();
  }

  /**
   * Runs one area's calls; a failure turns its condition False and is reported (and retried as its
   * kind says). Returns whether the area should be looked at again soon: its calls succeeded and
   * need confirming, or it waits for AWS to finish a transition.
   */
  private static boolean act(AutomationActuator actuator, Section section, List<ConditionStatus> conditions,
                             List<AwsFailures.Failure> failures, List<Event> events, Instant now) {
    Optional<AwsFailures.Failure> failure = actuator.apply(section.actions(), now);
    if (failure.isEmpty()) {
      section.actions().forEach(action -> events.add(new Event(false, "Reconcile", action.describe())));
      conditions.add(section.condition());
      return section.pending();
    }
    failures.add(failure.get());
    events.add(event(failure.get()));
    conditions.add(ConditionStatus.isFalse(section.condition().type(), failure.get().reason(), failure.get().message()));
    return false;
  }

  /**
   * A pass's automation: what was observed, what the emergency runbook decided, the diagnosis
   * reading in effect and the partition estimate.
   */
  private record Automation(DesiredTable desired, ObservedTable table, ObservedAutomation observed, EmergencyPlan emergency,
                            ThrottleReading reading, PartitionStatus partitions) {

    /**
     * Autoscaling's plan, for a table that is provisioned after this pass's table calls or not; an area
     * that could not be observed plans nothing.
     */
    Section scaling(boolean provisioned) {
      return section(observed.scaling(), ConditionTypes.AUTOSCALING_SYNCED,
          s -> ScalingPlanner.plan(table.name(), table.indexNames(), emergency.scaling(), provisioned, s));
    }

    /** Whether the table is provisioned now. */
    boolean tableProvisioned() {
      return table.capacity().mode() == BillingMode.Provisioned;
    }

    /** The alarms' and Contributor Insights' plans. */
    List<Section> alarmsAndInsights(DesiredTable effective, Instant now) {
      return List.of(
          section(observed.alarms(), ConditionTypes.ALARMS_SYNCED, a -> AlarmPlanner.plan(table.name(), desired.owner(),
              table.indexNames(), desired.automation().alarms(), provisioned(effective), a)),
          desired.automation().insightsLeftAsIs() ? InsightsPlanner.leftAsIs()
              : section(observed.insights(), ConditionTypes.CONTRIBUTOR_INSIGHTS_SYNCED,
                  i -> InsightsPlanner.plan(table.name(), table.indexNames(), desired.automation().insights(), i, now)));
    }

    /** Why parts of the automation could not be observed: the pass is not Synced and is retried. */
    List<AwsFailures.Failure> observationFailures() {
      List<AwsFailures.Failure> failed = new ArrayList<>();
      observed.scaling().failed().ifPresent(failed::add);
      observed.alarms().failed().ifPresent(failed::add);
      observed.insights().failed().ifPresent(failed::add);
      observed.metrics().flatMap(Reading::failed).ifPresent(failed::add);
      return failed;
    }

    /** Whether the table is provisioned and stays so in this pass. */
    boolean provisioned(DesiredTable effective) {
      return table.capacity().mode() == BillingMode.Provisioned && effective.capacity().mode() == BillingMode.Provisioned;
    }

    /** Throttling and HotPartitionRisk. */
    List<ConditionStatus> observations(List<EntityDemand> demands) {
      Optional<Long> scalable = table.capacity().mode() == BillingMode.Provisioned
          ? emergency.scaling().map(goal -> goal.write().max()) : Optional.empty();
      return List.of(throttling(), PartitionInsight.risk(partitions, demands, scalable));
    }

    /** The next diagnosis reading or the emergency's next step, whichever comes first. */
    Optional<Instant> wakeAt(Instant now) {
      Instant nextReading = reading == null ? now.plus(desired.automation().diagnosisInterval())
          : ThrottleQueries.nextReading(reading, desired.automation().diagnosisInterval(), now);
      // A reading already due failed in this pass; its failure schedules the retry.
      return earliest(emergency.wakeAt(), nextReading.isAfter(now) ? Optional.of(nextReading) : Optional.empty());
    }

    private ConditionStatus throttling() {
      Optional<AwsFailures.Failure> failed = observed.metrics().flatMap(Reading::failed);
      if (reading == null) {
        return failed.map(f -> ConditionStatus.unknown(ConditionTypes.THROTTLING, f.reason(), f.message()))
            .orElse(ConditionStatus.unknown(ConditionTypes.THROTTLING, "NoReading", "no CloudWatch reading yet"));
      }
      Throughput provisioned = table.capacity().mode() == BillingMode.Provisioned ? table.capacity().table() : null;
      ConditionStatus diagnosis = ThrottleDiagnosis.condition(reading, provisioned);
      String stale = failed.map(f -> " (the last reading; the newest failed: " + f.message() + ")").orElse("");
      String note = emergency.note().map(n -> ". Emergency runbook: " + n).orElse("");
      return new ConditionStatus(diagnosis.type(), diagnosis.status(), diagnosis.reason(), diagnosis.message() + stale + note);
    }

    private static <T> Section section(Reading<T> reading, String type, Function<T, Section> plan) {
      return reading.failed()
          .map(f -> new Section(List.of(), ConditionStatus.isFalse(type, f.reason(), f.message())))
          .orElseGet(() -> plan.apply(reading.value()));
    }
  }

  /** Says where planned capacity comes from: the runtime's measured costs, not the runbook's estimate. */
  private static ConditionStatus withCapacityBasis(ConditionStatus condition, RateLimiterTable resource) {
    CapacityPlan plan = resource.getSpec().billing().plan();
    if (plan == null || !condition.type().equals(ConditionTypes.CAPACITY_SYNCED)) {
      return condition;
    }
    return new ConditionStatus(condition.type(), condition.status(), condition.reason(),
        condition.message() + " (" + CapacityPlanner.explain(plan) + ")");
  }

  private Result failed(RateLimiterTableStatus previous, long generation, DesiredTable desired, String region,
                        AwsFailures.Failure failure, Instant now) {
    return new Result(withConditions(previous, generation, failureConditions(failure), now), List.of(event(failure)),
        Optional.of(retryAt(failure, now)), Optional.of(desired), region);
  }

  private static List<ConditionStatus> failureConditions(AwsFailures.Failure failure) {
    if (failure instanceof AwsFailures.Deferred deferred) {
      Deferral d = deferred.deferral();
      return List.of(ConditionStatus.isFalse(ConditionTypes.CAPACITY_SYNCED, d.reason(), d.message()),
          ConditionStatus.isFalse(ConditionTypes.READY, d.reason(), d.message()), synced(failure));
    }
    if (failure instanceof AwsFailures.Terminal) {
      return List.of(ConditionStatus.isFalse(ConditionTypes.READY, failure.reason(), failure.message()), synced(failure));
    }
    return List.of(synced(failure));
  }

  /** The Synced condition after {@code failure}: a deferral is not a failed reconcile. */
  private static ConditionStatus synced(AwsFailures.Failure failure) {
    return failure instanceof AwsFailures.Deferred
        ? ConditionStatus.isTrue(ConditionTypes.SYNCED, "Deferred", failure.message())
        : ConditionStatus.isFalse(ConditionTypes.SYNCED, failure.reason(), failure.message());
  }

  private static Instant retryAt(AwsFailures.Failure failure, Instant now) {
    if (failure instanceof AwsFailures.Deferred deferred) {
      return deferred.deferral().until();
    }
    // A terminal refusal is retried rarely in case AWS's view changes; the spec usually must.
    return failure instanceof AwsFailures.Terminal ? now.plus(Duration.ofHours(1)) : now.plus(TRANSIENT_RETRY);
  }

  private static Event event(AwsFailures.Failure failure) {
    return new Event(!(failure instanceof AwsFailures.Deferred), failure.reason(), failure.message());
  }

  private static Optional<Instant> earliest(Optional<Instant> a, Optional<Instant> b) {
    return a.isEmpty() ? b : b.isEmpty() ? a : Optional.of(a.get().isBefore(b.get()) ? a.get() : b.get());
  }

  private static List<BillingModeSwitch> recorded(RateLimiterTableStatus status) {
    return status == null || status.billingModeSwitches() == null ? List.of() : status.billingModeSwitches();
  }

  /**
   * {@code previous} with {@code switches}, and the emergency episode this pass starts or continues,
   * so that what the next pass relies on survives a lost status write.
   */
  private static RateLimiterTableStatus withSwitches(RateLimiterTableStatus previous, List<BillingModeSwitch> switches,
                                                     Automation automation) {
    RateLimiterTableStatus base = previous != null ? previous : EMPTY;
    return new RateLimiterTableStatus(base.observedGeneration(), base.tableName(), base.tableArn(), base.tableStatus(),
        base.billingMode(), base.readCapacityUnits(), base.writeCapacityUnits(), switches, base.nextBillingModeSwitchAllowedAt(),
        base.decreases(), base.observed(), automation == null ? base.emergency() : automation.emergency().episode(),
        automation == null ? base.capacityFloor() : automation.emergency().floor(), base.partitions(), base.alarmNames(),
        base.conditions());
  }

  private static RateLimiterTableStatus status(RateLimiterTableStatus previous, long generation, DesiredTable desired,
                                               Optional<ObservedTable> observed, List<BillingModeSwitch> switches,
                                               Duration cooldown, List<ConditionStatus> conditions,
                                               Automation automation, Instant now) {
    List<Condition> merged = Conditions.merge(previous == null ? null : previous.conditions(), conditions, generation, now);
    ObservedTable table = observed.orElse(null);
    BillingMode mode = table == null ? null : table.capacity().mode();
    String nextSwitch = null;
    DecreaseQuotaStatus decreases = null;
    if (table != null) {
      BillingMode other = mode == BillingMode.Provisioned ? BillingMode.OnDemand : BillingMode.Provisioned;
      nextSwitch = BillingSwitchGuard.check(other, SwitchRecords.forGuard(switches), Optional.ofNullable(table.capacity().lastSwitchToOnDemand()), cooldown, now)
          .map(d -> d.until().toString()).orElse(null);
      var tableDecreases = table.capacity().tableDecreases();
      decreases = new DecreaseQuotaStatus(tableDecreases.today(),
          tableDecreases.last() == null ? null : tableDecreases.last().toString(),
          DecreaseQuota.check("table", tableDecreases.today(), tableDecreases.last(), now).map(d -> d.until().toString()).orElse(null));
    }
    Optional<RateLimiterTableStatus> last = Optional.ofNullable(previous);
    return new RateLimiterTableStatus(
        generation,
        desired.name(),
        table == null ? null : table.arn(),
        table == null ? null : table.status(),
        mode,
        table == null || table.capacity().table() == null ? null : table.capacity().table().read(),
        table == null || table.capacity().table() == null ? null : table.capacity().table().write(),
        switches,
        nextSwitch,
        decreases,
        automation == null ? last.map(RateLimiterTableStatus::observed).orElse(null) : automation.reading(),
        automation == null ? last.map(RateLimiterTableStatus::emergency).orElse(null) : automation.emergency().episode(),
        automation == null ? last.map(RateLimiterTableStatus::capacityFloor).orElse(null) : automation.emergency().floor(),
        automation == null ? last.map(RateLimiterTableStatus::partitions).orElse(null) : automation.partitions(),
        automation == null ? last.map(RateLimiterTableStatus::alarmNames).orElse(null)
            : AlarmPlanner.names(table.name(), desired.owner(), table.indexNames(), desired.automation().alarms(),
                automation.provisioned(desired.withCapacity(automation.emergency().capacity()))),
        merged);
  }

  /** {@code previous} (or an empty status) with {@code conditions} merged in for {@code generation}. */
  public static RateLimiterTableStatus withConditions(RateLimiterTableStatus previous, long generation,
                                               List<ConditionStatus> conditions, Instant now) {
    RateLimiterTableStatus base = previous != null ? previous : EMPTY;
    return new RateLimiterTableStatus(generation, base.tableName(), base.tableArn(), base.tableStatus(), base.billingMode(),
        base.readCapacityUnits(), base.writeCapacityUnits(), base.billingModeSwitches(), base.nextBillingModeSwitchAllowedAt(),
        base.decreases(), base.observed(), base.emergency(), base.capacityFloor(), base.partitions(), base.alarmNames(),
        Conditions.merge(base.conditions(), conditions, generation, now));
  }
}
