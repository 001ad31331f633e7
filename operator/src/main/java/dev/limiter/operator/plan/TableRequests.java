package dev.limiter.operator.plan;

import dev.limiter.operator.api.BillingMode;
import dev.limiter.runtime.BillingSettings;
import dev.limiter.runtime.LimiterTableSchema;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexUpdate;
import software.amazon.awssdk.services.dynamodb.model.OnDemandThroughput;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughput;
import software.amazon.awssdk.services.dynamodb.model.StreamSpecification;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.model.Tag;
import software.amazon.awssdk.services.dynamodb.model.UpdateGlobalSecondaryIndexAction;
import software.amazon.awssdk.services.dynamodb.model.UpdateTableRequest;

/** Builds the DynamoDB requests the planner decides on. Pure. */
final class TableRequests {

  /** The stream view the limiter's usage aggregation reads. */
  static final StreamViewType STREAM_VIEW = StreamViewType.NEW_AND_OLD_IMAGES;

  private TableRequests() {}

  static CreateTableRequest create(DesiredTable desired) {
    DesiredCapacity capacity = desired.capacity();
    BillingSettings billing =
        capacity.mode() == BillingMode.Provisioned
            ? BillingSettings.provisioned(
                capacity.throughput().read(), capacity.throughput().write())
            : BillingSettings.onDemand(
                capacity.maxReadRequestUnits(), capacity.maxWriteRequestUnits());
    CreateTableRequest.Builder request =
        LimiterTableSchema.createTableRequest(desired.name(), billing).toBuilder()
            .deletionProtectionEnabled(!Boolean.FALSE.equals(desired.deletionProtection()))
            .tags(
                desired.tagsWithOwner().entrySet().stream()
                    .map(tag -> Tag.builder().key(tag.getKey()).value(tag.getValue()).build())
                    .toList());
    if (Boolean.TRUE.equals(desired.stream())) {
      request.streamSpecification(stream(true));
    }
    return request.build();
  }

  static UpdateTableRequest switchBillingMode(
      String table, CapacityDecision.SwitchBillingMode change, DesiredCapacity desired) {
    UpdateTableRequest.Builder request = UpdateTableRequest.builder().tableName(table);
    if (change.to() == BillingMode.OnDemand) {
      request.billingMode(
          software.amazon.awssdk.services.dynamodb.model.BillingMode.PAY_PER_REQUEST);
      if (desired.maxReadRequestUnits() != -1 || desired.maxWriteRequestUnits() != -1) {
        request.onDemandThroughput(
            caps(desired.maxReadRequestUnits(), desired.maxWriteRequestUnits()));
      }
      return request.build();
    }
    return request
        .billingMode(software.amazon.awssdk.services.dynamodb.model.BillingMode.PROVISIONED)
        .provisionedThroughput(throughput(change.throughput()))
        .globalSecondaryIndexUpdates(
            indexUpdates(
                change.indexes().stream()
                    .collect(Collectors.toMap(name -> name, name -> change.throughput()))))
        .build();
  }

  static UpdateTableRequest throughput(String table, CapacityDecision.UpdateThroughput change) {
    UpdateTableRequest.Builder request = UpdateTableRequest.builder().tableName(table);
    if (change.table() != null) {
      request.provisionedThroughput(throughput(change.table()));
    }
    if (!change.indexes().isEmpty()) {
      request.globalSecondaryIndexUpdates(indexUpdates(change.indexes()));
    }
    return request.build();
  }

  static UpdateTableRequest onDemandCaps(String table, CapacityDecision.UpdateOnDemandCaps change) {
    return UpdateTableRequest.builder()
        .tableName(table)
        .onDemandThroughput(caps(change.maxReadRequestUnits(), change.maxWriteRequestUnits()))
        .build();
  }

  static UpdateTableRequest stream(String table, boolean enabled) {
    return UpdateTableRequest.builder()
        .tableName(table)
        .streamSpecification(stream(enabled))
        .build();
  }

  static UpdateTableRequest deletionProtection(String table, boolean enabled) {
    return UpdateTableRequest.builder().tableName(table).deletionProtectionEnabled(enabled).build();
  }

  private static StreamSpecification stream(boolean enabled) {
    StreamSpecification.Builder stream = StreamSpecification.builder().streamEnabled(enabled);
    return (enabled ? stream.streamViewType(STREAM_VIEW) : stream).build();
  }

  private static ProvisionedThroughput throughput(Throughput throughput) {
    return ProvisionedThroughput.builder()
        .readCapacityUnits(throughput.read())
        .writeCapacityUnits(throughput.write())
        .build();
  }

  private static OnDemandThroughput caps(long maxRead, long maxWrite) {
    return OnDemandThroughput.builder()
        .maxReadRequestUnits(maxRead)
        .maxWriteRequestUnits(maxWrite)
        .build();
  }

  private static List<GlobalSecondaryIndexUpdate> indexUpdates(Map<String, Throughput> indexes) {
    return new TreeMap<>(indexes)
        .entrySet().stream()
            .map(
                index ->
                    GlobalSecondaryIndexUpdate.builder()
                        .update(
                            UpdateGlobalSecondaryIndexAction.builder()
                                .indexName(index.getKey())
                                .provisionedThroughput(throughput(index.getValue()))
                                .build())
                        .build())
            .toList();
  }
}
