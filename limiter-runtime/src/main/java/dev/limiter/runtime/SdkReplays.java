package dev.limiter.runtime;

import java.util.Optional;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkClient;
import software.amazon.awssdk.core.SdkServiceClientConfiguration;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.retries.api.RetryStrategy;

/**
 * Whether a client's SDK may replay a call, and the per-request override that stops it from doing
 * so for one request. The override is a plugin, and the SDK rebuilds the client's configuration for
 * every request that carries one (about a tenth of a bucket write's CPU), so it is added only where
 * the client would otherwise retry.
 */
final class SdkReplays {

  /**
   * The retry strategy alone: a client's override configuration takes only the options set in the
   * one it is given, so the client's others stay (and are not copied out and back on every call).
   */
  private static final ClientOverrideConfiguration DO_NOT_RETRY =
      ClientOverrideConfiguration.builder().retryStrategy(AwsRetryStrategy.doNotRetry()).build();

  /** Turns the SDK's retries off for the request that carries it. */
  static final AwsRequestOverrideConfiguration OFF =
      AwsRequestOverrideConfiguration.builder()
          .addPlugin(config -> config.overrideConfiguration(DO_NOT_RETRY))
          .build();

  private SdkReplays() {}

  /**
   * Whether {@code client} may send a call more than once: true unless its configuration says that
   * its retry strategy makes a single attempt. A legacy retry policy, or a client that does not
   * expose its configuration (a test double, a proxy), counts as retrying.
   */
  static boolean possible(SdkClient client) {
    Optional<ClientOverrideConfiguration> overrides;
    try {
      overrides =
          Optional.ofNullable(client.serviceClientConfiguration())
              .map(SdkServiceClientConfiguration::overrideConfiguration);
    } catch (RuntimeException e) {
      return true;
    }
    return overrides.isEmpty()
        || overrides.get().retryPolicy().isPresent()
        || overrides.get().retryStrategy().map(RetryStrategy::maxAttempts).orElse(0) != 1;
  }
}
