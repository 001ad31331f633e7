package dev.limiter.sandbox.bench;

import dev.limiter.testkit.ConsumedCapacityRecorder;
import dev.limiter.testkit.DynamoDbLocal;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.proxy.ClientSideConfig;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** Bucket4j with default client-side settings over {@link DynamoDbBucket4jProxyManager}. */
final class Bucket4jEngine implements Engine {

  /** Engine name in reports. */
  static final String NAME = "bucket4j";

  private final ConsumedCapacityRecorder recorder = new ConsumedCapacityRecorder();
  private final DynamoDbClient client;
  private final String tableName;
  private final DynamoDbBucket4jProxyManager buckets;
  private final BucketConfiguration configuration;

  Bucket4jEngine(DynamoDbLocal local, String tableName, BucketSpec spec, NetworkDelay network) {
    client = local.client(recorder, network);
    this.tableName = tableName;
    DynamoDbBucket4jProxyManager.createTable(client, tableName);
    buckets = new DynamoDbBucket4jProxyManager(client, tableName, ClientSideConfig.getDefault());
    configuration = spec.toBucket4j();
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public boolean tryAcquire(String key) {
    // A proxy is a light handle that caches no bucket state: one per call, as per-request code
    // does.
    return buckets.builder().build(key, configuration).tryConsume(1);
  }

  @Override
  public ConsumedCapacityRecorder recorder() {
    return recorder;
  }

  @Override
  public void close() {
    // Dropping the table keeps the in-memory server from growing over the runs.
    client.deleteTable(b -> b.tableName(tableName));
    client.close();
  }
}
