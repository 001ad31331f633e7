package dev.limiter.runtime;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * The limiter's DynamoDB calls over whichever client it was given: a synchronous call on an
 * async-only limiter joins the future; an asynchronous call on a sync-only limiter runs on {@code
 * executor}. Bucket writes ({@link #updateOnce}, {@link #transactWriteOnceAsync}) go to the
 * bucket-write clients, which are the others unless the limiter built a pair without the SDK's
 * retries for them.
 */
final class DynamoDbGateway {

  /** Cancellation reasons of a TransactWriteItems item that DynamoDB throttled. */
  static final Set<String> THROTTLED_REASONS =
      Set.of("ThrottlingError", "ProvisionedThroughputExceeded", "RequestLimitExceeded");

  private final DynamoDbClient client;
  private final DynamoDbAsyncClient asyncClient;
  private final DynamoDbClient writeClient;
  private final DynamoDbAsyncClient writeAsyncClient;
  private final boolean writesReplayed;
  private final boolean asyncWritesReplayed;
  private final Executor executor;
  private final Consumer<SdkHttpResponse> responses;

  /**
   * A gateway over whichever clients are given, bucket writes included; {@code responses} sees the
   * HTTP response of every item read and write, successful or refused (the clock-skew check reads
   * its {@code Date}).
   */
  DynamoDbGateway(
      DynamoDbClient client,
      DynamoDbAsyncClient asyncClient,
      Executor executor,
      Consumer<SdkHttpResponse> responses) {
    this(client, asyncClient, client, asyncClient, executor, responses);
  }

  /**
   * As {@link #DynamoDbGateway(DynamoDbClient, DynamoDbAsyncClient, Executor, Consumer)}, with
   * bucket writes sent through {@code writeClient} and {@code writeAsyncClient} (each null exactly
   * when its counterpart is).
   */
  DynamoDbGateway(
      DynamoDbClient client,
      DynamoDbAsyncClient asyncClient,
      DynamoDbClient writeClient,
      DynamoDbAsyncClient writeAsyncClient,
      Executor executor,
      Consumer<SdkHttpResponse> responses) {
    if (client == null && asyncClient == null) {
      throw new IllegalArgumentException("a DynamoDbClient or a DynamoDbAsyncClient is required");
    }
    if ((client == null) != (writeClient == null)
        || (asyncClient == null) != (writeAsyncClient == null)) {
      throw new IllegalArgumentException("a bucket-write client is required for each client");
    }
    this.client = client;
    this.asyncClient = asyncClient;
    this.writeClient = writeClient;
    this.writeAsyncClient = writeAsyncClient;
    this.writesReplayed = writeClient != null && SdkReplays.possible(writeClient);
    this.asyncWritesReplayed = writeAsyncClient != null && SdkReplays.possible(writeAsyncClient);
    this.executor = executor;
    this.responses = responses;
  }

  /**
   * A bucket write, which the SDK must not replay (a replay of a write that committed would apply
   * it twice): sent once, {@code request} given the per-request override that turns retries off
   * when the bucket-write client would retry ({@link SdkReplays}), null otherwise.
   */
  UpdateItemResponse updateOnce(
      Function<AwsRequestOverrideConfiguration, UpdateItemRequest> request) {
    try {
      return seen(
          writeClient != null
              ? writeClient.updateItem(request.apply(override(writesReplayed)))
              : join(writeAsyncClient.updateItem(request.apply(override(asyncWritesReplayed)))));
    } catch (AwsServiceException e) {
      throw seen(e);
    }
  }

  /** As {@link #updateOnce}, asynchronously. */
  CompletableFuture<UpdateItemResponse> updateOnceAsync(
      Function<AwsRequestOverrideConfiguration, UpdateItemRequest> request) {
    if (writeAsyncClient != null) {
      return seenAsync(writeAsyncClient.updateItem(request.apply(override(asyncWritesReplayed))));
    }
    UpdateItemRequest sent = request.apply(override(writesReplayed));
    return seenAsync(onExecutor(() -> writeClient.updateItem(sent)));
  }

  private static AwsRequestOverrideConfiguration override(boolean replayed) {
    return replayed ? SdkReplays.OFF : null;
  }

  UpdateItemResponse update(UpdateItemRequest request) {
    try {
      return seen(
          client != null ? client.updateItem(request) : join(asyncClient.updateItem(request)));
    } catch (AwsServiceException e) {
      throw seen(e);
    }
  }

  CompletableFuture<UpdateItemResponse> updateAsync(UpdateItemRequest request) {
    return seenAsync(
        asyncClient != null
            ? asyncClient.updateItem(request)
            : onExecutor(() -> client.updateItem(request)));
  }

  GetItemResponse get(GetItemRequest request) {
    try {
      return seen(client != null ? client.getItem(request) : join(asyncClient.getItem(request)));
    } catch (AwsServiceException e) {
      throw seen(e);
    }
  }

  CompletableFuture<GetItemResponse> getAsync(GetItemRequest request) {
    return seenAsync(
        asyncClient != null
            ? asyncClient.getItem(request)
            : onExecutor(() -> client.getItem(request)));
  }

  private <R extends SdkResponse> R seen(R response) {
    responses.accept(response.sdkHttpResponse());
    return response;
  }

  private AwsServiceException seen(AwsServiceException failure) {
    if (failure.awsErrorDetails() != null) {
      responses.accept(failure.awsErrorDetails().sdkHttpResponse());
    }
    return failure;
  }

  private <R extends SdkResponse> CompletableFuture<R> seenAsync(CompletableFuture<R> call) {
    return call.whenComplete(
        (response, failure) -> {
          if (response != null) {
            seen(response);
          } else if (unwrap(failure) instanceof AwsServiceException service) {
            seen(service);
          }
        });
  }

  QueryResponse query(QueryRequest request) {
    return client != null ? client.query(request) : join(asyncClient.query(request));
  }

  BatchWriteItemResponse batchWrite(BatchWriteItemRequest request) {
    return client != null
        ? client.batchWriteItem(request)
        : join(asyncClient.batchWriteItem(request));
  }

  void transactWrite(TransactWriteItemsRequest request) {
    if (client != null) {
      client.transactWriteItems(request);
    } else {
      join(asyncClient.transactWriteItems(request));
    }
  }

  /**
   * A bucket transaction (cascade, charge, refund), sent once as {@link #updateOnce} is: the SDK
   * must not replay it, or a later attempt's failure would hide that an earlier one may have
   * applied. Its client request token lets the limiter send it again itself, applied once.
   */
  CompletableFuture<TransactWriteItemsResponse> transactWriteOnceAsync(
      Function<AwsRequestOverrideConfiguration, TransactWriteItemsRequest> request) {
    if (writeAsyncClient != null) {
      return writeAsyncClient.transactWriteItems(request.apply(override(asyncWritesReplayed)));
    }
    TransactWriteItemsRequest sent = request.apply(override(writesReplayed));
    return onExecutor(() -> writeClient.transactWriteItems(sent));
  }

  BatchGetItemResponse batchGet(BatchGetItemRequest request) {
    return client != null ? client.batchGetItem(request) : join(asyncClient.batchGetItem(request));
  }

  CompletableFuture<BatchGetItemResponse> batchGetAsync(BatchGetItemRequest request) {
    return asyncClient != null
        ? asyncClient.batchGetItem(request)
        : onExecutor(() -> client.batchGetItem(request));
  }

  void put(PutItemRequest request) {
    if (client != null) {
      client.putItem(request);
    } else {
      join(asyncClient.putItem(request));
    }
  }

  void delete(DeleteItemRequest request) {
    if (client != null) {
      client.deleteItem(request);
    } else {
      join(asyncClient.deleteItem(request));
    }
  }

  /**
   * Whether a failure means the table cannot be reached or cannot serve anything right now (as
   * opposed to a bad request or a throttled key): network errors and timeouts, server errors that
   * outlived the SDK's retries, and a missing table (not created yet, or deleted). Throttling is
   * not unavailability: it is a property of one key's partition ({@link #isThrottled}).
   */
  static boolean isUnavailable(Throwable failure) {
    Throwable cause = unwrap(failure);
    if (cause instanceof SdkClientException || cause instanceof ResourceNotFoundException) {
      return true;
    }
    return cause instanceof AwsServiceException service
        && !service.isThrottlingException()
        && service.statusCode() >= 500;
  }

  /**
   * Whether DynamoDB throttled the request after the SDK's retries: a throttling error
   * (ProvisionedThroughputExceeded, ThrottlingException, RequestLimitExceeded, ...) or a
   * transaction cancelled because one of its items was throttled.
   */
  static boolean isThrottled(Throwable failure) {
    Throwable cause = unwrap(failure);
    if (cause instanceof TransactionCanceledException cancelled
        && cancelled.hasCancellationReasons()) {
      return cancelled.cancellationReasons().stream()
          .anyMatch(reason -> THROTTLED_REASONS.contains(reason.code()));
    }
    return cause instanceof AwsServiceException service && service.isThrottlingException();
  }

  /**
   * A blocking call of the synchronous client on the executor; a full executor fails the future at
   * once.
   */
  private <T> CompletableFuture<T> onExecutor(Supplier<T> call) {
    try {
      return CompletableFuture.supplyAsync(call, executor);
    } catch (RejectedExecutionException e) {
      return CompletableFuture.failedFuture(
          new RateLimiterException(
              "too many asynchronous limiter calls are waiting for a thread (a limiter without an"
                  + " async client runs them on a bounded pool); give it a DynamoDbAsyncClient or"
                  + " an executor",
              e));
    }
  }

  /** The failure inside the wrappers that futures add. */
  static Throwable unwrap(Throwable failure) {
    Throwable cause = failure;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }

  private static <T> T join(CompletableFuture<T> future) {
    try {
      return future.join();
    } catch (CompletionException e) {
      Throwable cause = unwrap(e);
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw e;
    }
  }
}
