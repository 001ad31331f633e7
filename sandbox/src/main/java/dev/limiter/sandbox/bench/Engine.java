package dev.limiter.sandbox.bench;

import dev.limiter.testkit.ConsumedCapacityRecorder;
import dev.limiter.testkit.DynamoDbLocal;

/**
 * A distributed rate limiter under test: one token per call, on its own DynamoDB client so that the
 * calls and capacity it consumes are counted apart from the other engine's.
 */
interface Engine extends AutoCloseable {

  /** Short name for reports. */
  String name();

  /** Takes one token from {@code key}'s bucket; false when the bucket is empty. */
  boolean tryAcquire(String key);

  /** Counts this engine's DynamoDB calls and capacity units. */
  ConsumedCapacityRecorder recorder();

  /** Drops the engine's table and closes its client. */
  @Override
  void close();

  /**
   * Opens an engine on a new client and a new table named {@code tableName}, enforcing {@code
   * spec}.
   */
  @FunctionalInterface
  interface Factory {
    Engine open(DynamoDbLocal local, String tableName, BucketSpec spec, NetworkDelay network);
  }
}
