package dev.limiter.operator.reconcile;

import dev.limiter.operator.api.BillingMode;
import dev.limiter.operator.api.BillingModeSwitch;
import dev.limiter.operator.api.CapacityPlan;
import dev.limiter.operator.api.ConditionReasons;
import dev.limiter.operator.api.ConditionTypes;
import dev.limiter.operator.api.DecreaseQuotaStatus;
import dev.limiter.operator.api.PartitionStatus;
import dev.limiter.operator.api.RateLimiterTable;
import dev.limiter.operator.api.RateLimiterTableStatus;
import dev.limiter.operator.api.ThrottleReading;
import dev.limiter.operator.aws.AwsAccess;
import dev.limiter.operator.aws.DynamoDbTables;
import dev.limiter.operator.plan.AwsFailures;
import dev.limiter.operator.plan.BillingSwitchGuard;
import dev.limiter.operator.plan.CapacityPlanner;
import dev.limiter.operator.plan.ConditionStatus;
import dev.limiter.operator.plan.DecreaseQuota;
import dev.limiter.operator.plan.Deferral;
import dev.limiter.operator.plan.DesiredTable;
import dev.limiter.operator.plan.DesiredTables;
import dev.limiter.operator.plan.ObservedTable;
import dev.limiter.operator.plan.SwitchRecords;
import dev.limiter.operator.plan.TablePlan;
import dev.limiter.operator.plan.TablePlanner;
import dev.limiter.operator.plan.TablePolicy;
import dev.limiter.operator.plan.Throughput;
import dev.limiter.operator.plan.WorkloadConfigMap;
import dev.limiter.operator.plan.automation.AlarmPlanner;
import dev.limiter.operator.plan.automation.AreaInputs;
import dev.limiter.operator.plan.automation.AutomationFacts;
import dev.limiter.operator.plan.automation.DesiredAutomation;
import dev.limiter.operator.plan.automation.EmergencyPlan;
import dev.limiter.operator.plan.automation.EmergencyPlanner;
import dev.limiter.operator.plan.automation.EntityDemand;
import dev.limiter.operator.plan.automation.ObservedAutomation;
import dev.limiter.operator.plan.automation.PartitionInsight;
import dev.limiter.operator.plan.automation.Reading;
import dev.limiter.operator.plan.automation.ReservationCredit;
import dev.limiter.operator.plan.automation.Section;
import dev.limiter.operator.plan.automation.SyncedArea;
import dev.limiter.operator.plan.automation.ThrottleQueries;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * One reconcile pass of a RateLimiterTable without Kubernetes I/O: resolve the spec, observe the
 * table, plan, act, and compute the next status, the events and when to come back.
 */
public final class TableReconciliation {

  /** Retry delay after AWS could not be reached. */
  public static final Duration TRANSIENT_RETRY = Duration.ofSeconds(30);

  private final AwsAccess aws;
  private final String defaultRegion;
  private final TablePolicy policy;

  /** A reconciliation reaching each region's services through {@code aws}. */
  public TableReconciliation(AwsAccess aws, String defaultRegion) {
    this(aws, defaultRegion, TablePolicy.NONE);
  }

  /**
   * A reconciliation under the operator's table-name prefix and adoption grants ({@code policy}).
   */
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
  public record Result(
      RateLimiterTableStatus status,
      List<Event> events,
      Optional<Instant> wakeAt,
      Optional<DesiredTable> table,
      String region) {}

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
   * Runs the pass for {@code resource} at {@code now}, with no entity declaring traffic on the
   * table; intents are recorded in the resource's status.
   */
  public Result reconcile(RateLimiterTable resource, Instant now) {
    return reconcile(resource, List.of(), resource::setStatus, now);
  }

