package dev.limiter.operator.controller;

import dev.limiter.operator.api.EntityHierarchy;
import dev.limiter.operator.api.EntityHierarchyStatus;
import dev.limiter.operator.api.RateLimiterTable;
import dev.limiter.operator.api.DeletionPolicy;
import dev.limiter.operator.aws.HierarchyItems;
import dev.limiter.operator.aws.Sleeper;
import dev.limiter.operator.config.OperatorSettings;
import dev.limiter.operator.metrics.ReconcileMetrics;
import dev.limiter.operator.plan.Conditions;
import dev.limiter.operator.reconcile.HierarchyReconciliation;
import dev.limiter.operator.reconcile.TableReconciliation;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * The Kubernetes side of an EntityHierarchy: finds the referenced RateLimiterTable, runs a
 * {@link HierarchyReconciliation}, writes status and events, and on deletion keeps the items the
 * hierarchy owns ({@code deletionPolicy: Retain}, the default) or removes them ({@code Delete}).
 */
@ControllerConfiguration(name = "entityhierarchy")
public class EntityHierarchyReconciler implements Reconciler<EntityHierarchy>, Cleaner<EntityHierarchy> {

  private static final Logger LOG = LoggerFactory.getLogger(EntityHierarchyReconciler.class);

  private final OperatorSettings settings;
  private final Clock clock;
  private final HierarchyReconciliation reconciliation;
  private final KubernetesEvents events;

  /** A reconciler reaching each region's table through {@code itemsInRegion}. */
  public EntityHierarchyReconciler(Function<String, HierarchyItems> itemsInRegion, OperatorSettings settings, Clock clock,
                                   ReconcileMetrics metrics) {
    this.settings = settings;
    this.clock = clock;
    this.reconciliation = new HierarchyReconciliation(itemsInRegion, settings.hierarchyPacing(), clock, Sleeper.THREAD);
    this.events = new KubernetesEvents(metrics);
  }

  @Override
  public UpdateControl<EntityHierarchy> reconcile(EntityHierarchy cached, Context<EntityHierarchy> context) {
    try {
      return pass(cached, context);
    } catch (RuntimeException e) {
      if (Conflicts.isConflict(e)) {
        LOG.info("EntityHierarchy {} changed during the pass ({}); looking again", HierarchyReconciliation.owner(cached), e.getMessage());
        return UpdateControl.<EntityHierarchy>noUpdate().rescheduleAfter(Conflicts.RETRY);
      }
      LOG.error("reconcile of EntityHierarchy {} failed", HierarchyReconciliation.owner(cached), e);
      FailedPass failed = new FailedPass(e);
      KubernetesClient client = context.getClient();
      Instant now = clock.instant();
      EntityHierarchy resource = Optional.ofNullable(client.resources(EntityHierarchy.class)
          .inNamespace(cached.getMetadata().getNamespace()).withName(cached.getMetadata().getName()).get()).orElse(cached);
      long generation = resource.getMetadata().getGeneration() == null ? 0 : resource.getMetadata().getGeneration();
      EntityHierarchyStatus previous = resource.getStatus();
      List<Condition> conditions = Conditions.merge(previous == null ? null : previous.conditions(), failed.conditions(), generation, now);
      // No applied digest: the pass may have stopped half way, so the next one must look at the table again.
      resource.setStatus(previous == null
          ? new EntityHierarchyStatus(generation, null, null, null, null, null, null, null, null, null, null, conditions)
          : new EntityHierarchyStatus(generation, previous.tableName(), previous.entities(), previous.limits(), previous.shards(),
              previous.itemsWritten(), previous.itemsDeleted(), previous.itemsPending(), null, previous.tableArn(),
              previous.tableCreatedAt(), conditions));
      events.emit(client, resource, failed.event(), now);
      return UpdateControl.patchStatus(resource).rescheduleAfter(FailedPass.RETRY);
    }
  }

  private UpdateControl<EntityHierarchy> pass(EntityHierarchy cached, Context<EntityHierarchy> context) {
    Instant now = clock.instant();
    KubernetesClient client = context.getClient();
    // The applied digest in status decides whether to read the table at all: read it from the API
    // server, not from an informer cache that may not hold the previous pass's status yet.
    EntityHierarchy resource = Optional.ofNullable(client.resources(EntityHierarchy.class)
        .inNamespace(cached.getMetadata().getNamespace()).withName(cached.getMetadata().getName()).get()).orElse(cached);
    TableLookup lookup = table(client, resource);
    HierarchyReconciliation.Result result = reconciliation.reconcile(resource, lookup.table(), lookup.notReady(), now);
    result.events().forEach(event -> events.emit(client, resource, event, now));
    resource.setStatus(result.status());
    return UpdateControl.patchStatus(resource).rescheduleAfter(NextPass.after(now, result.wakeAt(), settings.resync()));
  }

