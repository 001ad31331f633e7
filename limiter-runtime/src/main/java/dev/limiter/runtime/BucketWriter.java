package dev.limiter.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * Runs {@link BucketWrite} attempts against DynamoDB until one is applied or rejected, keeping the
 * branch-guessing cache up to date. A mis-guess costs one extra write; the attempts are bounded.
 */
final class BucketWriter {

  /** One guess, one corrected retry, and two more in case concurrent writers flip the state. */
  static final int MAX_ATTEMPTS = 4;

  /**
   * Cancellation reasons after which a transaction is sent again as it was: the item was not the
   * cause ({@code None}), or it conflicted with another transaction on the same item.
   */
  private static final Set<String> RETRIED_REASONS = Set.of("None", "TransactionConflict");

  private final String tableName;
  private final DynamoDbGateway gateway;
  private final BucketStateCache cache;

  BucketWriter(String tableName, DynamoDbGateway gateway, BucketStateCache cache) {
    this.tableName = tableName;
    this.gateway = gateway;
    this.cache = cache;
  }

  BucketWrite.Outcome write(BucketKey key, List<LimitOp> ops, long nowNanos) {
    BucketWrite attempt = first(key, ops, nowNanos);
    for (int i = 0; i < MAX_ATTEMPTS; i++) {
      BucketWrite.Outcome outcome;
      try {
        outcome = succeeded(attempt, gateway.update(attempt.request()));
      } catch (ConditionalCheckFailedException e) {
        outcome = conditionFailed(attempt, e);
      }
      if (!(outcome instanceof BucketWrite.Retry retry)) {
        return outcome;
      }
      attempt = retry.next();
    }
    throw contention(key);
  }

  CompletableFuture<BucketWrite.Outcome> writeAsync(BucketKey key, List<LimitOp> ops, long nowNanos) {
    return attemptAsync(first(key, ops, nowNanos), 1);
  }

  private CompletableFuture<BucketWrite.Outcome> attemptAsync(BucketWrite attempt, int number) {
    return gateway.updateAsync(attempt.request())
        .handle((response, failure) -> {
          if (failure == null) {
            return succeeded(attempt, response);
          }
          if (DynamoDbGateway.unwrap(failure) instanceof ConditionalCheckFailedException e) {
            return conditionFailed(attempt, e);
          }
          throw failure instanceof RuntimeException r ? r : new RateLimiterException("bucket write failed", failure);
        })
        .thenCompose(outcome -> {
          if (!(outcome instanceof BucketWrite.Retry retry)) {
            return CompletableFuture.completedFuture(outcome);
          }
          if (number >= MAX_ATTEMPTS) {
            return CompletableFuture.failedFuture(contention(attempt.key()));
          }
          return attemptAsync(retry.next(), number + 1);
        });
  }

  /**
   * Writes several buckets all-or-nothing in one TransactWriteItems (2 WCU per item). A refusal of
   * any bucket refuses all ({@code Rejected} with every violation); mis-guessed branches are
   * corrected from the old items the cancellation returns, and transaction conflicts retried,
   * within {@link #MAX_ATTEMPTS}. Any other cancellation reason (throttling, validation) fails the
   * future with the {@link TransactionCanceledException} at once.
   */
  CompletableFuture<BucketWrite.Outcome> writeTogetherAsync(List<BucketKey> keys, List<List<LimitOp>> ops, long nowNanos) {
    List<BucketWrite> attempts = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      attempts.add(first(keys.get(i), ops.get(i), nowNanos));
    }
    return transactAsync(attempts, 1);
  }

  private CompletableFuture<BucketWrite.Outcome> transactAsync(List<BucketWrite> attempts, int number) {
    TransactWriteItemsRequest request = TransactWriteItemsRequest.builder()
        .transactItems(attempts.stream().map(BucketWrite::transactItem).toList())
        .build();
    return gateway.transactWriteAsync(request).handle((response, failure) -> {
      if (failure == null) {
        attempts.forEach(attempt -> cache.merge(attempt.key(), attempt.appliedWithoutAttributes().state(), attempt.nowNanos()));
        return CompletableFuture.<BucketWrite.Outcome>completedFuture(new BucketWrite.Applied(BucketState.EMPTY));
      }
      if (!(DynamoDbGateway.unwrap(failure) instanceof TransactionCanceledException cancelled)) {
        return CompletableFuture.<BucketWrite.Outcome>failedFuture(DynamoDbGateway.unwrap(failure));
      }
      List<BucketWrite> next = new ArrayList<>();
      List<Violation> violations = new ArrayList<>();
      boolean retryable = true;
      for (int i = 0; i < attempts.size(); i++) {
        BucketWrite attempt = attempts.get(i);
        CancellationReason reason = cancelled.cancellationReasons().get(i);
        if (RETRIED_REASONS.contains(reason.code())) {
          next.add(attempt); // not the cause, or a conflict with another transaction: try it again as it was
          continue;
        }
        if (!"ConditionalCheckFailed".equals(reason.code())) {
          retryable = false; // throttled (a refusal for the key) or a refused request: the same again would fail too
          continue;
        }
        BucketState old = BucketState.decodeItem(attempt.key(), reason.item());
        cache.replace(attempt.key(), old, attempt.nowNanos());
        BucketWrite.Outcome outcome = attempt.conditionFailed(old);
        if (outcome instanceof BucketWrite.Rejected rejected) {
          violations.addAll(rejected.violations());
        }
        next.add(outcome instanceof BucketWrite.Retry retry ? retry.next() : attempt);
      }
      if (!violations.isEmpty()) {
        return CompletableFuture.<BucketWrite.Outcome>completedFuture(new BucketWrite.Rejected(violations));
      }
      if (!retryable) {
        return CompletableFuture.<BucketWrite.Outcome>failedFuture(cancelled);
      }
      if (number >= MAX_ATTEMPTS) {
        return CompletableFuture.<BucketWrite.Outcome>failedFuture(contention(attempts.get(0).key()));
      }
      return transactAsync(next, number + 1);
    }).thenCompose(outcome -> outcome);
  }

  private BucketWrite first(BucketKey key, List<LimitOp> ops, long nowNanos) {
    return new BucketWrite(tableName, key, ops, cache.get(key), nowNanos);
  }

  private BucketWrite.Outcome succeeded(BucketWrite attempt, UpdateItemResponse response) {
    BucketWrite.Applied applied = attempt.succeeded(response.attributes());
    cache.merge(attempt.key(), applied.state(), attempt.nowNanos());
    return applied;
  }

  private BucketWrite.Outcome conditionFailed(BucketWrite attempt, ConditionalCheckFailedException e) {
    BucketState old = BucketState.decodeItem(attempt.key(), e.item());
    cache.replace(attempt.key(), old, attempt.nowNanos());
    return attempt.conditionFailed(old);
  }

  private RateLimiterException contention(BucketKey key) {
    return new RateLimiterException("bucket " + key + " changed under every one of " + MAX_ATTEMPTS
        + " attempts; giving up on this request");
  }
}