  /**
   * Runs the pass for {@code resource} at {@code now}; {@code demands} are the entities the table's
   * hierarchies declare, for the hot-partition check; {@code intents} records what the pass is
   * about to do before it does it.
   */
  public Result reconcile(
      RateLimiterTable resource, List<EntityDemand> demands, IntentRecorder intents, Instant now) {
    RateLimiterTableStatus previous = resource.getStatus();
    long generation =
        resource.getMetadata().getGeneration() == null ? 0 : resource.getMetadata().getGeneration();
    DesiredTables.Resolution resolution =
        WorkloadConfigMap.nameProblem(resource.getMetadata().getName())
            .<DesiredTables.Resolution>map(DesiredTables.Invalid::new)
            .orElseGet(() -> DesiredTables.resolve(resource, defaultRegion, policy, demands));
    if (resolution instanceof DesiredTables.Invalid invalid) {
      List<ConditionStatus> conditions =
          List.of(
              ConditionStatus.isFalse(
                  ConditionTypes.READY, ConditionReasons.INVALID_SPEC, invalid.message()),
              ConditionStatus.isFalse(
                  ConditionTypes.SYNCED, ConditionReasons.INVALID_SPEC, invalid.message()));
      return new Result(
          withConditions(previous, generation, conditions, now),
          List.of(new Event(true, ConditionReasons.INVALID_SPEC, invalid.message())),
          Optional.empty(),
          Optional.empty(),
          null);
    }
    DesiredTables.Resolved resolved = (DesiredTables.Resolved) resolution;
    DesiredTable desired = resolved.table();

    String region = resolved.region();
    DynamoDbTables tables = aws.tables().apply(region);
    Optional<ObservedTable> observed;
    try {
      observed = new TableObserver(tables).observe(desired.name());
    } catch (SdkException e) {
      AwsFailures.Failure failure =
          AwsFailures.classify("describe table " + desired.name(), e, now);
      return failed(previous, generation, desired, region, failure, now);
    }
    List<BillingModeSwitch> switches = SwitchRecords.settle(recorded(previous), observed);
    List<BillingSwitchGuard.Switch> history = SwitchRecords.forGuard(switches);
    Optional<ObservedTable> managed =
        observed.filter(t -> t.active() && TablePlanner.manages(desired, t));
    Automation automation =
        managed
            .map(
                table ->
                    observeAutomation(desired, table, previous, generation, history, region, now))
            .orElse(null);
    DesiredTable effective =
        automation == null ? desired : desired.withCapacity(automation.emergency().capacity());
    TablePlan plan =
        TablePlanner.plan(
            effective,
            observed,
            history,
            now,
            automation == null ? "spec" : automation.emergency().switchReason());

    Pass pass = new Pass(now);
    plan.conditions()
        .forEach(condition -> pass.conditions.put(withCapacityBasis(condition, resource, demands)));
    if (automation != null) {
      automation.observationFailures().forEach(pass::failed);
      automation
          .emergency()
          .events()
          .forEach(message -> pass.events.add(new Event(false, "Emergency", message)));
      pass.wakeAt(automation.wakeAt(now));
    }
    Optional<BillingModeSwitch> intended = plan.switchMade();
    if (intended.isPresent()) {
      // The guard must never forget a switch: it is in status before AWS is asked.
      List<BillingModeSwitch> withIntent = new ArrayList<>(switches);
      withIntent.add(intended.get().asPending());
      intents.record(withSwitches(previous, withIntent, automation));
    }
    AutomationActuator automationActuator = new AutomationActuator(aws, region);
    boolean toOnDemand = intended.filter(s -> s.to() == BillingMode.OnDemand).isPresent();
    if (automation != null && !toOnDemand) {
      // A provisioned table keeps its autoscaling, also while a switch to on-demand waits.
      for (SyncedArea<?> area : AutomationArea.synced()) {
        if (area.phase() == SyncedArea.Phase.WHILE_PROVISIONED) {
          pass.act(automationActuator, automation.plan(area, automation.tableProvisioned(), now));
        }
      }
    }
    String planReason =
        plan.terminal()
            ? plan.condition(ConditionTypes.READY)
                .map(ConditionStatus::reason)
                .orElse(ConditionReasons.TABLE_CONFLICT)
            : "Reconcile";
    plan.events()
        .forEach(message -> pass.events.add(new Event(plan.terminal(), planReason, message)));
    TableActuator.Outcome outcome =
        new TableActuator(tables)
            .apply(
                desired.name(), observed.map(ObservedTable::arn).orElse(null), plan.actions(), now);
    if (automation != null) {
      for (SyncedArea<?> area : AutomationArea.synced()) {
        if (area.phase() == SyncedArea.Phase.AFTER_TABLE) {
          pass.act(
              automationActuator, automation.plan(area, automation.provisioned(effective), now));
        } else if (toOnDemand) {
          // Autoscaling is removed only once AWS has accepted the switch: a refused one leaves the
          // table provisioned, and scaled.
          pass.act(automationActuator, automation.plan(area, !outcome.complete(), now));
        }
      }
    }
    if (outcome.complete()) {
      pass.wakeAt(plan.wakeAt());
    }
    pass.conditions.putAll(
        automation != null ? automation.observations(demands) : firstVisit(previous));
    List<BillingModeSwitch> nextSwitches = new ArrayList<>(switches);
    intended
        .flatMap(s -> SwitchRecords.afterCall(s, outcome.failure()))
        .ifPresent(nextSwitches::add);
    outcome
        .failure()
        .ifPresent(
            failure -> {
              pass.failures.add(0, failure);
              pass.conditions.putAll(failureConditions(failure));
              pass.events.add(event(failure));
            });
    if (pass.failures.isEmpty()) {
      pass.conditions.put(
          ConditionStatus.isTrue(
              ConditionTypes.SYNCED,
              ConditionReasons.RECONCILE_SUCCEEDED,
              "the last reconcile succeeded"));
    } else {
      pass.failures.forEach(failure -> pass.wakeAt(Optional.of(retryAt(failure, now))));
      if (outcome.complete()) {
        pass.conditions.put(synced(pass.failures.get(0)));
      }
    }
    if (pass.automationPending) {
      pass.wakeAt(Optional.of(now.plus(TablePlanner.BUSY_POLL)));
    }
    Duration cooldown = desired.capacity().switchCooldown();
    List<BillingModeSwitch> kept = SwitchRecords.prune(nextSwitches, cooldown, now);
    RateLimiterTableStatus status =
        status(
            previous,
            generation,
            desired,
            observed,
            kept,
            cooldown,
            pass.folded(),
            automation,
            now);
    return new Result(
        status,
        pass.events,
        pass.wakeAt,
        plan.terminal() ? Optional.empty() : Optional.of(desired),
        region);
  }

