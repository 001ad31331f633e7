package dev.limiter.runtime;

import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;

/** Creates uniquely named limiter tables for tests. */
final class LimiterTables {

  private static final AtomicInteger COUNTER = new AtomicInteger();

  private LimiterTables() {}

  /** Creates an on-demand limiter table and returns its name. */
  static String create(DynamoDbClient client) {
    String name = "limits-" + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet();
    for (int attempt = 1; ; attempt++) {
      try {
        client.createTable(LimiterTableSchema.createTableRequest(name, BillingSettings.onDemand()));
        return name;
      } catch (ResourceInUseException e) {
        return name; // a create that a slow (cold or loaded) DynamoDB Local answered too late went
        // through; the name is ours
      } catch (SdkClientException e) {
        if (attempt == 3) {
          throw e;
        }
      }
    }
  }
}
