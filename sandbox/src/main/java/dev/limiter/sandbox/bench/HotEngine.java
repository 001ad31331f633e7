package dev.limiter.sandbox.bench;

import dev.limiter.runtime.ReservationStats;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * One instance of a distributed rate limiter in the hot-key benchmark: one token per call, on its
 * own DynamoDB client. Thread-safe.
 */
interface HotEngine extends AutoCloseable {

  /** Takes one token from {@code key}'s bucket. */
  Outcome tryAcquire(String key);

  /** What local reservation did in this instance so far ({@link ReservationStats#NONE} if none). */
  default ReservationStats reservationStats() {
    return ReservationStats.NONE;
  }

  /** Gives back what the instance holds and releases its resources (not its client). */
  @Override
  void close();

  /**
   * An acquire's outcome; a refusal says how long until the same request would be admitted, given
   * no other traffic.
   */
  record Outcome(boolean admitted, long retryAfterNanos) {

    static final Outcome ADMITTED = new Outcome(true, 0);

    static Outcome refused(long retryAfterNanos) {
      return new Outcome(false, retryAfterNanos);
    }
  }

  /** An engine as the benchmark runs it: a named way to make a table and its instances. */
  interface Kind {

    /** Short name for reports. */
    String name();

    /** Creates the engine's table, {@code tableName}, through {@code client}. */
    void createTable(DynamoDbClient client, String tableName);

    /** Opens one instance over {@code client}, enforcing {@code spec} on every key. */
    HotEngine open(DynamoDbClient client, String tableName, BucketSpec spec);
  }
}
