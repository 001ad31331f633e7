package dev.limiter.operator.reconcile;

import dev.limiter.operator.api.EntityHierarchyStatus;
import dev.limiter.operator.plan.ConditionStatus;
import dev.limiter.operator.plan.Conditions;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Instant;
import java.util.List;

/**
 * An EntityHierarchy status put together field by field, by name, from the previous one: the only
 * place the status record is built from its components.
 */
final class HierarchyStatusAssembly {

  private Long observedGeneration;
  private String tableName;
  private Long entities;
  private Long limits;
  private Long shards;
  private Long localReservations;
  private Long itemsWritten;
  private Long itemsDeleted;
  private Long itemsPending;
  private String appliedDigest;
  private String tableArn;
  private String tableCreatedAt;
  private List<Condition> conditions;

  private HierarchyStatusAssembly() {}

  /** Starts from {@code previous} (null: an empty status). */
  static HierarchyStatusAssembly from(EntityHierarchyStatus previous) {
    HierarchyStatusAssembly status = new HierarchyStatusAssembly();
    if (previous != null) {
      status.observedGeneration = previous.observedGeneration();
      status.tableName = previous.tableName();
      status.entities = previous.entities();
      status.limits = previous.limits();
      status.shards = previous.shards();
      status.localReservations = previous.localReservations();
      status.itemsWritten = previous.itemsWritten();
      status.itemsDeleted = previous.itemsDeleted();
      status.itemsPending = previous.itemsPending();
      status.appliedDigest = previous.appliedDigest();
      status.tableArn = previous.tableArn();
      status.tableCreatedAt = previous.tableCreatedAt();
      status.conditions = previous.conditions();
    }
    return status;
  }

  HierarchyStatusAssembly observedGeneration(long generation) {
    this.observedGeneration = generation;
    return this;
  }

  HierarchyStatusAssembly tableName(String name) {
    this.tableName = name;
    return this;
  }

  /** What the spec declares (all null: not known). */
  HierarchyStatusAssembly declared(
      Long entities, Long limits, Long shards, Long localReservations) {
    this.entities = entities;
    this.limits = limits;
    this.shards = shards;
    this.localReservations = localReservations;
    return this;
  }

  /**
   * What the last pass that changed something wrote and deleted, and what is left (null: not
   * known).
   */
  HierarchyStatusAssembly items(Long written, Long deleted, Long pending) {
    this.itemsWritten = written;
    this.itemsDeleted = deleted;
    this.itemsPending = pending;
    return this;
  }

  HierarchyStatusAssembly itemsPending(Long pending) {
    this.itemsPending = pending;
    return this;
  }

  /**
   * The digest applied completely and the identity of the table it holds for (all null: none
   * vouched for).
   */
  HierarchyStatusAssembly applied(String digest, String arn, String createdAt) {
    this.appliedDigest = digest;
    this.tableArn = arn;
    this.tableCreatedAt = createdAt;
    return this;
  }

  HierarchyStatusAssembly appliedDigest(String digest) {
    this.appliedDigest = digest;
    return this;
  }

  /**
   * Merges {@code planned} into the conditions for {@code generation} (see {@link
   * Conditions#merge}).
   */
  HierarchyStatusAssembly conditions(List<ConditionStatus> planned, long generation, Instant now) {
    this.conditions = Conditions.merge(conditions, planned, generation, now);
    return this;
  }

  EntityHierarchyStatus build() {
    return new EntityHierarchyStatus(
        observedGeneration,
        tableName,
        entities,
        limits,
        shards,
        localReservations,
        itemsWritten,
        itemsDeleted,
        itemsPending,
        appliedDigest,
        tableArn,
        tableCreatedAt,
        conditions);
  }
}