  /**
   * What a pass has decided so far: its conditions by name, its events, the failures that make it
   * not Synced, when to come back (the earliest time any step asked for) and whether an automation
   * area waits to be looked at again soon.
   */
  private static final class Pass {
    private final Instant now;
    private final ConditionSlots conditions = new ConditionSlots(ConditionTypes.TABLE);
    private final List<Event> events = new ArrayList<>();
    private final List<AwsFailures.Failure> failures = new ArrayList<>();
    private Optional<Instant> wakeAt = Optional.empty();
    private boolean automationPending;

    Pass(Instant now) {
      this.now = now;
    }

    /** The conditions, Ready folded from the automation areas ({@link ReadyFolding}). */
    List<ConditionStatus> folded() {
      return conditions.putAll(ReadyFolding.fold(conditions.toList())).toList();
    }

    void wakeAt(Optional<Instant> at) {
      wakeAt = earliest(wakeAt, at);
    }

    void failed(AwsFailures.Failure failure) {
      failures.add(failure);
      events.add(event(failure));
    }

    /**
     * Runs one area's calls; a failure turns its condition False and is reported (and retried as
     * its kind says). An area whose calls succeeded and need confirming, or that waits for AWS to
     * finish a transition, is looked at again soon.
     */
    void act(AutomationActuator actuator, Section section) {
      Optional<AwsFailures.Failure> failure = actuator.apply(section.actions(), now);
      if (failure.isEmpty()) {
        section
            .actions()
            .forEach(action -> events.add(new Event(false, "Reconcile", action.describe())));
        conditions.put(section.condition());
        automationPending |= section.pending();
        return;
      }
      failed(failure.get());
      conditions.put(
          ConditionStatus.isFalse(
              section.condition().type(), failure.get().reason(), failure.get().message()));
    }
  }

  private Automation observeAutomation(
      DesiredTable desired,
      ObservedTable table,
      RateLimiterTableStatus previous,
      long generation,
      List<BillingSwitchGuard.Switch> history,
      String region,
      Instant now) {
    DesiredAutomation goal = desired.automation();
    ThrottleReading last =
        previous == null || previous.observed() == null || previous.observed().at() == null
            ? null
            : previous.observed();
    Instant nextReading = ThrottleQueries.nextReading(last, goal.diagnosisInterval(), now);
    ObservedAutomation observed =
        new AutomationObserver(aws, region)
            .observe(
                table,
                AutomationArea.synced(),
                !now.isBefore(nextReading),
                goal.diagnosisInterval(),
                now);
    EmergencyPlan emergency =
        EmergencyPlanner.plan(
            desired.capacity(),
            goal.autoscaling(),
            goal.emergency(),
            table,
            observed.freshReading(),
            previous == null ? null : previous.emergency(),
            previous == null ? null : previous.capacityFloor(),
            generation,
            history,
            now);
    return new Automation(
        desired,
        table,
        observed,
        emergency,
        observed.freshReading().orElse(last),
        PartitionInsight.estimate(
            previous == null ? null : previous.partitions(), table, observed.freshReading()));
  }

