package dev.limiter.sandbox.bench;

import dev.limiter.runtime.BillingSettings;
import dev.limiter.runtime.Limit;
import dev.limiter.runtime.LimiterTableSchema;
import dev.limiter.runtime.RateLimitExceededException;
import dev.limiter.runtime.RateLimiter;
import dev.limiter.testkit.ConsumedCapacityRecorder;
import dev.limiter.testkit.DynamoDbLocal;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** Our limiter: write-only GCRA, one conditional UpdateItem per acquire. */
final class LimiterEngine implements Engine {

  /** Engine name in reports. */
  static final String NAME = "limiter";

  private static final String RESOURCE = "bench";

  private final ConsumedCapacityRecorder recorder = new ConsumedCapacityRecorder();
  private final DynamoDbClient client;
  private final String tableName;
  private final RateLimiter limiter;
  private final List<Limit> limits;
  private final Map<String, Long> oneToken;

  LimiterEngine(DynamoDbLocal local, String tableName, BucketSpec spec, NetworkDelay network) {
    client = local.client(recorder, network);
    this.tableName = tableName;
    client.createTable(
        LimiterTableSchema.createTableRequest(tableName, BillingSettings.onDemand()));
    limiter = RateLimiter.builder().client(client).tableName(tableName).build();
    Limit limit = spec.toLimit();
    limits = List.of(limit);
    oneToken = Map.of(limit.name(), 1L);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public boolean tryAcquire(String key) {
    try {
      // Closing a lease without adjustments writes nothing.
      limiter.acquire(key, RESOURCE, oneToken, limits).close();
      return true;
    } catch (RateLimitExceededException e) {
      return false;
    }
  }

  @Override
  public ConsumedCapacityRecorder recorder() {
    return recorder;
  }

  @Override
  public void close() {
    limiter.close();
    // Dropping the table keeps the in-memory server from growing over the runs.
    client.deleteTable(b -> b.tableName(tableName));
    client.close();
  }
}
