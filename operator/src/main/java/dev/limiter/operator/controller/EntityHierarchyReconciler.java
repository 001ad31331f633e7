package dev.limiter.operator.controller;

import dev.limiter.operator.api.ConditionTypes;
import dev.limiter.operator.api.EntityHierarchy;
import dev.limiter.operator.api.RateLimiterTable;
import dev.limiter.operator.api.StatusConditions;
import dev.limiter.operator.aws.HierarchyItems;
import dev.limiter.operator.aws.Sleeper;
import dev.limiter.operator.config.OperatorSettings;
import dev.limiter.operator.metrics.ReconcileMetrics;
import dev.limiter.operator.reconcile.HierarchyReconciliation;
import dev.limiter.operator.reconcile.HierarchyReconciliation.TableLookup;
import io.fabric8.kubernetes.api.model.Condition;
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
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kubernetes side of an EntityHierarchy: finds the referenced RateLimiterTable, runs a {@link
 * HierarchyReconciliation}, writes status and events, and on deletion keeps the items the hierarchy
 * owns ({@code deletionPolicy: Retain}, the default) or removes them ({@code Delete}).
 */
@ControllerConfiguration(name = "entityhierarchy")
public class EntityHierarchyReconciler
    implements Reconciler<EntityHierarchy>, Cleaner<EntityHierarchy> {

  private static final Logger LOG = LoggerFactory.getLogger(EntityHierarchyReconciler.class);

  private final OperatorSettings settings;
  private final Clock clock;
  private final HierarchyReconciliation reconciliation;
  private final KubernetesEvents events;

  /** A reconciler reaching each region's table through {@code itemsInRegion}. */
  public EntityHierarchyReconciler(
      Function<String, HierarchyItems> itemsInRegion,
      OperatorSettings settings,
      Clock clock,
      ReconcileMetrics metrics) {
    this.settings = settings;
    this.clock = clock;
    this.reconciliation =
        new HierarchyReconciliation(
            itemsInRegion, settings.hierarchyPacing(), clock, Sleeper.THREAD);
    this.events = new KubernetesEvents(metrics);
  }

  @Override
  public UpdateControl<EntityHierarchy> reconcile(
      EntityHierarchy cached, Context<EntityHierarchy> context) {
    try {
      return pass(cached, context);
    } catch (RuntimeException e) {
      if (Conflicts.isConflict(e)) {
        LOG.info(
            "EntityHierarchy {} changed during the pass ({}); looking again",
            HierarchyReconciliation.owner(cached),
            e.getMessage());
        return UpdateControl.<EntityHierarchy>noUpdate().rescheduleAfter(Conflicts.RETRY);
      }
      LOG.error("reconcile of EntityHierarchy {} failed", HierarchyReconciliation.owner(cached), e);
      FailedPass failed = new FailedPass(e);
      KubernetesClient client = context.getClient();
      Instant now = clock.instant();
      EntityHierarchy resource =
          Optional.ofNullable(
                  client
                      .resources(EntityHierarchy.class)
                      .inNamespace(cached.getMetadata().getNamespace())
                      .withName(cached.getMetadata().getName())
                      .get())
              .orElse(cached);
      resource.setStatus(HierarchyReconciliation.afterFailure(resource, failed.conditions(), now));
      events.emit(client, resource, failed.event(), now);
      return UpdateControl.patchStatus(resource).rescheduleAfter(FailedPass.RETRY);
    }
  }

  private UpdateControl<EntityHierarchy> pass(
      EntityHierarchy cached, Context<EntityHierarchy> context) {
    Instant now = clock.instant();
    KubernetesClient client = context.getClient();
    // The applied digest in status decides whether to read the table at all: read it from the API
    // server, not from an informer cache that may not hold the previous pass's status yet.
    EntityHierarchy resource =
        Optional.ofNullable(
                client
                    .resources(EntityHierarchy.class)
                    .inNamespace(cached.getMetadata().getNamespace())
                    .withName(cached.getMetadata().getName())
                    .get())
            .orElse(cached);
    TableLookup lookup = table(client, resource);
    HierarchyReconciliation.Result result =
        reconciliation.reconcile(resource, lookup.table(), lookup.notReady(), now);
    result.events().forEach(event -> events.emit(client, resource, event, now));
    Duration next = NextPass.after(now, result.wakeAt(), settings.resync());
    if (StoredStatus.same(
        client.getKubernetesSerialization(), resource.getStatus(), result.status())) {
      // Nothing changed: no patch, so no new resourceVersion and no watch event at every resync.
      return UpdateControl.<EntityHierarchy>noUpdate().rescheduleAfter(next);
    }
    resource.setStatus(result.status());
    return UpdateControl.patchStatus(resource).rescheduleAfter(next);
  }

  @Override
  public DeleteControl cleanup(EntityHierarchy resource, Context<EntityHierarchy> context) {
    Instant now = clock.instant();
    KubernetesClient client = context.getClient();
    HierarchyReconciliation.Removal removal =
        reconciliation.remove(resource, () -> table(client, resource), now);
    removal.events().forEach(event -> events.emit(client, resource, event, now));
    if (removal.release()) {
      return DeleteControl.defaultDelete();
    }
    Duration delay =
        removal.checkAgainIn().compareTo(NextPass.MIN_DELAY) < 0
            ? NextPass.MIN_DELAY
            : removal.checkAgainIn();
    return DeleteControl.noFinalizerRemoval().rescheduleAfter(delay.toMillis());
  }

  /** The referenced table when its RateLimiterTable is Ready, else why not. */
  private TableLookup table(KubernetesClient client, EntityHierarchy resource) {
    String namespace = resource.getMetadata().getNamespace();
    String name =
        resource.getSpec() == null || resource.getSpec().tableRef() == null
            ? null
            : resource.getSpec().tableRef().name();
    if (name == null) {
      return new TableLookup(Optional.empty(), "spec.tableRef.name is not set", false);
    }
    RateLimiterTable table =
        client.resources(RateLimiterTable.class).inNamespace(namespace).withName(name).get();
    if (table == null) {
      return new TableLookup(
          Optional.empty(),
          "RateLimiterTable " + namespace + "/" + name + " does not exist",
          false);
    }
    // TableReady, not Ready: a table whose billing switch waits out its cooldown serves items all
    // the while.
    List<Condition> conditions = table.getStatus() == null ? null : table.getStatus().conditions();
    if (!StatusConditions.isTrue(conditions, ConditionTypes.TABLE_READY)
        || table.getStatus().tableName() == null) {
      String why =
          conditions == null
              ? "has no status yet"
              : StatusConditions.findCondition(conditions, ConditionTypes.TABLE_READY)
                  .map(Condition::getMessage)
                  .orElse("its table is not ready");
      return new TableLookup(
          Optional.empty(),
          "RateLimiterTable " + namespace + "/" + name + " is not ready: " + why,
          true);
    }
    String region =
        table.getSpec() != null && table.getSpec().region() != null
            ? table.getSpec().region()
            : settings.defaultRegion();
    return new TableLookup(
        Optional.of(new HierarchyReconciliation.Table(table.getStatus().tableName(), region)),
        null,
        true);
  }
}
