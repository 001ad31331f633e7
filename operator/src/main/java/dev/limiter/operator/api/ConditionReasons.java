package dev.limiter.operator.api;

import java.util.List;

/**
 * The condition reasons that someone or something acts on: the three groups Argo CD's health check
 * ({@code config/argocd/health.lua}) sorts a False Ready into, and the reasons of every pass.
 */
public final class ConditionReasons {

  /** The spec cannot be applied as written. */
  public static final String INVALID_SPEC = "InvalidSpec";

  /** The table is someone else's, or nobody's and not adoptable. */
  public static final String TABLE_CONFLICT = "TableConflict";

  /** The table lacks the limiter's key schema or indexes. */
  public static final String INCOMPATIBLE_TABLE = "IncompatibleTable";

  /** Deletion waits for deletion protection to be lifted in the spec. */
  public static final String DELETION_BLOCKED = "DeletionBlocked";

  /** A hierarchy's items are held by another owner. */
  public static final String CONFLICT = "Conflict";

  /** A ConfigMap of the workloads' name is not the resource's. */
  public static final String CONFIG_MAP_CONFLICT = "ConfigMapConflict";

  /** A billing-mode switch waits for the resource's cooldown. */
  public static final String SWITCH_COOLDOWN = "SwitchCooldown";

  /** A switch to on-demand waits for AWS's 4 a day. */
  public static final String AWS_SWITCH_QUOTA = "AwsSwitchQuota";

  /** A throughput decrease waits for AWS's decrease quota. */
  public static final String DECREASE_QUOTA = "DecreaseQuota";

  /** A call waits for an AWS quota AWS named. */
  public static final String AWS_QUOTA = "AwsQuota";

  /** Throttling: the table needs more capacity. */
  public static final String CAPACITY_EXCEEDED = "CapacityExceeded";

  /** Throttling: a hot key or key range. */
  public static final String HOT_PARTITION = "HotPartition";

  /** Throttling: a GSI throttles the table's writes. */
  public static final String INDEX_THROTTLING = "IndexThrottling";

  /** Throttling: an on-demand table held back by its own caps. */
  public static final String ON_DEMAND_CAP_REACHED = "OnDemandCapReached";

  /** HotPartitionRisk: an entity needs more shards. */
  public static final String ENTITY_NEEDS_SHARDS = "EntityNeedsShards";

  /** Synced: the last pass succeeded. */
  public static final String RECONCILE_SUCCEEDED = "ReconcileSucceeded";

  /** Ready and Synced: the last pass threw unexpectedly. */
  public static final String RECONCILE_ERROR = "ReconcileError";

  /** Reasons of a False Ready that needs a person: Argo CD's Degraded. */
  public static final List<String> NEEDS_A_PERSON =
      List.of(
          INVALID_SPEC,
          TABLE_CONFLICT,
          INCOMPATIBLE_TABLE,
          DELETION_BLOCKED,
          CONFLICT,
          CONFIG_MAP_CONFLICT);

  /**
   * Reasons of a False Ready while a change waits for a quota: Argo CD's Healthy ("deferred: …").
   */
  public static final List<String> DEFERRED =
      List.of(SWITCH_COOLDOWN, AWS_SWITCH_QUOTA, DECREASE_QUOTA, AWS_QUOTA);

  /**
   * Reasons of a False Ready on a table that works but whose traffic does not fit: Argo CD's
   * Degraded.
   */
  public static final List<String> TRAFFIC_DOES_NOT_FIT =
      List.of(
          CAPACITY_EXCEEDED,
          HOT_PARTITION,
          INDEX_THROTTLING,
          ENTITY_NEEDS_SHARDS,
          ON_DEMAND_CAP_REACHED);

  private ConditionReasons() {}
}
