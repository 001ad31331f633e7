package dev.limiter.operator.plan;

import dev.limiter.runtime.BillingSettings;
import dev.limiter.runtime.LimiterTableSchema;
import java.util.List;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexDescription;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

/** Observed schemas for the planners' tests. */
public final class ObservedSchemas {

  private ObservedSchemas() {}

  /** The schema of a table created from {@link LimiterTableSchema}, as DescribeTable reports it. */
  public static ObservedSchema limiter() {
    return of(LimiterTableSchema.createTableRequest("any", BillingSettings.onDemand()));
  }

  /** The schema of a table created by {@code request}, as DescribeTable reports it. */
  public static ObservedSchema of(CreateTableRequest request) {
    List<GlobalSecondaryIndexDescription> indexes =
        request.globalSecondaryIndexes().stream()
            .map(
                index ->
                    GlobalSecondaryIndexDescription.builder()
                        .indexName(index.indexName())
                        .keySchema(index.keySchema())
                        .projection(index.projection())
                        .build())
            .toList();
    return ObservedSchema.of(
        TableDescription.builder()
            .keySchema(request.keySchema())
            .attributeDefinitions(request.attributeDefinitions())
            .globalSecondaryIndexes(indexes)
            .build());
  }
}
