package dev.limiter.runtime;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
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

  private static final Pattern GO_DURATION_PART =
      Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|ms|s|m|h)");

  private static final Map<String, BigDecimal> GO_UNITS =
      Map.of(
          "ns", BigDecimal.ONE,
          "us", BigDecimal.valueOf(1_000),
          "µs", BigDecimal.valueOf(1_000),
          "ms", BigDecimal.valueOf(1_000_000),
          "s", BigDecimal.valueOf(1_000_000_000),
          "m", BigDecimal.valueOf(60_000_000_000L),
          "h", BigDecimal.valueOf(3_600_000_000_000L));

  private LimiterEnvironment() {}

  /**
   * What the limiter's clients send through: an HTTP client of each kind, each shared by the two
   * DynamoDB clients of its kind and closed by the limiter, and the credentials (null: the SDK's
   * default chain, one provider for all four clients, closed by the limiter).
   */
  record Transport(
      Supplier<SdkHttpClient> http,
      Supplier<SdkAsyncHttpClient> asyncHttp,
      AwsCredentialsProvider credentials) {

    /** The SDK's default HTTP clients (Apache, Netty) and credential chain. */
    static final Transport DEFAULT =
        new Transport(ApacheHttpClient::create, NettyNioAsyncHttpClient::create, null);
  }

  static RateLimiter limiter(Map<String, String> environment) {
    return limiter(environment, Transport.DEFAULT);
  }

  /**
   * The limiter of {@code environment}, with four clients over {@code transport}: a sync and an
   * async one with the SDK's retries for everything but bucket writes, and a pair without them for
   * bucket writes (which the SDK must not replay), so that those carry no per-request override.
   */
  static RateLimiter limiter(Map<String, String> environment, Transport transport) {
    String table = required(environment, "LIMITER_TABLE_NAME");
    Region region = Region.of(required(environment, "AWS_REGION"));
    URI endpoint = endpoint(environment.get("LIMITER_ENDPOINT_URL"));
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
    String window = environment.get("LIMITER_LOCAL_RESERVATION");
    LocalReservation reservation =
        window == null || window.isBlank() ? LocalReservation.OFF : localReservation(window);
    // Closed in this order by the limiter (or here, if building fails): the DynamoDB clients
    // (each put first), then what they share.
    List<AutoCloseable> owned = new ArrayList<>();
    try {
      SdkHttpClient http = transport.http().get();
      owned.add(http);
      SdkAsyncHttpClient asyncHttp = transport.asyncHttp().get();
      owned.add(asyncHttp);
      AwsCredentialsProvider credentials = transport.credentials();
      if (credentials == null) {
        DefaultCredentialsProvider chain = DefaultCredentialsProvider.builder().build();
        owned.add(chain);
        credentials = chain;
      }
      ClientSettings settings = new ClientSettings(region, endpoint, credentials);
      DynamoDbClient client = settings.sync(http, RETRIES);
      owned.add(0, client);
      DynamoDbClient writeClient = settings.sync(http, NO_RETRIES);
      owned.add(0, writeClient);
      DynamoDbAsyncClient asyncClient = settings.async(asyncHttp, RETRIES);
      owned.add(0, asyncClient);
      DynamoDbAsyncClient writeAsyncClient = settings.async(asyncHttp, NO_RETRIES);
      owned.add(0, writeAsyncClient);
      RateLimiterBuilder builder =
          RateLimiter.builder()
              .client(client)
              .asyncClient(asyncClient)
              .bucketWriteClient(writeClient)
              .bucketWriteAsyncClient(writeAsyncClient)
              .tableName(table)
              .onUnavailable(onUnavailable)
              .localReservation(reservation);
      owned.forEach(builder::owning);
      return builder.build();
    } catch (RuntimeException e) {
      for (AutoCloseable resource : owned) {
        try {
          resource.close();
        } catch (Exception suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw e;
    }
  }

  /**
   * A limiter sits on every request's path: fail fast rather than wait out the SDK's defaults.
   * Everything but bucket writes keeps the SDK's standard retries.
   */
  private static final ClientOverrideConfiguration RETRIES =
      ClientOverrideConfiguration.builder()
          .retryStrategy(RetryMode.STANDARD)
          .apiCallAttemptTimeout(Duration.ofSeconds(1))
          .apiCallTimeout(Duration.ofSeconds(3))
          .build();

  /** As {@link #RETRIES}, with a single attempt: the limiter's own attempts decide. */
  private static final ClientOverrideConfiguration NO_RETRIES =
      RETRIES.toBuilder().retryStrategy(AwsRetryStrategy.doNotRetry()).build();

  /** What the limiter's four clients have in common. */
  private record ClientSettings(Region region, URI endpoint, AwsCredentialsProvider credentials) {

    DynamoDbClient sync(SdkHttpClient http, ClientOverrideConfiguration overrides) {
      DynamoDbClientBuilder builder =
          DynamoDbClient.builder()
              .region(region)
              .credentialsProvider(credentials)
              .httpClient(http)
              .overrideConfiguration(overrides);
      if (endpoint != null) {
        builder.endpointOverride(endpoint);
      }
      return builder.build();
    }

    DynamoDbAsyncClient async(SdkAsyncHttpClient http, ClientOverrideConfiguration overrides) {
      DynamoDbAsyncClientBuilder builder =
          DynamoDbAsyncClient.builder()
              .region(region)
              .credentialsProvider(credentials)
              .httpClient(http)
              .overrideConfiguration(overrides);
      if (endpoint != null) {
        builder.endpointOverride(endpoint);
      }
      return builder.build();
    }
  }

  private static URI endpoint(String endpoint) {
    if (endpoint == null || endpoint.isBlank()) {
      return null;
    }
    try {
      return URI.create(endpoint.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "LIMITER_ENDPOINT_URL is not a URL: '" + endpoint + "'", e);
    }
  }

  /**
   * {@code LIMITER_LOCAL_RESERVATION}: a Go duration ({@code 100ms}, {@code 1m30s}; units ns, us,
   * µs, ms, s, m, h) or an ISO-8601 one ({@code PT0.1S}); {@code 0} for off.
   */
  static LocalReservation localReservation(String value) {
    String text = value.trim();
    try {
      Duration window = text.startsWith("P") ? Duration.parse(text) : goDuration(text);
      return LocalReservation.of(window);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "LIMITER_LOCAL_RESERVATION must be 0 or a duration of 10ms to 60s (Go or ISO-8601), got '"
              + value
              + "': "
              + e.getMessage(),
          e);
    }
  }

  private static Duration goDuration(String text) {
    if (text.equals("0")) {
      return Duration.ZERO;
    }
    Matcher part = GO_DURATION_PART.matcher(text);
    BigDecimal nanos = BigDecimal.ZERO;
    int end = 0;
    while (part.lookingAt()) {
      nanos = nanos.add(new BigDecimal(part.group(1)).multiply(GO_UNITS.get(part.group(2))));
      end = part.end();
      part.region(end, text.length());
    }
    if (end == 0 || end != text.length()) {
      throw new IllegalArgumentException("not a duration");
    }
    return Duration.ofNanos(nanos.setScale(0, RoundingMode.HALF_UP).longValueExact());
  }

  private static String required(Map<String, String> environment, String name) {
    String value = environment.get(name);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + " is not set");
    }
    return value.trim();
  }
}
