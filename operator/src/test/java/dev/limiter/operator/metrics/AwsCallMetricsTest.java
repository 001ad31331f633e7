package dev.limiter.operator.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.limiter.runtime.BillingSettings;
import dev.limiter.runtime.LimiterTableSchema;
import dev.limiter.testkit.DynamoDbLocal;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

/** AWS calls counted by operation and outcome, against DynamoDB Local. */
class AwsCallMetricsTest {

  @Test
  void countsSuccessesAndAwsErrorCodes() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (DynamoDbClient client = DynamoDbLocal.shared().client(new AwsCallMetrics(registry))) {
      client.createTable(
          LimiterTableSchema.createTableRequest("metrics-counted", BillingSettings.onDemand()));
      client.describeTable(b -> b.tableName("metrics-counted"));
      client.describeTable(b -> b.tableName("metrics-counted"));
      assertThatThrownBy(() -> client.describeTable(b -> b.tableName("metrics-missing")))
          .isInstanceOf(ResourceNotFoundException.class);
    }
    assertThat(count(registry, "CreateTable", "success")).isEqualTo(1);
    assertThat(count(registry, "DescribeTable", "success")).isEqualTo(2);
    assertThat(count(registry, "DescribeTable", "ResourceNotFoundException")).isEqualTo(1);
  }

  private static double count(SimpleMeterRegistry registry, String operation, String outcome) {
    return registry
        .get(AwsCallMetrics.CALLS)
        .tag("service", "DynamoDb")
        .tag("operation", operation)
        .tag("outcome", outcome)
        .counter()
        .count();
  }
}
