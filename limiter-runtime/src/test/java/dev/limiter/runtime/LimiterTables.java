package dev.limiter.runtime;

import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;

/** Creates uniquely named limiter tables for tests. */
final class LimiterTables {

  private static final AtomicInteger COUNTER = new AtomicInteger();

  private LimiterTables() {}

  /** Creates an on-demand limiter table and returns its name. */
  static String create(DynamoDbClient client) {
    String name = "limits-" + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet();
    try {
      client.createTable(LimiterTableSchema.createTableRequest(name, BillingSettings.onDemand()));
    } catch (ResourceInUseException e) {
      // The SDK retried a create that a cold DynamoDB Local answered too slowly; the name is this process's own.
    }
    return name;
  }
}
