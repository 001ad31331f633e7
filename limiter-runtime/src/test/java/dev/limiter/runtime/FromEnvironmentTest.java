package dev.limiter.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.limiter.testkit.DynamoDbLocal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

class FromEnvironmentTest {

  @Test
  void missingOrInvalidVariablesAreNamed() {
    assertThatThrownBy(() -> RateLimiter.fromEnvironment(Map.of("AWS_REGION", "us-east-1")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("LIMITER_TABLE_NAME is not set");
    assertThatThrownBy(() -> RateLimiter.fromEnvironment(Map.of("LIMITER_TABLE_NAME", "limits")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("AWS_REGION is not set");
    assertThatThrownBy(
            () ->
                RateLimiter.fromEnvironment(
                    Map.of(
                        "LIMITER_TABLE_NAME",
                        "limits",
                        "AWS_REGION",
                        "us-east-1",
                        "LIMITER_ON_UNAVAILABLE",
                        "maybe")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ALLOW or BLOCK");
    assertThatThrownBy(
            () ->
                RateLimiter.fromEnvironment(
                    Map.of(
                        "LIMITER_TABLE_NAME",
                        "limits",
                        "AWS_REGION",
                        "us-east-1",
                        "LIMITER_ENDPOINT_URL",
                        "http://bad host")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("LIMITER_ENDPOINT_URL");
  }

  @Test
  void buildsAWorkingLimiterFromTheEnvironment() {
    DynamoDbLocal local = DynamoDbLocal.shared();
    String table;
    try (DynamoDbClient client = local.client()) {
      table = LimiterTables.create(client);
    }
    // The SDK's default credential chain reads these system properties; DynamoDB Local keeps one
    // database per access key and region, so both match the clients that created the table.
    System.setProperty("aws.accessKeyId", "local");
    System.setProperty("aws.secretAccessKey", "local");
    try (RateLimiter limiter =
        RateLimiter.fromEnvironment(
            Map.of(
                "LIMITER_TABLE_NAME",
                table,
                "AWS_REGION",
                DynamoDbLocal.REGION.id(),
                "LIMITER_ENDPOINT_URL",
                local.endpoint().toString(),
                "LIMITER_ON_UNAVAILABLE",
                "allow"))) {
      assertThat(limiter.tableName()).isEqualTo(table);
      assertThat(limiter.onUnavailable()).isEqualTo(OnUnavailable.ALLOW);
      List<Limit> limits = List.of(Limit.perSecond("rps", 1));
      assertThat(limiter.acquire("key-1", "api", Map.of("rps", 1L), limits).enforced()).isTrue();
      assertThatThrownBy(
              () -> limiter.acquireAsync("key-1", "api", Map.of("rps", 1L), limits).join())
          .hasCauseInstanceOf(RateLimitExceededException.class);
    } finally {
      System.clearProperty("aws.accessKeyId");
      System.clearProperty("aws.secretAccessKey");
    }
  }
}
