package dev.limiter.operator.api;

import java.util.List;

/**
 * The condition types the operator writes, the one list the code, the README and Argo CD's health
 * check ({@code config/argocd/health.lua}) agree on.
 */
public final class ConditionTypes {

  /**
   * Whether the resource does what its spec asks; the type {@code kubectl get} and Argo CD show.
   */
  public static final String READY = "Ready";

  /** Whether the last pass succeeded (False: it failed and is retried). */
  public static final String SYNCED = "Synced";

  /** Whether the table exists and is ACTIVE; on a hierarchy, whether its table is. */
  public static final String TABLE_READY = "TableReady";

  /** Whether the table's billing mode and throughput match the spec. */
  public static final String CAPACITY_SYNCED = "CapacitySynced";

  /** Whether a billing-mode switch waits for the cooldown guard. */
  public static final String BILLING_MODE_COOLDOWN = "BillingModeCooldown";

  /** Whether the workloads' ConfigMap is published. */
  public static final String CONFIG_MAP_SYNCED = "ConfigMapSynced";

  /** Whether the table's autoscaling matches the spec. */
  public static final String AUTOSCALING_SYNCED = "AutoscalingSynced";

  /** Whether the table's alarms match the spec. */
  public static final String ALARMS_SYNCED = "AlarmsSynced";

  /** Whether the table's Contributor Insights matches the spec. */
  public static final String CONTRIBUTOR_INSIGHTS_SYNCED = "ContributorInsightsSynced";

  /** Whether the table throttles, and the runbook's case. */
  public static final String THROTTLING = "Throttling";

  /** Whether an entity's declared traffic exceeds what one partition key gets. */
  public static final String HOT_PARTITION_RISK = "HotPartitionRisk";

  /** Whether items of a hierarchy are held by another owner. */
  public static final String CONFLICT = "Conflict";

  /** The types of a RateLimiterTable, in the order a first pass writes them. */
  public static final List<String> TABLE =
      List.of(
          TABLE_READY,
          CAPACITY_SYNCED,
          BILLING_MODE_COOLDOWN,
          READY,
          AUTOSCALING_SYNCED,
          ALARMS_SYNCED,
          CONTRIBUTOR_INSIGHTS_SYNCED,
          THROTTLING,
          HOT_PARTITION_RISK,
          SYNCED,
          CONFIG_MAP_SYNCED);

  /** The types of an EntityHierarchy. */
  public static final List<String> HIERARCHY = List.of(TABLE_READY, CONFLICT, READY, SYNCED);

  private ConditionTypes() {}
}
