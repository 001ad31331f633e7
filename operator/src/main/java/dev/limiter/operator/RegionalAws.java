package dev.limiter.operator;

import dev.limiter.operator.aws.DynamoDbTables;
import dev.limiter.operator.aws.HierarchyItems;
import dev.limiter.operator.aws.SdkDynamoDbTables;
import dev.limiter.operator.aws.SdkHierarchyItems;
import dev.limiter.operator.aws.SdkTableAlarms;
import dev.limiter.operator.aws.SdkTableMetrics;
import dev.limiter.operator.aws.SdkTableScaling;
import dev.limiter.operator.aws.TableAlarms;
import dev.limiter.operator.aws.TableMetrics;
import dev.limiter.operator.aws.TableScaling;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.core.SdkClient;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.applicationautoscaling.ApplicationAutoScalingClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;

/**
 * The operator's AWS clients: one per region and service (DynamoDB, Application Auto Scaling,
 * CloudWatch), each created on first use with credentials from the SDK's default chain and the same
 * interceptor (the AWS call metrics).
 *
 * <p>The endpoint override ({@code --endpoint-url}) applies to DynamoDB only: it exists to point
 * the operator at DynamoDB Local, which has no Application Auto Scaling or CloudWatch, and sending
 * those calls there would only turn them into unknown-operation errors. They go to AWS's regional
 * endpoints whatever the override.
 */
final class RegionalAws implements AutoCloseable {

  private final URI dynamoDbEndpoint;
  private final ExecutionInterceptor interceptor;
  private final Map<String, DynamoDbClient> dynamoDbClients = new ConcurrentHashMap<>();
  private final Map<String, ApplicationAutoScalingClient> applicationAutoScalingClients =
      new ConcurrentHashMap<>();
  private final Map<String, CloudWatchClient> cloudWatchClients = new ConcurrentHashMap<>();

  /**
   * Clients that all carry {@code interceptor}; DynamoDB's go to {@code dynamoDbEndpoint} when it
   * is not null.
   */
  RegionalAws(URI dynamoDbEndpoint, ExecutionInterceptor interceptor) {
    this.dynamoDbEndpoint = dynamoDbEndpoint;
    this.interceptor = interceptor;
  }

  DynamoDbTables tables(String region) {
    return new SdkDynamoDbTables(dynamoDb(region));
  }

  HierarchyItems items(String region) {
    return new SdkHierarchyItems(dynamoDb(region));
  }

  TableScaling scaling(String region) {
    return new SdkTableScaling(applicationAutoScaling(region));
  }

  TableAlarms alarms(String region) {
    return new SdkTableAlarms(cloudWatch(region));
  }

  TableMetrics metrics(String region) {
    return new SdkTableMetrics(cloudWatch(region));
  }

  private DynamoDbClient dynamoDb(String region) {
    return dynamoDbClients.computeIfAbsent(
        region,
        r -> {
          DynamoDbClientBuilder builder =
              DynamoDbClient.builder()
                  .region(Region.of(r))
                  .overrideConfiguration(c -> c.addExecutionInterceptor(interceptor));
          if (dynamoDbEndpoint != null) {
            builder.endpointOverride(dynamoDbEndpoint);
          }
          return builder.build();
        });
  }

  private ApplicationAutoScalingClient applicationAutoScaling(String region) {
    return applicationAutoScalingClients.computeIfAbsent(
        region,
        r ->
            ApplicationAutoScalingClient.builder()
                .region(Region.of(r))
                .overrideConfiguration(c -> c.addExecutionInterceptor(interceptor))
                .build());
  }

  private CloudWatchClient cloudWatch(String region) {
    return cloudWatchClients.computeIfAbsent(
        region,
        r ->
            CloudWatchClient.builder()
                .region(Region.of(r))
                .overrideConfiguration(c -> c.addExecutionInterceptor(interceptor))
                .build());
  }

  @Override
  public void close() {
    for (Map<String, ? extends SdkClient> clients :
        List.of(dynamoDbClients, applicationAutoScalingClients, cloudWatchClients)) {
      clients.values().forEach(SdkClient::close);
    }
  }
}
