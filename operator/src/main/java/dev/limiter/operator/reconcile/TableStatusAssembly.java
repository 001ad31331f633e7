package dev.limiter.operator.reconcile;

import dev.limiter.operator.api.BillingMode;
import dev.limiter.operator.api.BillingModeSwitch;
import dev.limiter.operator.api.CapacityFloor;
import dev.limiter.operator.api.DecreaseQuotaStatus;
import dev.limiter.operator.api.EmergencyStatus;
import dev.limiter.operator.api.PartitionStatus;
import dev.limiter.operator.api.RateLimiterTableStatus;
import dev.limiter.operator.api.ThrottleReading;
import dev.limiter.operator.plan.ConditionStatus;
import dev.limiter.operator.plan.Conditions;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Instant;
import java.util.List;

/**
 * A RateLimiterTable status put together field by field, by name, from the previous one: the only
 * place the status record is built from its components.
 */
final class TableStatusAssembly {

  private Long observedGeneration;
  private String tableName;
  private String tableArn;
  private String tableStatus;
  private BillingMode billingMode;
  private Long readCapacityUnits;
  private Long writeCapacityUnits;
  private List<BillingModeSwitch> billingModeSwitches;
  private String nextBillingModeSwitchAllowedAt;
  private DecreaseQuotaStatus decreases;
  private ThrottleReading observed;
  private EmergencyStatus emergency;
  private CapacityFloor capacityFloor;
  private PartitionStatus partitions;
  private List<String> alarmNames;
  private List<Condition> conditions;

  private TableStatusAssembly() {}

  /**
   * Starts from {@code previous}; no previous status is an empty one (no switches, no conditions).
   */
  static TableStatusAssembly from(RateLimiterTableStatus previous) {
    TableStatusAssembly status = new TableStatusAssembly();
    if (previous == null) {
      status.billingModeSwitches = List.of();
      status.conditions = List.of();
      return status;
    }
    status.observedGeneration = previous.observedGeneration();
    status.tableName = previous.tableName();
    status.tableArn = previous.tableArn();
    status.tableStatus = previous.tableStatus();
    status.billingMode = previous.billingMode();
    status.readCapacityUnits = previous.readCapacityUnits();
    status.writeCapacityUnits = previous.writeCapacityUnits();
    status.billingModeSwitches = previous.billingModeSwitches();
    status.nextBillingModeSwitchAllowedAt = previous.nextBillingModeSwitchAllowedAt();
    status.decreases = previous.decreases();
    status.observed = previous.observed();
    status.emergency = previous.emergency();
    status.capacityFloor = previous.capacityFloor();
    status.partitions = previous.partitions();
    status.alarmNames = previous.alarmNames();
    status.conditions = previous.conditions();
    return status;
  }

  TableStatusAssembly observedGeneration(long generation) {
    this.observedGeneration = generation;
    return this;
  }

  /** The table's identity and state as DescribeTable gave them (all null: no table). */
  TableStatusAssembly table(
      String name, String arn, String state, BillingMode mode, Long readUnits, Long writeUnits) {
    this.tableName = name;
    this.tableArn = arn;
    this.tableStatus = state;
    this.billingMode = mode;
    this.readCapacityUnits = readUnits;
    this.writeCapacityUnits = writeUnits;
    return this;
  }

  TableStatusAssembly billingModeSwitches(List<BillingModeSwitch> switches) {
    this.billingModeSwitches = switches;
    return this;
  }

  TableStatusAssembly nextBillingModeSwitchAllowedAt(String at) {
    this.nextBillingModeSwitchAllowedAt = at;
    return this;
  }

  TableStatusAssembly decreases(DecreaseQuotaStatus decreases) {
    this.decreases = decreases;
    return this;
  }

  TableStatusAssembly observed(ThrottleReading reading) {
    this.observed = reading;
    return this;
  }

  TableStatusAssembly emergency(EmergencyStatus episode) {
    this.emergency = episode;
    return this;
  }

  TableStatusAssembly capacityFloor(CapacityFloor floor) {
    this.capacityFloor = floor;
    return this;
  }

  TableStatusAssembly partitions(PartitionStatus partitions) {
    this.partitions = partitions;
    return this;
  }

  TableStatusAssembly alarmNames(List<String> names) {
    this.alarmNames = names;
    return this;
  }

  /**
   * Merges {@code planned} into the conditions for {@code generation} (see {@link
   * Conditions#merge}).
   */
  TableStatusAssembly conditions(List<ConditionStatus> planned, long generation, Instant now) {
    this.conditions = Conditions.merge(conditions, planned, generation, now);
    return this;
  }

  RateLimiterTableStatus build() {
    return new RateLimiterTableStatus(
        observedGeneration,
        tableName,
        tableArn,
        tableStatus,
        billingMode,
        readCapacityUnits,
        writeCapacityUnits,
        billingModeSwitches,
        nextBillingModeSwitchAllowedAt,
        decreases,
        observed,
        emergency,
        capacityFloor,
        partitions,
        alarmNames,
        conditions);
  }
}
