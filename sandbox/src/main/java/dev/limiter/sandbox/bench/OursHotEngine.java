package dev.limiter.sandbox.bench;

import dev.limiter.runtime.BillingSettings;
import dev.limiter.runtime.Limit;
import dev.limiter.runtime.LimiterTableSchema;
import dev.limiter.runtime.RateLimitExceededException;
import dev.limiter.runtime.RateLimiter;
import dev.limiter.runtime.RateLimiterBuilder;
import dev.limiter.runtime.ReservationStats;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** One instance of our limiter, with explicit limits, configured by a builder step. */
final class OursHotEngine implements HotEngine {

  private static final String RESOURCE = "bench";

  private final RateLimiter limiter;
  private final List<Limit> limits;
  private final Map<String, Long> oneToken;

  private OursHotEngine(RateLimiter limiter, BucketSpec spec) {
    this.limiter = limiter;
    Limit limit = spec.toLimit();
    limits = List.of(limit);
    oneToken = Map.of(limit.name(), 1L);
  }

  /** Our limiter named {@code name}, built with {@code configure} applied to its builder. */
  static Kind kind(String name, UnaryOperator<RateLimiterBuilder> configure) {
    return new Kind() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public void createTable(DynamoDbClient client, String tableName) {
        client.createTable(
            LimiterTableSchema.createTableRequest(tableName, BillingSettings.onDemand()));
      }

      @Override
      public HotEngine open(DynamoDbClient client, String tableName, BucketSpec spec) {
        RateLimiterBuilder builder = RateLimiter.builder().client(client).tableName(tableName);
        return new OursHotEngine(configure.apply(builder).build(), spec);
      }
    };
  }

  @Override
  public Outcome tryAcquire(String key) {
    try {
      // Closing a lease without adjustments writes nothing.
      limiter.acquire(key, RESOURCE, oneToken, limits).close();
      return Outcome.ADMITTED;
    } catch (RateLimitExceededException e) {
      return Outcome.refused(e.retryAfter().toNanos());
    }
  }

  @Override
  public ReservationStats reservationStats() {
    return limiter.reservationStats();
  }

  @Override
  public void close() {
    limiter.close();
  }
}
