package dev.limiter.runtime;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
    String window = environment.get("LIMITER_LOCAL_RESERVATION");
    LocalReservation reservation =
        window == null || window.isBlank() ? LocalReservation.OFF : localReservation(window);
    DynamoDbClient client = sync.build();
    DynamoDbAsyncClient asyncClient = async.build();
    return RateLimiter.builder()
        .client(client)
        .asyncClient(asyncClient)
        .tableName(table)
        .onUnavailable(onUnavailable)
        .localReservation(reservation)
        .owning(client)
        .owning(asyncClient)
        .build();
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
