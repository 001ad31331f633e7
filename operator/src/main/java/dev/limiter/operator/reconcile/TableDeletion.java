package dev.limiter.operator.reconcile;

import dev.limiter.operator.api.DeletionPolicy;
import dev.limiter.operator.api.RateLimiterTable;
import dev.limiter.operator.aws.AwsAccess;
import dev.limiter.operator.plan.AwsFailures;
import dev.limiter.operator.plan.ConditionStatus;
import dev.limiter.operator.plan.DeletionPlan;
import dev.limiter.operator.plan.DeletionPlanner;
import dev.limiter.operator.plan.DesiredTable;
import dev.limiter.operator.plan.DesiredTables;
import dev.limiter.operator.plan.ObservedTable;
import dev.limiter.operator.plan.TablePolicy;
import dev.limiter.operator.plan.automation.ObservedAutomation;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * One deletion pass of a RateLimiterTable without Kubernetes I/O: observe the table (and its
 * automation when it is about to go), plan with {@link DeletionPlanner}, act (automation first,
 * then the table), and say what to report and whether the resource may go.
 */
public final class TableDeletion {

  private final AwsAccess aws;
  private final String defaultRegion;
  private final TablePolicy policy;

  /**
   * A deletion reaching each region's services through {@code aws}, under the operator's {@code
   * policy}.
   */
  public TableDeletion(AwsAccess aws, String defaultRegion, TablePolicy policy) {
    this.aws = aws;
    this.defaultRegion = defaultRegion;
    this.policy = policy;
  }

  /**
   * The outcome of a deletion pass.
   *
   * @param events events to emit
   * @param conditions conditions to write on the resource while it is kept (empty: no status write)
   * @param release whether the finalizer may be removed
   * @param checkAgainIn when to look again while the resource is kept; empty for the regular resync
   */
  public record Outcome(
      List<TableReconciliation.Event> events,
      List<ConditionStatus> conditions,
      boolean release,
      Optional<Duration> checkAgainIn) {

    /** Copies the lists. */
    public Outcome {
      events = List.copyOf(events);
      conditions = List.copyOf(conditions);
    }

    private static Outcome retry(AwsFailures.Failure failure) {
      return new Outcome(
          List.of(new TableReconciliation.Event(true, failure.reason(), failure.message())),
          List.of(),
          false,
          Optional.of(DeletionPlanner.RETRY));
    }
  }

  /** Runs the deletion pass for {@code resource} at {@code now}. */
  public Outcome delete(RateLimiterTable resource, Instant now) {
    DeletionPolicy deletionPolicy =
        resource.getSpec() == null
            ? DeletionPolicy.Retain
            : resource.getSpec().deletionPolicyOrDefault();
    DesiredTables.Resolution resolution = DesiredTables.resolve(resource, defaultRegion, policy);
    if (resolution instanceof DesiredTables.Invalid invalid) {
      String table = resource.getStatus() == null ? null : resource.getStatus().tableName();
      return act(
          DeletionPlanner.unresolved(table, deletionPolicy, invalid.message()),
          null,
          null,
          null,
          now);
    }
    DesiredTables.Resolved resolved = (DesiredTables.Resolved) resolution;
    DesiredTable desired = resolved.table();
    DeletionPlan plan;
    Optional<ObservedTable> observed = Optional.empty();
    try {
      if (deletionPolicy == DeletionPolicy.Delete) {
        observed = new TableObserver(aws.tables().apply(resolved.region())).observe(desired.name());
      }
      Optional<ObservedAutomation> automation =
          DeletionPlanner.needsAutomation(desired, deletionPolicy, observed)
              ? Optional.of(
                  new AutomationObserver(aws, resolved.region())
                      .observe(observed.get(), AutomationArea.synced(), false, Duration.ZERO, now))
              : Optional.empty();
      plan = DeletionPlanner.plan(desired, deletionPolicy, observed, automation);
    } catch (SdkException e) {
      return Outcome.retry(AwsFailures.classify("describe table " + desired.name(), e, now));
    }
    return act(
        plan,
        resolved.region(),
        desired.name(),
        observed.map(ObservedTable::arn).orElse(null),
        now);
  }

  /**
   * Acts on {@code plan}: automation first, then the table; its events and conditions once the
   * calls succeeded.
   */
  private Outcome act(DeletionPlan plan, String region, String tableName, String arn, Instant now) {
    Optional<AwsFailures.Failure> failure = Optional.empty();
    if (!plan.automation().isEmpty()) {
      failure =
          new AutomationActuator(aws, region)
              .apply(plan.automation(), now)
              .map(
                  f ->
                      new AwsFailures.Transient(
                          "DeletionWaiting",
                          "the table is deleted once its autoscaling and alarms are removed: "
                              + f.message()));
    }
    if (failure.isEmpty() && !plan.table().isEmpty()) {
      failure =
          new TableActuator(aws.tables().apply(region))
              .apply(tableName, arn, plan.table(), now)
              .failure();
    }
    if (failure.isPresent()) {
      return Outcome.retry(failure.get());
    }
    List<TableReconciliation.Event> events =
        plan.events().stream()
            .map(
                event ->
                    new TableReconciliation.Event(event.warning(), event.reason(), event.message()))
            .toList();
    return new Outcome(events, plan.conditions(), plan.release(), plan.checkAgainIn());
  }
}
