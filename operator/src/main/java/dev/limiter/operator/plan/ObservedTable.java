package dev.limiter.operator.plan;

import dev.limiter.operator.api.BillingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.BillingModeSummary;
import software.amazon.awssdk.services.dynamodb.model.ContinuousBackupsDescription;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexDescription;
import software.amazon.awssdk.services.dynamodb.model.OnDemandThroughput;
import software.amazon.awssdk.services.dynamodb.model.PointInTimeRecoveryStatus;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputDescription;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveDescription;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;

/**
 * An immutable snapshot of one table as AWS describes it: the input of the planner.
 *
 * @param name table name
 * @param arn table ARN
 * @param status TableStatus (CREATING, ACTIVE, UPDATING, DELETING, …)
 * @param capacity billing mode, throughput and quota state
 * @param streamEnabled whether a stream is on
 * @param streamViewType its view type, null when off
 * @param deletionProtection whether deletion protection is on
 * @param timeToLive TTL status (ENABLED, DISABLED, ENABLING, DISABLING)
 * @param pointInTimeRecovery whether continuous backups are on
 * @param tags the table's tags
 * @param sizeBytes the table's size (DescribeTable updates it about every six hours)
 * @param schema its key schema and indexes
 */
public record ObservedTable(
    String name,
    String arn,
    String status,
    ObservedCapacity capacity,
    boolean streamEnabled,
    String streamViewType,
    boolean deletionProtection,
    TimeToLiveStatus timeToLive,
    boolean pointInTimeRecovery,
    Map<String, String> tags,
    long sizeBytes,
    ObservedSchema schema) {

  /**
   * How far after the creation time DynamoDB may stamp an on-demand table's creation as its last
   * switch.
   */
  private static final Duration CREATION_TOLERANCE = Duration.ofMinutes(1);

  /** Names of the table's GSIs, sorted. */
  public List<String> indexNames() {
    return capacity.indexes().keySet().stream().sorted().toList();
  }

  /** Whether the table accepts updates. */
  public boolean active() {
    return "ACTIVE".equals(status);
  }

  /**
   * DynamoDB's time of the last switch to on-demand. A table created on-demand carries its creation
   * time there; creating is not switching (AWS allows on-demand to provisioned at any time), so
   * that time does not start the cooldown.
   */
  static Instant lastSwitchToOnDemand(TableDescription table) {
    BillingModeSummary summary = table.billingModeSummary();
    Instant last = summary == null ? null : summary.lastUpdateToPayPerRequestDateTime();
    Instant created = table.creationDateTime();
    if (last == null || created == null || last.isAfter(created.plus(CREATION_TOLERANCE))) {
      return last;
    }
    return null;
  }

  /**
   * The snapshot of DescribeTable, DescribeTimeToLive, DescribeContinuousBackups and
   * ListTagsOfResource.
   */
  public static ObservedTable of(
      TableDescription table,
      TimeToLiveDescription ttl,
      ContinuousBackupsDescription backups,
      Map<String, String> tags) {
    BillingModeSummary summary = table.billingModeSummary();
    BillingMode mode =
        summary != null && "PAY_PER_REQUEST".equals(summary.billingModeAsString())
            ? BillingMode.OnDemand
            : BillingMode.Provisioned;
    Map<String, Throughput> indexes = new LinkedHashMap<>();
    Map<String, ObservedCapacity.Decreases> indexDecreases = new LinkedHashMap<>();
    for (GlobalSecondaryIndexDescription index : table.globalSecondaryIndexes()) {
      indexes.put(
          index.indexName(),
          mode == BillingMode.Provisioned ? throughput(index.provisionedThroughput()) : null);
      indexDecreases.put(index.indexName(), decreases(index.provisionedThroughput()));
    }
    OnDemandThroughput caps = table.onDemandThroughput();
    ObservedCapacity capacity =
        new ObservedCapacity(
            mode,
            mode == BillingMode.Provisioned ? throughput(table.provisionedThroughput()) : null,
            decreases(table.provisionedThroughput()),
            indexes,
            indexDecreases,
            cap(caps == null ? null : caps.maxReadRequestUnits()),
            cap(caps == null ? null : caps.maxWriteRequestUnits()),
            lastSwitchToOnDemand(table));
    boolean stream =
        table.streamSpecification() != null
            && Boolean.TRUE.equals(table.streamSpecification().streamEnabled());
    return new ObservedTable(
        table.tableName(),
        table.tableArn(),
        table.tableStatusAsString(),
        capacity,
        stream,
        stream ? table.streamSpecification().streamViewTypeAsString() : null,
        Boolean.TRUE.equals(table.deletionProtectionEnabled()),
        ttl == null || ttl.timeToLiveStatus() == null
            ? TimeToLiveStatus.DISABLED
            : ttl.timeToLiveStatus(),
        backups != null
            && backups.pointInTimeRecoveryDescription() != null
            && backups.pointInTimeRecoveryDescription().pointInTimeRecoveryStatus()
                == PointInTimeRecoveryStatus.ENABLED,
        Map.copyOf(tags),
        table.tableSizeBytes() == null ? 0 : table.tableSizeBytes(),
        ObservedSchema.of(table));
  }

  private static Throughput throughput(ProvisionedThroughputDescription description) {
    if (description == null
        || description.readCapacityUnits() == null
        || description.readCapacityUnits() < 1
        || description.writeCapacityUnits() == null
        || description.writeCapacityUnits() < 1) {
      return null;
    }
    return new Throughput(description.readCapacityUnits(), description.writeCapacityUnits());
  }

  private static ObservedCapacity.Decreases decreases(
      ProvisionedThroughputDescription description) {
    if (description == null) {
      return ObservedCapacity.Decreases.NONE;
    }
    Instant last = description.lastDecreaseDateTime();
    return new ObservedCapacity.Decreases(description.numberOfDecreasesToday(), last);
  }

  private static long cap(Long value) {
    return value == null || value < 1 ? -1 : value;
  }
}
