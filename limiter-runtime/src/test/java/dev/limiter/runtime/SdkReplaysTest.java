package dev.limiter.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.net.URI;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.core.retry.RetryPolicy;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** Which clients' SDK may replay a bucket write, as SDK 2.41 reports its retry settings. */
class SdkReplaysTest {

  @Test
  void onlyARetryStrategyOfOneAttemptRulesReplaysOut() {
    assertThat(possible(o -> {})).as("the SDK's default").isTrue();
    assertThat(possible(o -> o.retryStrategy(RetryMode.STANDARD))).isTrue();
    assertThat(possible(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))).isFalse();
    assertThat(possible(o -> o.retryStrategy(b -> b.maxAttempts(1)))).isFalse();
    assertThat(possible(o -> o.retryStrategy(b -> b.maxAttempts(2)))).isTrue();
  }

  @Test
  void aLegacyRetryPolicyCountsAsRetryingEvenWithoutRetries() {
    // The SDK then reports a retry strategy of its own beside the policy: which applies is not
    // read from it.
    assertThat(possible(o -> o.retryPolicy(RetryPolicy.none()))).isTrue();
  }

  @Test
  void aClientThatHidesItsConfigurationCountsAsRetrying() {
    DynamoDbClient hiding =
        (DynamoDbClient)
            Proxy.newProxyInstance(
                DynamoDbClient.class.getClassLoader(),
                new Class<?>[] {DynamoDbClient.class},
                (proxy, method, args) -> {
                  throw new UnsupportedOperationException(method.getName());
                });
    DynamoDbClient empty =
        (DynamoDbClient)
            Proxy.newProxyInstance(
                DynamoDbClient.class.getClassLoader(),
                new Class<?>[] {DynamoDbClient.class},
                (proxy, method, args) -> null);

    assertThat(SdkReplays.possible(hiding)).isTrue();
    assertThat(SdkReplays.possible(empty)).isTrue();
  }

  private static boolean possible(Consumer<ClientOverrideConfiguration.Builder> overrides) {
    try (DynamoDbClient client =
        DynamoDbClient.builder()
            .region(Region.US_EAST_1)
            .endpointOverride(URI.create("http://dynamodb.test.invalid"))
            .credentialsProvider(AnonymousCredentialsProvider.create())
            .overrideConfiguration(overrides)
            .build()) {
      return SdkReplays.possible(client);
    }
  }
}
