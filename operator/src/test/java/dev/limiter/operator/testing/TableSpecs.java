package dev.limiter.operator.testing;

import dev.limiter.operator.api.Alarms;
import dev.limiter.operator.api.Autoscaling;
import dev.limiter.operator.api.Billing;
import dev.limiter.operator.api.BillingMode;
import dev.limiter.operator.api.ContributorInsights;
import dev.limiter.operator.api.DeletionPolicy;
import dev.limiter.operator.api.Diagnosis;
import dev.limiter.operator.api.Emergency;
import dev.limiter.operator.api.ProvisionedCapacity;
import dev.limiter.operator.api.RateLimiterTableSpec;
import java.util.Map;

/**
 * {@link RateLimiterTableSpec} fixtures: a plain spec of a billing, changed one named field at a
 * time ({@code TableSpecs.onDemand().withRegion("eu-west-1").build()}) instead of the record's
 * fourteen positional components. A plain spec ({@link #billedBy}) names no table and no region,
 * turns TTL, the stream, point-in-time recovery and deletion protection off, has no tags and leaves
 * every automation area unset; {@link #onlyBilling} leaves all of those unset. Immutable: every
 * {@code with…} returns a new fixture.
 */
public final class TableSpecs {

  private final RateLimiterTableSpec s;

  private TableSpecs(RateLimiterTableSpec spec) {
    this.s = spec;
  }

  /** A plain spec billed by {@code billing}. */
  public static TableSpecs billedBy(Billing billing) {
    return new TableSpecs(
        new RateLimiterTableSpec(
            null, null, billing, false, false, false, false, null, Map.of(), null, null, null, null,
            null));
  }

  /**
   * A spec of {@code billing} and nothing else: every other field unset, left to the operator's
   * defaults.
   */
  public static TableSpecs onlyBilling(Billing billing) {
    return new TableSpecs(
        new RateLimiterTableSpec(
            null, null, billing, null, null, null, null, null, null, null, null, null, null, null));
  }

  /** A plain on-demand spec (no throughput caps, no cooldown). */
  public static TableSpecs onDemand() {
    return billedBy(onDemandBilling());
  }

  /** A plain provisioned spec of {@code read} and {@code write} units (no plan, no cooldown). */
  public static TableSpecs provisioned(long read, long write) {
    return billedBy(provisionedBilling(read, write));
  }

  /** {@code spec}, to change some of its fields. */
  public static TableSpecs from(RateLimiterTableSpec spec) {
    return new TableSpecs(spec);
  }

  /** On-demand billing with no throughput caps and no cooldown. */
  public static Billing onDemandBilling() {
    return new Billing(BillingMode.OnDemand, null, null, null, null);
  }

  /** Provisioned billing of {@code read} and {@code write} units, with no plan and no cooldown. */
  public static Billing provisionedBilling(long read, long write) {
    return new Billing(
        BillingMode.Provisioned, new ProvisionedCapacity(read, write, null), null, null, null);
  }

  /** This spec with the DynamoDB table name {@code value}. */
  public TableSpecs withTableName(String value) {
    return new TableSpecs(
        new RateLimiterTableSpec(
            value,
            s.region(),
            s.billing(),
            s.timeToLive(),
            s.stream(),
            s.pointInTimeRecovery(),
            s.deletionProtection(),
            s.deletionPolicy(),
            s.tags(),
            s.autoscaling(),
            s.alarms(),
            s.contributorInsights(),
            s.emergency(),
            s.diagnosis()));
  }

  /** This spec with the AWS region {@code value}. */
  public TableSpecs withRegion(String value) {
    return new TableSpecs(
        new RateLimiterTableSpec(
            s.tableName(),
            value,
            s.billing(),
            s.timeToLive(),
            s.stream(),
            s.pointInTimeRecovery(),
            s.deletionProtection(),
            s.deletionPolicy(),
            s.tags(),
            s.autoscaling(),
            s.alarms(),
            s.contributorInsights(),
            s.emergency(),
            s.diagnosis()));
  }

  /** This spec with the billing {@code value}. */
  public TableSpecs withBilling(Billing value) {
    return new TableSpecs(
        new RateLimiterTableSpec(
            s.tableName(),
            s.region(),
            value,
            s.timeToLive(),
            s.stream(),
            s.pointInTimeRecovery(),
            s.deletionProtection(),
            s.deletionPolicy(),
            s.tags(),
            s.autoscaling(),
            s.alarms(),
            s.contributorInsights(),
            s.emergency(),
            s.diagnosis()));
  }

  /** This spec with TTL {@code value}. */
  public TableSpecs withTimeToLive(Boolean value) {
    return new TableSpecs(
        new RateLimiterTableSpec(
            s.tableName(),
            s.region(),
            s.billing(),
            value,
            s.stream(),
            s.pointInTimeRecovery(),
            s.deletionProtection(),
            s.deletionPolicy(),
            s.tags(),
            s.autoscaling(),
            s.alarms(),
            s.contributorInsights(),
            s.emergency(),
            s.diagnosis()));
  }

  /** This spec with the stream {@code value}. */
  public TableSpecs withStream(Boolean value) {
    return new TableSpecs(
        new RateLimiterTableSpec(
            s.tableName(),
            s.region(),
            s.billing(),
            s.timeToLive(),
            value,
            s.pointInTimeRecovery(),
            s.deletionProtection(),
            s.deletionPolicy(),
            s.tags(),
            s.autoscaling(),
            s.alarms(),
            s.contributorInsights(),
            s.emergency(),
            s.diagnosis()));
  }

