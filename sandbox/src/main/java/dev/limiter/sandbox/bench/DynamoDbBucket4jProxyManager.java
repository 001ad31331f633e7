package dev.limiter.sandbox.bench;

import io.github.bucket4j.BucketExceptions;
import io.github.bucket4j.distributed.proxy.ClientSideConfig;
import io.github.bucket4j.distributed.proxy.generic.compare_and_swap.AbstractCompareAndSwapBasedProxyManager;
import io.github.bucket4j.distributed.proxy.generic.compare_and_swap.AsyncCompareAndSwapOperation;
import io.github.bucket4j.distributed.proxy.generic.compare_and_swap.CompareAndSwapOperation;
import io.github.bucket4j.distributed.remote.RemoteBucketState;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.awscore.AwsRequest;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * Bucket4j buckets stored in DynamoDB, built the way Bucket4j's former DynamoDB module worked, so
 * the benchmark compares against what a Bucket4j user would actually run.
 *
 * <p>Each bucket is one item of its own table: string partition key {@value #KEY} and the
 * serialized Bucket4j state as binary attribute {@value #STATE}. Every Bucket4j command is an
 * optimistic compare-and-swap: a strongly consistent GetItem reads the state, Bucket4j applies the
 * command on the client, and a PutItem conditioned on the state being unchanged ({@code
 * attribute_not_exists} for a new bucket, byte equality otherwise) writes it back. That is two
 * round trips per command (1 RCU + 1 WCU for small items); when another client wrote in between,
 * the condition fails and Bucket4j starts over with a fresh read.
 *
 * <p>Synchronous only: {@link #isAsyncModeSupported()} is false, as it was in that module.
 * Thread-safe.
 */
public final class DynamoDbBucket4jProxyManager
    extends AbstractCompareAndSwapBasedProxyManager<String> {

  /** Partition key attribute: the bucket's key. */
  public static final String KEY = "key";

  /** Binary attribute holding the serialized bucket state. */
  public static final String STATE = "state";

  // Both attribute names are DynamoDB reserved words, so expressions go through placeholders.
  private static final Map<String, String> STATE_NAME = Map.of("#state", STATE);

  private final DynamoDbClient client;
  private final String tableName;

  /**
   * A proxy manager over {@code tableName} (see {@link #createTable}). Bucket4j 8.19 takes its
   * client-side settings (clock, retries, timeout) as a {@link ClientSideConfig}, for instance
   * {@link ClientSideConfig#getDefault()}.
   */
  public DynamoDbBucket4jProxyManager(
      DynamoDbClient client, String tableName, ClientSideConfig config) {
    super(config);
    this.client = Objects.requireNonNull(client, "client");
    this.tableName = Objects.requireNonNull(tableName, "tableName");
  }

  /** Creates an on-demand table keyed by string attribute {@value #KEY}. */
  public static void createTable(DynamoDbClient client, String tableName) {
    client.createTable(
        CreateTableRequest.builder()
            .tableName(tableName)
            .keySchema(KeySchemaElement.builder().attributeName(KEY).keyType(KeyType.HASH).build())
            .attributeDefinitions(
                AttributeDefinition.builder()
                    .attributeName(KEY)
                    .attributeType(ScalarAttributeType.S)
                    .build())
            .billingMode(BillingMode.PAY_PER_REQUEST)
            .build());
  }

  @Override
  protected CompareAndSwapOperation beginCompareAndSwapOperation(String key) {
    Map<String, AttributeValue> itemKey = itemKey(key);
    return new CompareAndSwapOperation() {
      @Override
      public Optional<byte[]> getStateData(Optional<Long> timeoutNanos) {
        GetItemRequest.Builder get =
            GetItemRequest.builder().tableName(tableName).key(itemKey).consistentRead(true);
        AttributeValue state =
            client.getItem(withTimeout(get, timeoutNanos).build()).item().get(STATE);
        return Optional.ofNullable(state).map(value -> value.b().asByteArray());
      }

      @Override
      public boolean compareAndSwap(
          byte[] originalData,
          byte[] newData,
          RemoteBucketState newState,
          Optional<Long> timeoutNanos) {
        PutItemRequest.Builder put =
            PutItemRequest.builder()
                .tableName(tableName)
                .item(
                    Map.of(
                        KEY,
                        itemKey.get(KEY),
                        STATE,
                        AttributeValue.fromB(SdkBytes.fromByteArray(newData))))
                .expressionAttributeNames(STATE_NAME);
        if (originalData == null) {
          put.conditionExpression("attribute_not_exists(#state)");
        } else {
          put.conditionExpression("#state = :original")
              .expressionAttributeValues(
                  Map.of(":original", AttributeValue.fromB(SdkBytes.fromByteArray(originalData))));
        }
        try {
          client.putItem(withTimeout(put, timeoutNanos).build());
          return true;
        } catch (ConditionalCheckFailedException e) {
          return false;
        }
      }
    };
  }

  @Override
  protected AsyncCompareAndSwapOperation beginAsyncCompareAndSwapOperation(String key) {
    throw BucketExceptions.asyncModeIsNotSupported();
  }

  @Override
  public void removeProxy(String key) {
    client.deleteItem(DeleteItemRequest.builder().tableName(tableName).key(itemKey(key)).build());
  }

  @Override
  protected CompletableFuture<Void> removeAsync(String key) {
    return CompletableFuture.failedFuture(BucketExceptions.asyncModeIsNotSupported());
  }

  @Override
  public boolean isAsyncModeSupported() {
    return false;
  }

  private static Map<String, AttributeValue> itemKey(String key) {
    return Map.of(KEY, AttributeValue.fromS(key));
  }

  /** Bounds the call by Bucket4j's request timeout, when one is configured. */
  private static <B extends AwsRequest.Builder> B withTimeout(
      B request, Optional<Long> timeoutNanos) {
    timeoutNanos.ifPresent(
        nanos -> request.overrideConfiguration(o -> o.apiCallTimeout(Duration.ofNanos(nanos))));
    return request;
  }
}
