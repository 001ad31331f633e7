package dev.limiter.operator.controller;

import dev.limiter.operator.api.CrdSchema;
import dev.limiter.operator.api.DeletionPolicy;
import dev.limiter.operator.api.EntityHierarchy;
import dev.limiter.operator.api.EntityHierarchySpec;
import dev.limiter.operator.api.RateLimiterTable;
import dev.limiter.operator.api.RateLimiterTableStatus;
import dev.limiter.operator.aws.AwsAccess;
import dev.limiter.operator.config.OperatorSettings;
import dev.limiter.operator.metrics.ReconcileMetrics;
import dev.limiter.operator.plan.AwsFailures;
import dev.limiter.operator.plan.ConditionStatus;
import dev.limiter.operator.plan.DeletionPlan;
import dev.limiter.operator.plan.DeletionPlanner;
import dev.limiter.operator.plan.DesiredTable;
import dev.limiter.operator.plan.DesiredTables;
import dev.limiter.operator.plan.ObservedTable;
import dev.limiter.operator.plan.TablePlanner;
import dev.limiter.operator.plan.WorkloadConfigMap;
import dev.limiter.operator.plan.automation.EntityDemand;
import dev.limiter.operator.plan.automation.EntityDemands;
import dev.limiter.operator.plan.automation.ObservedAutomation;
import dev.limiter.operator.reconcile.AutomationActuator;
import dev.limiter.operator.reconcile.AutomationObserver;
import dev.limiter.operator.reconcile.TableActuator;
import dev.limiter.operator.reconcile.TableObserver;
import dev.limiter.operator.reconcile.TableReconciliation;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * The Kubernetes side of a RateLimiterTable: runs a {@link TableReconciliation}, writes the status,
 * the events and the workloads' ConfigMap, schedules the next pass, and on deletion applies the
 * deletion policy.
 */
@ControllerConfiguration(name = "ratelimitertable")
public class RateLimiterTableReconciler implements Reconciler<RateLimiterTable>, Cleaner<RateLimiterTable> {

  private static final Logger LOG = LoggerFactory.getLogger(RateLimiterTableReconciler.class);

  private final AwsAccess aws;
  private final OperatorSettings settings;
  private final Clock clock;
  private final TableReconciliation reconciliation;
  private final ReconcileMetrics metrics;
  private final KubernetesEvents events;

  /** A reconciler reaching each region through {@code aws}, recording into {@code metrics}. */
  public RateLimiterTableReconciler(AwsAccess aws, OperatorSettings settings, Clock clock, ReconcileMetrics metrics) {
    this.aws = aws;
    this.settings = settings;
    this.clock = clock;
    this.metrics = metrics;
    this.events = new KubernetesEvents(metrics);
    this.reconciliation = new TableReconciliation(aws, settings.defaultRegion(), settings.tablePolicy());
  }

  @Override
  public UpdateControl<RateLimiterTable> reconcile(RateLimiterTable cached, Context<RateLimiterTable> context) {
    try {
      return pass(cached, context);
    } catch (RuntimeException e) {
      if (Conflicts.isConflict(e)) {
        LOG.info("RateLimiterTable {} changed during the pass ({}); looking again", key(cached), e.getMessage());
        return UpdateControl.<RateLimiterTable>noUpdate().rescheduleAfter(Conflicts.RETRY);
      }
      LOG.error("reconcile of RateLimiterTable {} failed", key(cached), e);
      FailedPass failed = new FailedPass(e);
      KubernetesClient client = context.getClient();
      Instant now = clock.instant();
      RateLimiterTable resource = Optional.ofNullable(client.resources(RateLimiterTable.class)
          .inNamespace(cached.getMetadata().getNamespace()).withName(cached.getMetadata().getName()).get()).orElse(cached);
      patchConditions(client, resource, failed.conditions(), now);
      emit(client, resource, failed.event(), now);
      return UpdateControl.<RateLimiterTable>noUpdate().rescheduleAfter(FailedPass.RETRY);
    }
  }

  private UpdateControl<RateLimiterTable> pass(RateLimiterTable cached, Context<RateLimiterTable> context) {
    Instant now = clock.instant();
    KubernetesClient client = context.getClient();
    // The guard decides from the switch history in status: read it from the API server, not from an
    // informer cache that may not hold the previous pass's status yet.
    RateLimiterTable resource = Optional.ofNullable(client.resources(RateLimiterTable.class)
        .inNamespace(cached.getMetadata().getNamespace()).withName(cached.getMetadata().getName()).get()).orElse(cached);
    TableReconciliation.Result result = reconciliation.reconcile(resource, demands(client, resource),
        intended -> recordIntent(client, resource, intended), now);
    result.events().forEach(event -> emit(client, resource, event, now));
    RateLimiterTableStatus status = result.table()
        .map(table -> withConfigMap(result.status(), publishConfigMap(client, resource, table.name(), result.region()), now))
        .orElse(result.status());
    writeStatus(client, resource, status);
    metrics.switchDeferred(key(resource), status.conditions().stream().anyMatch(c ->
        TablePlanner.BILLING_MODE_COOLDOWN.equals(c.getType()) && "True".equals(c.getStatus())));
    // The status is written above, against the API server's copy: the SDK would patch it as a diff
    // from its informer's copy, which the intent written during the pass has made stale.
    UpdateControl<RateLimiterTable> control = UpdateControl.noUpdate();
    return control.rescheduleAfter(NextPass.after(now, result.wakeAt(), settings.resync()));
  }