  /**
   * The automation conditions a status does not have yet, as Unknown until the table is ACTIVE and
   * managed.
   */
  private static List<ConditionStatus> firstVisit(RateLimiterTableStatus previous) {
    List<String> known =
        previous == null || previous.conditions() == null
            ? List.of()
            : previous.conditions().stream().map(Condition::getType).toList();
    return AutomationArea.conditionTypes().stream()
        .filter(type -> !known.contains(type))
        .map(
            type ->
                ConditionStatus.unknown(
                    type, "TableNotManaged", "checked once the table is ACTIVE and managed"))
        .toList();
  }

  /**
   * A pass's automation: what was observed, what the emergency runbook decided, the diagnosis
   * reading in effect and the partition estimate.
   */
  private record Automation(
      DesiredTable desired,
      ObservedTable table,
      ObservedAutomation observed,
      EmergencyPlan emergency,
      ThrottleReading reading,
      PartitionStatus partitions) {

    /**
     * {@code area}'s plan, for a table that is provisioned when its calls run or not; an area that
     * could not be observed plans nothing.
     */
    Section plan(SyncedArea<?> area, boolean provisioned, Instant now) {
      return observed.plan(area, new AreaInputs(desired, table, emergency, provisioned, now));
    }

    /** Whether the table is provisioned now. */
    boolean tableProvisioned() {
      return table.capacity().mode() == BillingMode.Provisioned;
    }

    /** Why parts of the automation could not be observed: the pass is not Synced and is retried. */
    List<AwsFailures.Failure> observationFailures() {
      List<AwsFailures.Failure> failed = new ArrayList<>();
      AutomationArea.synced()
          .forEach(area -> observed.reading(area).failed().ifPresent(failed::add));
      observed.metrics().flatMap(Reading::failed).ifPresent(failed::add);
      return failed;
    }

    /** Whether the table is provisioned and stays so in this pass. */
    boolean provisioned(DesiredTable effective) {
      return table.capacity().mode() == BillingMode.Provisioned
          && effective.capacity().mode() == BillingMode.Provisioned;
    }

    /** The reported areas' conditions (Throttling, HotPartitionRisk). */
    List<ConditionStatus> observations(List<EntityDemand> demands) {
      AutomationFacts facts =
          new AutomationFacts(table, observed, emergency, reading, partitions, demands);
      return AutomationArea.reported().stream().map(area -> area.condition(facts)).toList();
    }

    /** The next diagnosis reading or the emergency's next step, whichever comes first. */
    Optional<Instant> wakeAt(Instant now) {
      Instant nextReading =
          reading == null
              ? now.plus(desired.automation().diagnosisInterval())
              : ThrottleQueries.nextReading(reading, desired.automation().diagnosisInterval(), now);
      // A reading already due failed in this pass; its failure schedules the retry.
      return earliest(
          emergency.wakeAt(),
          nextReading.isAfter(now) ? Optional.of(nextReading) : Optional.empty());
    }
  }

  /**
   * Says where planned capacity comes from: the runtime's measured costs, not the runbook's
   * estimate.
   */
  private static ConditionStatus withCapacityBasis(
      ConditionStatus condition, RateLimiterTable resource, List<EntityDemand> demands) {
    CapacityPlan plan = resource.getSpec().billing().plan();
    if (plan == null || !condition.type().equals(ConditionTypes.CAPACITY_SYNCED)) {
      return condition;
    }
    ReservationCredit credit = ReservationCredit.of(plan.requestsPerSecond(), demands);
    return new ConditionStatus(
        condition.type(),
        condition.status(),
        condition.reason(),
        condition.message() + " (" + CapacityPlanner.explain(plan, credit) + ")");
  }

  private Result failed(
      RateLimiterTableStatus previous,
      long generation,
      DesiredTable desired,
      String region,
      AwsFailures.Failure failure,
      Instant now) {
    return new Result(
        withConditions(previous, generation, failureConditions(failure), now),
        List.of(event(failure)),
        Optional.of(retryAt(failure, now)),
        Optional.of(desired),
        region);
  }

