package dev.limiter.runtime;

import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** Creates uniquely named limiter tables for tests. */
final class LimiterTables {

  private static final AtomicInteger COUNTER = new AtomicInteger();

  private LimiterTables() {}

  /** Creates an on-demand limiter table and returns its name. */
  static String create(DynamoDbClient client) {
    String name = "limits-" + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet();
    client.createTable(LimiterTableSchema.createTableRequest(name, BillingSettings.onDemand()));
    return name;
  }
}