  /**
   * Writes what the pass is about to do before it does it, locked on the version the pass read: a
   * conflict or any failure stops the pass before the AWS call.
   */
  private static void recordIntent(KubernetesClient client, RateLimiterTable resource, RateLimiterTableStatus intended) {
    resource.setStatus(intended);
    RateLimiterTable written = client.resource(resource).updateStatus();
    resource.getMetadata().setResourceVersion(written.getMetadata().getResourceVersion());
  }

  /** Replaces the status with {@code next}, as a patch computed from the API server's current copy. */
  private static void writeStatus(KubernetesClient client, RateLimiterTable resource, RateLimiterTableStatus next) {
    resource.setStatus(next);
    client.resources(RateLimiterTable.class).inNamespace(resource.getMetadata().getNamespace())
        .withName(resource.getMetadata().getName())
        .editStatus(current -> {
          current.setStatus(next);
          return current;
        });
  }

  @Override
  public DeleteControl cleanup(RateLimiterTable resource, Context<RateLimiterTable> context) {
    metrics.switchDeferred(key(resource), false);
    Instant now = clock.instant();
    KubernetesClient client = context.getClient();
    DeletionPolicy policy = resource.getSpec() == null ? DeletionPolicy.Retain : resource.getSpec().deletionPolicyOrDefault();
    DesiredTables.Resolution resolution = DesiredTables.resolve(resource, settings.defaultRegion(), settings.tablePolicy());
    if (resolution instanceof DesiredTables.Invalid invalid) {
      String table = resource.getStatus() == null ? null : resource.getStatus().tableName();
      return execute(client, resource, DeletionPlanner.unresolved(table, policy, invalid.message()), null, null, null, now);
    }
    DesiredTables.Resolved resolved = (DesiredTables.Resolved) resolution;
    DesiredTable desired = resolved.table();
    DeletionPlan plan;
    Optional<ObservedTable> observed = Optional.empty();
    try {
      if (policy == DeletionPolicy.Delete) {
        observed = new TableObserver(aws.tables().apply(resolved.region())).observe(desired.name());
      }
      Optional<ObservedAutomation> automation = DeletionPlanner.needsAutomation(desired, policy, observed)
          ? Optional.of(new AutomationObserver(aws, resolved.region()).observe(observed.get(), false, Duration.ZERO, now))
          : Optional.empty();
      plan = DeletionPlanner.plan(desired, policy, observed, automation);
    } catch (SdkException e) {
      AwsFailures.Failure failure = AwsFailures.classify("describe table " + desired.name(), e, now);
      emit(client, resource, new TableReconciliation.Event(true, failure.reason(), failure.message()), now);
      return DeleteControl.noFinalizerRemoval().rescheduleAfter(DeletionPlanner.RETRY.toMillis());
    }
    return execute(client, resource, plan, resolved.region(), desired.name(), observed.map(ObservedTable::arn).orElse(null), now);
  }

  /** Act on a deletion plan: automation first, then the table; events and conditions once the calls succeeded. */
  private DeleteControl execute(KubernetesClient client, RateLimiterTable resource, DeletionPlan plan, String region,
                                String tableName, String arn, Instant now) {
    Optional<AwsFailures.Failure> failure = Optional.empty();
    if (!plan.automation().isEmpty()) {
      failure = new AutomationActuator(aws, region).apply(plan.automation(), now).map(f -> new AwsFailures.Transient(
          "DeletionWaiting", "the table is deleted once its autoscaling and alarms are removed: " + f.message()));
    }
    if (failure.isEmpty() && !plan.table().isEmpty()) {
      failure = new TableActuator(aws.tables().apply(region)).apply(tableName, arn, plan.table(), now).failure();
    }
    if (failure.isPresent()) {
      emit(client, resource, new TableReconciliation.Event(true, failure.get().reason(), failure.get().message()), now);
      return DeleteControl.noFinalizerRemoval().rescheduleAfter(DeletionPlanner.RETRY.toMillis());
    }
    plan.events().forEach(event -> emit(client, resource, new TableReconciliation.Event(event.warning(), event.reason(),
        event.message()), now));
    if (!plan.conditions().isEmpty()) {
      patchConditions(client, resource, plan.conditions(), now);
    }
    if (plan.release()) {
      return DeleteControl.defaultDelete();
    }
    return DeleteControl.noFinalizerRemoval()
        .rescheduleAfter(plan.checkAgainIn().orElse(settings.resync()).toMillis());
  }