  /** This spec with point-in-time recovery {@code value}. */
  public TableSpecs withPointInTimeRecovery(Boolean value) {
    return new TableSpecs(
        new RateLimiterTableSpec(
            s.tableName(),
            s.region(),
            s.billing(),
            s.timeToLive(),
            s.stream(),
            value,
            s.deletionProtection(),
            s.deletionPolicy(),
            s.tags(),
            s.autoscaling(),
            s.alarms(),
            s.contributorInsights(),
            s.emergency(),
            s.diagnosis()));
  }

  /** This spec with deletion protection {@code value}. */
  public TableSpecs withDeletionProtection(Boolean value) {
    return new TableSpecs(
        new RateLimiterTableSpec(
            s.tableName(),
            s.region(),
            s.billing(),
            s.timeToLive(),
            s.stream(),
            s.pointInTimeRecovery(),
            value,
            s.deletionPolicy(),
            s.tags(),
            s.autoscaling(),
            s.alarms(),
            s.contributorInsights(),
            s.emergency(),
            s.diagnosis()));
  }

  /** This spec with the deletion policy {@code value}. */
  public TableSpecs withDeletionPolicy(DeletionPolicy value) {
    return new TableSpecs(
        new RateLimiterTableSpec(
            s.tableName(),
            s.region(),
            s.billing(),
            s.timeToLive(),
            s.stream(),
            s.pointInTimeRecovery(),
            s.deletionProtection(),
            value,
            s.tags(),
            s.autoscaling(),
            s.alarms(),
            s.contributorInsights(),
            s.emergency(),
            s.diagnosis()));
  }

  /** This spec with the AWS tags {@code value}. */
  public TableSpecs withTags(Map<String, String> value) {
    return new TableSpecs(
        new RateLimiterTableSpec(
            s.tableName(),
            s.region(),
            s.billing(),
            s.timeToLive(),
            s.stream(),
            s.pointInTimeRecovery(),
            s.deletionProtection(),
            s.deletionPolicy(),
            value,
            s.autoscaling(),
            s.alarms(),
            s.contributorInsights(),
            s.emergency(),
            s.diagnosis()));
  }

  /** This spec with autoscaling {@code value}. */
  public TableSpecs withAutoscaling(Autoscaling value) {
    return new TableSpecs(
        new RateLimiterTableSpec(
            s.tableName(),
            s.region(),
            s.billing(),
            s.timeToLive(),
            s.stream(),
            s.pointInTimeRecovery(),
            s.deletionProtection(),
            s.deletionPolicy(),
            s.tags(),
            value,
            s.alarms(),
            s.contributorInsights(),
            s.emergency(),
            s.diagnosis()));
  }

  /** This spec with the alarms {@code value}. */
  public TableSpecs withAlarms(Alarms value) {
    return new TableSpecs(
        new RateLimiterTableSpec(
            s.tableName(),
            s.region(),
            s.billing(),
            s.timeToLive(),
            s.stream(),
            s.pointInTimeRecovery(),
            s.deletionProtection(),
            s.deletionPolicy(),
            s.tags(),
            s.autoscaling(),
            value,
            s.contributorInsights(),
            s.emergency(),
            s.diagnosis()));
  }

  /** This spec with Contributor Insights {@code value}. */
  public TableSpecs withContributorInsights(ContributorInsights value) {
    return new TableSpecs(
        new RateLimiterTableSpec(
            s.tableName(),
            s.region(),
            s.billing(),
            s.timeToLive(),
            s.stream(),
            s.pointInTimeRecovery(),
            s.deletionProtection(),
            s.deletionPolicy(),
            s.tags(),
            s.autoscaling(),
            s.alarms(),
            value,
            s.emergency(),
            s.diagnosis()));
  }

  /** This spec with the emergency runbook {@code value}. */
  public TableSpecs withEmergency(Emergency value) {
    return new TableSpecs(
        new RateLimiterTableSpec(
            s.tableName(),
            s.region(),
            s.billing(),
            s.timeToLive(),
            s.stream(),
            s.pointInTimeRecovery(),
            s.deletionProtection(),
            s.deletionPolicy(),
            s.tags(),
            s.autoscaling(),
            s.alarms(),
            s.contributorInsights(),
            value,
            s.diagnosis()));
  }

  /** This spec with the throttling diagnosis {@code value}. */
  public TableSpecs withDiagnosis(Diagnosis value) {
    return new TableSpecs(
        new RateLimiterTableSpec(
            s.tableName(),
            s.region(),
            s.billing(),
            s.timeToLive(),
            s.stream(),
            s.pointInTimeRecovery(),
            s.deletionProtection(),
            s.deletionPolicy(),
            s.tags(),
            s.autoscaling(),
            s.alarms(),
            s.contributorInsights(),
            s.emergency(),
            value));
  }

  /** This spec with the billing-mode switch cooldown {@code value}. */
  public TableSpecs withSwitchCooldown(String value) {
    Billing b = s.billing();
    return withBilling(new Billing(b.mode(), b.provisioned(), b.plan(), b.onDemand(), value));
  }

  /** The spec. */
  public RateLimiterTableSpec build() {
    return s;
  }
}
