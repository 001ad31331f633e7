package dev.limiter.runtime;

import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;

/**
 * The limiter {@link RateLimiter#fromEnvironment()} builds, its clients configured as there (two
 * pairs, bucket writes without the SDK's retries), but over given HTTP clients and credentials: for
 * benchmarking it on a canned client. In the runtime's package for its package-private entry point.
 */
public final class EnvironmentLimiter {

  private EnvironmentLimiter() {}

  /** The limiter of {@code environment} over {@code http} and {@code asyncHttp}. */
  public static RateLimiter over(
      Map<String, String> environment,
      SdkHttpClient http,
      SdkAsyncHttpClient asyncHttp,
      AwsCredentialsProvider credentials) {
    return LimiterEnvironment.limiter(
        environment, new LimiterEnvironment.Transport(() -> http, () -> asyncHttp, credentials));
  }
}