  private static List<ConditionStatus> failureConditions(AwsFailures.Failure failure) {
    if (failure instanceof AwsFailures.Deferred deferred) {
      Deferral d = deferred.deferral();
      return List.of(
          ConditionStatus.isFalse(ConditionTypes.CAPACITY_SYNCED, d.reason(), d.message()),
          ConditionStatus.isFalse(ConditionTypes.READY, d.reason(), d.message()),
          synced(failure));
    }
    if (failure instanceof AwsFailures.Terminal) {
      return List.of(
          ConditionStatus.isFalse(ConditionTypes.READY, failure.reason(), failure.message()),
          synced(failure));
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
    return failure instanceof AwsFailures.Terminal
        ? now.plus(Duration.ofHours(1))
        : now.plus(TRANSIENT_RETRY);
  }

  private static Event event(AwsFailures.Failure failure) {
    return new Event(
        !(failure instanceof AwsFailures.Deferred), failure.reason(), failure.message());
  }

  private static Optional<Instant> earliest(Optional<Instant> a, Optional<Instant> b) {
    return a.isEmpty()
        ? b
        : b.isEmpty() ? a : Optional.of(a.get().isBefore(b.get()) ? a.get() : b.get());
  }

  private static List<BillingModeSwitch> recorded(RateLimiterTableStatus status) {
    return status == null || status.billingModeSwitches() == null
        ? List.of()
        : status.billingModeSwitches();
  }

  /**
   * {@code previous} with {@code switches}, and the emergency episode this pass starts or
   * continues, so that what the next pass relies on survives a lost status write.
   */
  private static RateLimiterTableStatus withSwitches(
      RateLimiterTableStatus previous, List<BillingModeSwitch> switches, Automation automation) {
    TableStatusAssembly status = TableStatusAssembly.from(previous).billingModeSwitches(switches);
    if (automation != null) {
      status
          .emergency(automation.emergency().episode())
          .capacityFloor(automation.emergency().floor());
    }
    return status.build();
  }

  private static RateLimiterTableStatus status(
      RateLimiterTableStatus previous,
      long generation,
      DesiredTable desired,
      Optional<ObservedTable> observed,
      List<BillingModeSwitch> switches,
      Duration cooldown,
      List<ConditionStatus> conditions,
      Automation automation,
      Instant now) {
    ObservedTable table = observed.orElse(null);
    TableStatusAssembly status =
        TableStatusAssembly.from(previous)
            .observedGeneration(generation)
            .billingModeSwitches(switches)
            .conditions(conditions, generation, now);
    if (table == null) {
      status
          .table(desired.name(), null, null, null, null, null)
          .nextBillingModeSwitchAllowedAt(null)
          .decreases(null);
    } else {
      BillingMode mode = table.capacity().mode();
      Throughput units = table.capacity().table();
      status.table(
          desired.name(),
          table.arn(),
          table.status(),
          mode,
          units == null ? null : units.read(),
          units == null ? null : units.write());
      BillingMode other =
          mode == BillingMode.Provisioned ? BillingMode.OnDemand : BillingMode.Provisioned;
      status.nextBillingModeSwitchAllowedAt(
          BillingSwitchGuard.check(
                  other,
                  SwitchRecords.forGuard(switches),
                  Optional.ofNullable(table.capacity().lastSwitchToOnDemand()),
                  cooldown,
                  now)
              .map(d -> d.until().toString())
              .orElse(null));
      var tableDecreases = table.capacity().tableDecreases();
      status.decreases(
          new DecreaseQuotaStatus(
              tableDecreases.today(),
              tableDecreases.last() == null ? null : tableDecreases.last().toString(),
              DecreaseQuota.check("table", tableDecreases.today(), tableDecreases.last(), now)
                  .map(d -> d.until().toString())
                  .orElse(null)));
    }
    if (automation != null) {
      // Without automation (the table is not ACTIVE and managed) the previous readings and episode
      // stay.
      status
          .observed(automation.reading())
          .emergency(automation.emergency().episode())
          .capacityFloor(automation.emergency().floor())
          .partitions(automation.partitions())
          .alarmNames(
              AlarmPlanner.names(
                  table.name(),
                  desired.owner(),
                  table.indexNames(),
                  desired.automation().alarms(),
                  automation.provisioned(desired.withCapacity(automation.emergency().capacity()))));
    }
    return status.build();
  }

  /**
   * {@code previous} (or an empty status) with {@code conditions} merged in for {@code generation}.
   */
  public static RateLimiterTableStatus withConditions(
      RateLimiterTableStatus previous,
      long generation,
      List<ConditionStatus> conditions,
      Instant now) {
    return TableStatusAssembly.from(previous)
        .observedGeneration(generation)
        .conditions(conditions, generation, now)
        .build();
  }
}