  @Override
  public DeleteControl cleanup(EntityHierarchy resource, Context<EntityHierarchy> context) {
    Instant now = clock.instant();
    KubernetesClient client = context.getClient();
    if (resource.getSpec() == null || resource.getSpec().deletionPolicyOrDefault() == DeletionPolicy.Retain) {
      events.emit(client, resource, new TableReconciliation.Event(false, "Retained",
          "deletionPolicy Retain: the hierarchy's items stay in the table, owned by " + HierarchyReconciliation.owner(resource)
              + " (a hierarchy of the same name takes them up again)"), now);
      return DeleteControl.defaultDelete();
    }
    TableLookup lookup = table(client, resource);
    if (lookup.table().isEmpty()) {
      if (lookup.tableResourceExists()) {
        // The table comes back (it is being created or updated): remove the items then, not never.
        return DeleteControl.noFinalizerRemoval().rescheduleAfter(HierarchyReconciliation.TABLE_POLL.toMillis());
      }
      events.emit(client, resource, new TableReconciliation.Event(true, "ItemsLeft",
          "cannot remove the hierarchy's items: " + lookup.notReady()), now);
      return DeleteControl.defaultDelete();
    }
    try {
      HierarchyReconciliation.Removal removal = reconciliation.remove(resource, lookup.table().get(), now);
      if (removal.left() > 0) {
        return DeleteControl.noFinalizerRemoval().rescheduleAfter(NextPass.MIN_DELAY.toMillis());
      }
      events.emit(client, resource, new TableReconciliation.Event(false, "Removed",
          "removed the hierarchy's items from table " + lookup.table().get().name()), now);
      return DeleteControl.defaultDelete();
    } catch (SdkException e) {
      events.emit(client, resource, new TableReconciliation.Event(true, "AwsError",
          "removing the hierarchy's items failed, will retry: " + e.getMessage()), now);
      return DeleteControl.noFinalizerRemoval().rescheduleAfter(HierarchyReconciliation.TABLE_POLL.toMillis());
    }
  }

  /** The referenced table when its RateLimiterTable is Ready, else why not. */
  private record TableLookup(Optional<HierarchyReconciliation.Table> table, String notReady, boolean tableResourceExists) {}

  private TableLookup table(KubernetesClient client, EntityHierarchy resource) {
    String namespace = resource.getMetadata().getNamespace();
    String name = resource.getSpec() == null || resource.getSpec().tableRef() == null ? null : resource.getSpec().tableRef().name();
    if (name == null) {
      return new TableLookup(Optional.empty(), "spec.tableRef.name is not set", false);
    }
    RateLimiterTable table = client.resources(RateLimiterTable.class).inNamespace(namespace).withName(name).get();
    if (table == null) {
      return new TableLookup(Optional.empty(), "RateLimiterTable " + namespace + "/" + name + " does not exist", false);
    }
    // TableReady, not Ready: a table whose billing switch waits out its cooldown serves items all the while.
    boolean ready = table.getStatus() != null && table.getStatus().conditions() != null && table.getStatus().conditions().stream()
        .anyMatch(c -> HierarchyReconciliation.TABLE_READY.equals(c.getType()) && "True".equals(c.getStatus()));
    if (!ready || table.getStatus().tableName() == null) {
      String why = table.getStatus() == null || table.getStatus().conditions() == null ? "has no status yet"
          : table.getStatus().conditions().stream().filter(c -> HierarchyReconciliation.TABLE_READY.equals(c.getType()))
              .map(Condition::getMessage).findFirst().orElse("its table is not ready");
      return new TableLookup(Optional.empty(), "RateLimiterTable " + namespace + "/" + name + " is not ready: " + why, true);
    }
    String region = table.getSpec() != null && table.getSpec().region() != null ? table.getSpec().region() : settings.defaultRegion();
    return new TableLookup(Optional.of(new HierarchyReconciliation.Table(table.getStatus().tableName(), region)), null, true);
  }
}