  /**
   * Creates or updates the workloads' ConfigMap; one by that name that the resource does not own is
   * left untouched. Returns the ConfigMap's condition.
   */
  private ConditionStatus publishConfigMap(KubernetesClient client, RateLimiterTable resource, String tableName, String region) {
    Map<String, String> data = new LinkedHashMap<>();
    data.put("LIMITER_TABLE_NAME", tableName);
    data.put("AWS_REGION", region);
    if (settings.endpoint() != null) {
      data.put("LIMITER_ENDPOINT_URL", settings.endpoint().toString());
    }
    String name = WorkloadConfigMap.name(resource.getMetadata().getName());
    String namespace = resource.getMetadata().getNamespace();
    ConfigMap existing = client.configMaps().inNamespace(namespace).withName(name).get();
    if (existing != null && !WorkloadConfigMap.ownedBy(existing, resource.getMetadata().getUid())) {
      return WorkloadConfigMap.conflict(namespace, name);
    }
    if (existing != null && data.equals(existing.getData())) {
      return WorkloadConfigMap.published(name);
    }
    ConfigMap configMap = new ConfigMapBuilder()
        .withNewMetadata()
          .withName(name)
          .withNamespace(namespace)
          .withResourceVersion(existing == null ? null : existing.getMetadata().getResourceVersion())
          .withLabels(Map.of("app.kubernetes.io/managed-by", "limiter-operator"))
          .withOwnerReferences(new OwnerReferenceBuilder()
              .withApiVersion(resource.getApiVersion())
              .withKind(resource.getKind())
              .withName(resource.getMetadata().getName())
              .withUid(resource.getMetadata().getUid())
              .withController(true)
              .withBlockOwnerDeletion(true)
              .build())
        .endMetadata()
        .withData(data)
        .build();
    if (existing == null) {
      client.configMaps().inNamespace(namespace).resource(configMap).create();
    } else {
      // Locked on the version read: a ConfigMap someone took over in between is not overwritten.
      client.configMaps().inNamespace(namespace).resource(configMap).update();
    }
    return WorkloadConfigMap.published(name);
  }

  /** {@code status} with the ConfigMap's condition; a ConfigMap in conflict holds an otherwise Ready table back. */
  private static RateLimiterTableStatus withConfigMap(RateLimiterTableStatus status, ConditionStatus configMap, Instant now) {
    List<ConditionStatus> conditions = new ArrayList<>(List.of(configMap));
    boolean ready = status.conditions().stream().anyMatch(c -> TablePlanner.READY.equals(c.getType()) && "True".equals(c.getStatus()));
    if (ready && !configMap.holds()) {
      conditions.add(ConditionStatus.isFalse(TablePlanner.READY, configMap.reason(), configMap.type() + ": " + configMap.message()));
    }
    long generation = status.observedGeneration() == null ? 0 : status.observedGeneration();
    return TableReconciliation.withConditions(status, generation, conditions, now);
  }

  private static void patchConditions(KubernetesClient client, RateLimiterTable resource, List<ConditionStatus> conditions,
                                      Instant now) {
    long generation = resource.getMetadata().getGeneration() == null ? 0 : resource.getMetadata().getGeneration();
    writeStatus(client, resource, TableReconciliation.withConditions(resource.getStatus(), generation, conditions, now));
  }

  /** The declared traffic of the entities of every EntityHierarchy that uses this table. */
  private static List<EntityDemand> demands(KubernetesClient client, RateLimiterTable resource) {
    String name = resource.getMetadata().getName();
    List<EntityDemand> demands = new ArrayList<>();
    for (EntityHierarchy hierarchy : client.resources(EntityHierarchy.class).inNamespace(resource.getMetadata().getNamespace())
        .list().getItems()) {
      EntityHierarchySpec spec = hierarchy.getSpec();
      // A hierarchy whose spec the schema refuses declares nothing: it is its own InvalidSpec to report.
      if (spec != null && spec.tableRef() != null && name.equals(spec.tableRef().name())
          && CrdSchema.specViolations(hierarchy).isEmpty()) {
        demands.addAll(EntityDemands.of(hierarchy.getMetadata().getName(), spec));
      }
    }
    return demands;
  }

  private static String key(RateLimiterTable resource) {
    return resource.getMetadata().getNamespace() + "/" + resource.getMetadata().getName();
  }

  private void emit(KubernetesClient client, RateLimiterTable resource, TableReconciliation.Event event, Instant now) {
    events.emit(client, resource, event, now);
  }
}
