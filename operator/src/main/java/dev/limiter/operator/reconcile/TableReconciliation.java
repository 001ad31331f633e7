package dev.limiter.operator.reconcile;

import dev.limiter.operator.api.BillingMode;
import dev.limiter.operator.api.BillingModeSwitch;
import dev.limiter.operator.api.CapacityPlan;
import dev.limiter.operator.api.DecreaseQuotaStatus;
import dev.limiter.operator.api.RateLimiterTable;
import dev.limiter.operator.api.RateLimiterTableStatus;
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
import dev.limiter.operator.plan.TablePlanner;
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

  /** Retry delay after AWS could not be reached. */
  public static final Duration TRANSIENT_RETRY = Duration.ofSeconds(30);

  private final Function<String, DynamoDbTables> tablesInRegion;
  private final String defaultRegion;

  /** A reconciliation reaching each region's DynamoDB through {@code tablesInRegion}. */
  public TableReconciliation(Function<String, DynamoDbTables> tablesInRegion, String defaultRegion) {
    this.tablesInRegion = tablesInRegion;
    this.defaultRegion = defaultRegion;
  }

  /**
   * The outcome of a pass.
   *
   * @param status the status to write
   * @param events messages for Kubernetes events ({@code warning} marks failures)
   * @param wakeAt when to reconcile again at the latest; empty for the regular resync
   * @param table the resolved table, empty when the spec is invalid
   * @param region the resolved region
   */
  public record Result(RateLimiterTableStatus status, List<Event> events, Optional<Instant> wakeAt,
                       Optional<DesiredTable> table, String region) {}

  /** A Kubernetes event to emit. */
  public record Event(boolean warning, String reason, String message) {}

  /** Runs the pass for {@code resource} at {@code now}. */
  public Result reconcile(RateLimiterTable resource, Instant now) {
    RateLimiterTableStatus previous = resource.getStatus();
    long generation = resource.getMetadata().getGeneration() == null ? 0 : resource.getMetadata().getGeneration();
    DesiredTables.Resolution resolution = DesiredTables.resolve(resource, defaultRegion);
    if (resolution instanceof DesiredTables.Invalid invalid) {
      List<ConditionStatus> conditions = List.of(
          ConditionStatus.isFalse(TablePlanner.READY, "InvalidSpec", invalid.message()),
          ConditionStatus.isFalse("Synced", "InvalidSpec", invalid.message()));
      return new Result(withConditions(previous, generation, conditions, now), List.of(new Event(true, "InvalidSpec", invalid.message())),
          Optional.empty(), Optional.empty(), null);
    }
    DesiredTables.Resolved resolved = (DesiredTables.Resolved) resolution;
    DesiredTable desired = resolved.table();
    List<BillingSwitchGuard.Switch> history = history(previous);

    DynamoDbTables tables = tablesInRegion.apply(resolved.region());
    Optional<ObservedTable> observed;
    try {
      observed = new TableObserver(tables).observe(desired.name());
    } catch (SdkException e) {
      AwsFailures.Failure failure = AwsFailures.classify("describe table " + desired.name(), e, now);
      return failed(previous, generation, desired, resolved.region(), failure, now);
    }
    TablePlan plan = TablePlanner.plan(desired, observed, history, now);
    TableActuator.Outcome outcome = new TableActuator(tables).apply(desired.name(), observed.map(ObservedTable::arn).orElse(null),
        plan.actions(), now);

    List<Event> events = new ArrayList<>();
    plan.events().forEach(message -> events.add(new Event(plan.terminal(), plan.terminal() ? "TableConflict" : "Reconcile", message)));
    List<ConditionStatus> conditions = new ArrayList<>(plan.conditions().stream()
        .map(condition -> withCapacityBasis(condition, resource))
        .toList());
    Optional<Instant> wakeAt = plan.wakeAt();
    List<BillingSwitchGuard.Switch> nextHistory = new ArrayList<>(history);
    if (outcome.complete()) {
      plan.switchMade().ifPresent(s -> nextHistory.add(new BillingSwitchGuard.Switch(Instant.parse(s.at()), s.to())));
      conditions.add(ConditionStatus.isTrue("Synced", "ReconcileSucceeded", "the last reconcile succeeded"));
    } else {
      AwsFailures.Failure failure = outcome.failure().orElseThrow();
      wakeAt = Optional.of(retryAt(failure, now));
      conditions.addAll(failureConditions(failure));
      events.add(event(failure));
    }
    Duration cooldown = desired.capacity().switchCooldown();
    List<BillingSwitchGuard.Switch> kept = BillingSwitchGuard.prune(nextHistory, cooldown, now);
    RateLimiterTableStatus status = status(previous, generation, desired, observed, kept, cooldown, conditions, now);
    return new Result(status, events, wakeAt, Optional.of(desired), resolved.region());
  }

  /** Says where planned capacity comes from: the runtime's measured costs, not the runbook's estimate. */
  private static ConditionStatus withCapacityBasis(ConditionStatus condition, RateLimiterTable resource) {
    CapacityPlan plan = resource.getSpec().billing().plan();
    if (plan == null || !condition.type().equals(TablePlanner.CAPACITY_SYNCED)) {
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
      return List.of(ConditionStatus.isFalse(TablePlanner.CAPACITY_SYNCED, d.reason(), d.message()),
          ConditionStatus.isFalse(TablePlanner.READY, d.reason(), d.message()),
          ConditionStatus.isTrue("Synced", "Deferred", d.message()));
    }
    if (failure instanceof AwsFailures.Terminal terminal) {
      return List.of(ConditionStatus.isFalse(TablePlanner.READY, terminal.reason(), terminal.message()),
          ConditionStatus.isFalse("Synced", terminal.reason(), terminal.message()));
    }
    AwsFailures.Transient problem = (AwsFailures.Transient) failure;
    return List.of(ConditionStatus.isFalse("Synced", problem.reason(), problem.message()));
  }

  private static Instant retryAt(AwsFailures.Failure failure, Instant now) {
    if (failure instanceof AwsFailures.Deferred deferred) {
      return deferred.deferral().until();
    }
    // A terminal refusal is retried rarely in case AWS's view changes; the spec usually must.
    return failure instanceof AwsFailures.Terminal ? now.plus(Duration.ofHours(1)) : now.plus(TRANSIENT_RETRY);
  }

  private static Event event(AwsFailures.Failure failure) {
    if (failure instanceof AwsFailures.Deferred deferred) {
      return new Event(false, deferred.deferral().reason(), deferred.deferral().message());
    }
    if (failure instanceof AwsFailures.Terminal terminal) {
      return new Event(true, terminal.reason(), terminal.message());
    }
    AwsFailures.Transient problem = (AwsFailures.Transient) failure;
    return new Event(true, problem.reason(), problem.message());
  }

  private static List<BillingSwitchGuard.Switch> history(RateLimiterTableStatus status) {
    if (status == null || status.billingModeSwitches() == null) {
      return List.of();
    }
    return status.billingModeSwitches().stream()
        .map(s -> new BillingSwitchGuard.Switch(Instant.parse(s.at()), s.to()))
        .toList();
  }

  private static RateLimiterTableStatus status(RateLimiterTableStatus previous, long generation, DesiredTable desired,
                                               Optional<ObservedTable> observed, List<BillingSwitchGuard.Switch> history,
                                               Duration cooldown, List<ConditionStatus> conditions, Instant now) {
    List<Condition> merged = Conditions.merge(previous == null ? null : previous.conditions(), conditions, generation, now);
    ObservedTable table = observed.orElse(null);
    BillingMode mode = table == null ? null : table.capacity().mode();
    String nextSwitch = null;
    DecreaseQuotaStatus decreases = null;
    if (table != null) {
      BillingMode other = mode == BillingMode.Provisioned ? BillingMode.OnDemand : BillingMode.Provisioned;
      nextSwitch = BillingSwitchGuard.check(other, history, Optional.ofNullable(table.capacity().lastSwitchToOnDemand()), cooldown, now)
          .map(d -> d.until().toString()).orElse(null);
      var tableDecreases = table.capacity().tableDecreases();
      decreases = new DecreaseQuotaStatus(tableDecreases.today(),
          tableDecreases.last() == null ? null : tableDecreases.last().toString(),
          DecreaseQuota.check("table", tableDecreases.today(), tableDecreases.last(), now).map(d -> d.until().toString()).orElse(null));
    }
    return new RateLimiterTableStatus(
        generation,
        desired.name(),
        table == null ? null : table.arn(),
        table == null ? null : table.status(),
        mode,
        table == null || table.capacity().table() == null ? null : table.capacity().table().read(),
        table == null || table.capacity().table() == null ? null : table.capacity().table().write(),
        history.stream().map(s -> new BillingModeSwitch(s.at().toString(), s.to(), "spec")).toList(),
        nextSwitch,
        decreases,
        merged);
  }

  /** {@code previous} (or an empty status) with {@code conditions} merged in for {@code generation}. */
  static RateLimiterTableStatus withConditions(RateLimiterTableStatus previous, long generation,
                                                       List<ConditionStatus> conditions, Instant now) {
    RateLimiterTableStatus base = previous != null ? previous
        : new RateLimiterTableStatus(null, null, null, null, null, null, null, List.of(), null, null, List.of());
    return new RateLimiterTableStatus(generation, base.tableName(), base.tableArn(), base.tableStatus(), base.billingMode(),
        base.readCapacityUnits(), base.writeCapacityUnits(), base.billingModeSwitches(), base.nextBillingModeSwitchAllowedAt(),
        base.decreases(), Conditions.merge(base.conditions(), conditions, generation, now));
  }
}
