package dev.limiter.bench;

import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * The SDK's floor under our acquire: the bare {@code updateItem} of exactly the request our limiter
 * sends for one acquire ({@link OursOnCannedDynamoDb#firstUpdateItem}, built once and sent again
 * and again), over the same canned client, with nothing of the limiter around it. Sent as the
 * limiter sends it to a client that retries (with its per-request plugin that turns the SDK's
 * retries off) and without that plugin, so the difference is what the plugin costs and ours minus
 * the first is what the limiter adds.
 */
public final class BareSdkOnCannedDynamoDb implements AutoCloseable {

  private final CannedDynamoDb http = new CannedDynamoDb();
  private final DynamoDbClient client = http.client();
  private final UpdateItemRequest asSent;
  private final UpdateItemRequest withoutOverride;

  /** The request of an acquire taking one token of each of {@code limitCount} limits. */
  public BareSdkOnCannedDynamoDb(int limitCount) {
    asSent = OursOnCannedDynamoDb.firstUpdateItem(limitCount);
    withoutOverride =
        asSent.toBuilder().overrideConfiguration((AwsRequestOverrideConfiguration) null).build();
    http.answer("UpdateItem", OursOnCannedDynamoDb.updatedAttributes(limitCount));
  }

  /** The request as the limiter sent it to a client with the SDK's default retries. */
  public UpdateItemRequest asSent() {
    return asSent;
  }

  /** The same request without any per-request override configuration. */
  public UpdateItemRequest withoutOverride() {
    return withoutOverride;
  }

  /** One {@code updateItem} of {@code request}. */
  public UpdateItemResponse send(UpdateItemRequest request) {
    return client.updateItem(request);
  }

  /** The canned HTTP client, for checks. */
  public CannedDynamoDb http() {
    return http;
  }

  @Override
  public void close() {
    client.close();
  }
}
