package dev.limiter.operator;

import dev.limiter.operator.aws.DynamoDbTables;
import dev.limiter.operator.aws.HierarchyItems;
import dev.limiter.operator.aws.SdkDynamoDbTables;
import dev.limiter.operator.aws.SdkHierarchyItems;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;

/** One DynamoDB client per region, created on first use (credentials from the SDK's default chain). */
final class RegionalDynamoDb implements AutoCloseable {

  private final URI endpoint;
  private final ExecutionInterceptor interceptor;
  private final Map<String, DynamoDbClient> clients = new ConcurrentHashMap<>();

  RegionalDynamoDb(URI endpoint, ExecutionInterceptor interceptor) {
    this.endpoint = endpoint;
    this.interceptor = interceptor;
  }

  DynamoDbTables tables(String region) {
    return new SdkDynamoDbTables(client(region));
  }

  HierarchyItems items(String region) {
    return new SdkHierarchyItems(client(region));
  }

  private DynamoDbClient client(String region) {
    return clients.computeIfAbsent(region, r -> {
      DynamoDbClientBuilder builder = DynamoDbClient.builder().region(Region.of(r))
          .overrideConfiguration(c -> c.addExecutionInterceptor(interceptor));
      if (endpoint != null) {
        builder.endpointOverride(endpoint);
      }
      return builder.build();
    });
  }

  @Override
  public void close() {
    clients.values().forEach(DynamoDbClient::close);
  }
}
