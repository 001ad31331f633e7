package dev.limiter.operator.controller;

import dev.limiter.operator.api.ConditionTypes;
import dev.limiter.operator.api.CrdSchema;
import dev.limiter.operator.api.EntityHierarchy;
import dev.limiter.operator.api.EntityHierarchySpec;
import dev.limiter.operator.api.RateLimiterTable;
import dev.limiter.operator.api.RateLimiterTableStatus;
import dev.limiter.operator.api.StatusConditions;
import dev.limiter.operator.aws.AwsAccess;
import dev.limiter.operator.config.OperatorSettings;
import dev.limiter.operator.metrics.ReconcileMetrics;
import dev.limiter.operator.plan.ConditionStatus;
import dev.limiter.operator.plan.WorkloadConfigMap;
import dev.limiter.operator.plan.automation.EntityDemand;
import dev.limiter.operator.plan.automation.EntityDemands;
import dev.limiter.operator.reconcile.TableDeletion;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kubernetes side of a RateLimiterTable: runs a {@link TableReconciliation}, writes the status,
 * the events and the workloads' ConfigMap, schedules the next pass, and on deletion runs a {@link
 * TableDeletion} and reports it.
 */
@ControllerConfiguration(name = "ratelimitertable")
public class RateLimiterTableReconciler
    implements Reconciler<RateLimiterTable>, Cleaner<RateLimiterTable> {

  private static final Logger LOG = LoggerFactory.getLogger(RateLimiterTableReconciler.class);

  private final OperatorSettings settings;
  private final Clock clock;
  private final TableReconciliation reconciliation;
  private final TableDeletion deletion;
  private final ReconcileMetrics metrics;
  private final KubernetesEvents events;

  /** A reconciler reaching each region through {@code aws}, recording into {@code metrics}. */
  public RateLimiterTableReconciler(
      AwsAccess aws, OperatorSettings settings, Clock clock, ReconcileMetrics metrics) {
    this.settings = settings;
    this.clock = clock;
    this.metrics = metrics;
    this.events = new KubernetesEvents(metrics);
    this.reconciliation =
        new TableReconciliation(aws, settings.defaultRegion(), settings.tablePolicy());
    this.deletion = new TableDeletion(aws, settings.defaultRegion(), settings.tablePolicy());
  }

  @Override
  public UpdateControl<RateLimiterTable> reconcile(
      RateLimiterTable cached, Context<RateLimiterTable> context) {
    try {
      return pass(cached, context);
    } catch (RuntimeException e) {
      if (Conflicts.isConflict(e)) {
        LOG.info(
            "RateLimiterTable {} changed during the pass ({}); looking again",
            key(cached),
            e.getMessage());
        return UpdateControl.<RateLimiterTable>noUpdate().rescheduleAfter(Conflicts.RETRY);
      }
      LOG.error("reconcile of RateLimiterTable {} failed", key(cached), e);
      FailedPass failed = new FailedPass(e);
      KubernetesClient client = context.getClient();
      Instant now = clock.instant();
      RateLimiterTable resource =
          Optional.ofNullable(
                  client
                      .resources(RateLimiterTable.class)
                      .inNamespace(cached.getMetadata().getNamespace())
                      .withName(cached.getMetadata().getName())
                      .get())
              .orElse(cached);
      patchConditions(client, resource, failed.conditions(), now);
      emit(client, resource, failed.event(), now);
      return UpdateControl.<RateLimiterTable>noUpdate().rescheduleAfter(FailedPass.RETRY);
    }
  }

  private UpdateControl<RateLimiterTable> pass(
      RateLimiterTable cached, Context<RateLimiterTable> context) {
    Instant now = clock.instant();
    KubernetesClient client = context.getClient();
    // The guard decides from the switch history in status: read it from the API server, not from an
    // informer cache that may not hold the previous pass's status yet.
    RateLimiterTable resource =
        Optional.ofNullable(
                client
                    .resources(RateLimiterTable.class)
                    .inNamespace(cached.getMetadata().getNamespace())
                    .withName(cached.getMetadata().getName())
                    .get())
            .orElse(cached);
    TableReconciliation.Result result =
        reconciliation.reconcile(
            resource,
            demands(client, resource),
            intended -> recordIntent(client, resource, intended),
            now);
    result.events().forEach(event -> emit(client, resource, event, now));
    RateLimiterTableStatus status =
        result
            .table()
            .map(
                table ->
                    withConfigMap(
                        result.status(),
                        publishConfigMap(client, resource, table.name(), result.region()),
                        now))
            .orElse(result.status());
    writeStatus(client, resource, status);
    metrics.switchDeferred(
        key(resource),
        StatusConditions.isTrue(status.conditions(), ConditionTypes.BILLING_MODE_COOLDOWN));
    // The status is written above, against the API server's copy: the SDK would patch it as a diff
    // from its informer's copy, which the intent written during the pass has made stale.
    UpdateControl<RateLimiterTable> control = UpdateControl.noUpdate();
    return control.rescheduleAfter(NextPass.after(now, result.wakeAt(), settings.resync()));
  }

  /**
   * Writes what the pass is about to do before it does it, locked on the version the pass read: a
   * conflict or any failure stops the pass before the AWS call.
   */
  private static void recordIntent(
      KubernetesClient client, RateLimiterTable resource, RateLimiterTableStatus intended) {
    resource.setStatus(intended);
    RateLimiterTable written = client.resource(resource).updateStatus();
    resource.getMetadata().setResourceVersion(written.getMetadata().getResourceVersion());
  }

  /**
   * Replaces the status with {@code next}, as a patch computed from the API server's current copy;
   * a status that stores what this pass read or wrote is not written again (no new resourceVersion,
   * no watch event at every resync).
   */
  private static void writeStatus(
      KubernetesClient client, RateLimiterTable resource, RateLimiterTableStatus next) {
    if (StoredStatus.same(client.getKubernetesSerialization(), resource.getStatus(), next)) {
      return;
    }
    resource.setStatus(next);
    client
        .resources(RateLimiterTable.class)
        .inNamespace(resource.getMetadata().getNamespace())
        .withName(resource.getMetadata().getName())
        .editStatus(
            current -> {
              current.setStatus(next);
              return current;
            });
  }

  @Override
  public DeleteControl cleanup(RateLimiterTable resource, Context<RateLimiterTable> context) {
    metrics.switchDeferred(key(resource), false);
    Instant now = clock.instant();
    KubernetesClient client = context.getClient();
    TableDeletion.Outcome outcome = deletion.delete(resource, now);
    outcome.events().forEach(event -> emit(client, resource, event, now));
    if (!outcome.conditions().isEmpty()) {
      patchConditions(client, resource, outcome.conditions(), now);
    }
    if (outcome.release()) {
      return DeleteControl.defaultDelete();
    }
    return DeleteControl.noFinalizerRemoval()
        .rescheduleAfter(outcome.checkAgainIn().orElse(settings.resync()).toMillis());
  }

  /**
   * Creates or updates the workloads' ConfigMap; one by that name that the resource does not own is
   * left untouched. Returns the ConfigMap's condition.
   */
  private ConditionStatus publishConfigMap(
      KubernetesClient client, RateLimiterTable resource, String tableName, String region) {
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
    ConfigMap configMap =
        new ConfigMapBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(namespace)
            .withResourceVersion(
                existing == null ? null : existing.getMetadata().getResourceVersion())
            .withLabels(Map.of("app.kubernetes.io/managed-by", "limiter-operator"))
            .withOwnerReferences(
                new OwnerReferenceBuilder()
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

  /**
   * {@code status} with the ConfigMap's condition; a ConfigMap in conflict holds an otherwise Ready
   * table back.
   */
  private static RateLimiterTableStatus withConfigMap(
      RateLimiterTableStatus status, ConditionStatus configMap, Instant now) {
    List<ConditionStatus> conditions = new ArrayList<>(List.of(configMap));
    if (StatusConditions.isTrue(status.conditions(), ConditionTypes.READY) && !configMap.holds()) {
      conditions.add(
          ConditionStatus.isFalse(
              ConditionTypes.READY,
              configMap.reason(),
              configMap.type() + ": " + configMap.message()));
    }
    long generation = status.observedGeneration() == null ? 0 : status.observedGeneration();
    return TableReconciliation.withConditions(status, generation, conditions, now);
  }

  private static void patchConditions(
      KubernetesClient client,
      RateLimiterTable resource,
      List<ConditionStatus> conditions,
      Instant now) {
    long generation =
        resource.getMetadata().getGeneration() == null ? 0 : resource.getMetadata().getGeneration();
    writeStatus(
        client,
        resource,
        TableReconciliation.withConditions(resource.getStatus(), generation, conditions, now));
  }

  /** The declared traffic of the entities of every EntityHierarchy that uses this table. */
  private static List<EntityDemand> demands(KubernetesClient client, RateLimiterTable resource) {
    String name = resource.getMetadata().getName();
    List<EntityDemand> demands = new ArrayList<>();
    for (EntityHierarchy hierarchy :
        client
            .resources(EntityHierarchy.class)
            .inNamespace(resource.getMetadata().getNamespace())
            .list()
            .getItems()) {
      EntityHierarchySpec spec = hierarchy.getSpec();
      // A hierarchy whose spec the schema refuses declares nothing: it is its own InvalidSpec to
      // report.
      if (spec != null
          && spec.tableRef() != null
          && name.equals(spec.tableRef().name())
          && CrdSchema.specViolations(hierarchy).isEmpty()) {
        demands.addAll(EntityDemands.of(hierarchy.getMetadata().getName(), spec));
      }
    }
    return demands;
  }

  private static String key(RateLimiterTable resource) {
    return resource.getMetadata().getNamespace() + "/" + resource.getMetadata().getName();
  }

  private void emit(
      KubernetesClient client,
      RateLimiterTable resource,
      TableReconciliation.Event event,
      Instant now) {
    events.emit(client, resource, event, now);
  }
}
