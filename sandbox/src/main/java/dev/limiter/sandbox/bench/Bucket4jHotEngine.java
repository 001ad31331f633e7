package dev.limiter.sandbox.bench;

import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.BucketProxy;
import io.github.bucket4j.distributed.proxy.ClientSideConfig;
import io.github.bucket4j.distributed.proxy.optimization.Optimization;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * One instance of Bucket4j over {@link DynamoDbBucket4jProxyManager} with one of its client-side
 * optimizations. An optimization lives in a bucket proxy, so the instance keeps one proxy per key
 * for its lifetime, as an application using them must.
 */
final class Bucket4jHotEngine implements HotEngine {

  private final DynamoDbBucket4jProxyManager buckets;
  private final BucketConfiguration configuration;
  private final Optimization optimization;
  private final Map<String, BucketProxy> proxies = new ConcurrentHashMap<>();

  private Bucket4jHotEngine(
      DynamoDbBucket4jProxyManager buckets,
      BucketConfiguration configuration,
      Optimization optimization) {
    this.buckets = buckets;
    this.configuration = configuration;
    this.optimization = optimization;
  }

  /** Bucket4j named {@code name}, every proxy built with {@code optimization}. */
  static Kind kind(String name, Optimization optimization) {
    return new Kind() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public void createTable(DynamoDbClient client, String tableName) {
        DynamoDbBucket4jProxyManager.createTable(client, tableName);
      }

      @Override
      public HotEngine open(DynamoDbClient client, String tableName, BucketSpec spec) {
        return new Bucket4jHotEngine(
            new DynamoDbBucket4jProxyManager(client, tableName, ClientSideConfig.getDefault()),
            spec.toBucket4j(),
            optimization);
      }
    };
  }

  @Override
  public Outcome tryAcquire(String key) {
    ConsumptionProbe probe =
        proxies
            .computeIfAbsent(
                key, k -> buckets.builder().withOptimization(optimization).build(k, configuration))
            .tryConsumeAndReturnRemaining(1);
    return probe.isConsumed() ? Outcome.ADMITTED : Outcome.refused(probe.getNanosToWaitForRefill());
  }

  @Override
  public void close() {
    proxies.clear();
  }
}
