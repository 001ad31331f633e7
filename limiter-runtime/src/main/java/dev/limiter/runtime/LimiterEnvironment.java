package dev.limiter.runtime;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClientBuilder;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;

/**
 * Builds a limiter, and the DynamoDB clients it owns, from environment variables ({@link
 * RateLimiter#fromEnvironment()}).
 */
final class LimiterEnvironment {

  private LimiterEnvironment() {}

  static RateLimiter limiter(Map<String, String> environment) {
    String table = required(environment, "LIMITER_TABLE_NAME");
    Region region = Region.of(required(environment, "AWS_REGION"));
    String endpoint = environment.get("LIMITER_ENDPOINT_URL");
    String policy = environment.get("LIMITER_ON_UNAVAILABLE");
    OnUnavailable onUnavailable = null;
    if (policy != null && !policy.isBlank()) {
      try {
        onUnavailable = OnUnavailable.valueOf(policy.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "LIMITER_ON_UNAVAILABLE must be ALLOW or BLOCK, got '" + policy + "'", e);
      }
    }
    // A limiter sits on every request's path: fail fast rather than wait out the SDK's defaults.
    ClientOverrideConfiguration overrides =
        ClientOverrideConfiguration.builder()
            .retryStrategy(RetryMode.STANDARD)
            .apiCallAttemptTimeout(Duration.ofSeconds(1))
            .apiCallTimeout(Duration.ofSeconds(3))
            .build();
    DynamoDbClientBuilder sync =
        DynamoDbClient.builder().region(region).overrideConfiguration(overrides);
    DynamoDbAsyncClientBuilder async =
        DynamoDbAsyncClient.builder().region(region).overrideConfiguration(overrides);
    if (endpoint != null && !endpoint.isBlank()) {
      URI uri;
      try {
        uri = URI.create(endpoint.trim());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "LIMITER_ENDPOINT_URL is not a URL: '" + endpoint + "'", e);
      }
      sync.endpointOverride(uri);
      async.endpointOverride(uri);
    }
    DynamoDbClient client = sync.build();
    DynamoDbAsyncClient asyncClient = async.build();
    return RateLimiter.builder()
        .client(client)
        .asyncClient(asyncClient)
        .tableName(table)
        .onUnavailable(onUnavailable)
        .owning(client)
        .owning(asyncClient)
        .build();
  }

  private static String required(Map<String, String> environment, String name) {
    String value = environment.get(name);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + " is not set");
    }
    return value.trim();
  }
}
