package dev.limiter.runtime;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.TransactionInProgressException;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * Runs {@link BucketWrite} attempts against DynamoDB until one is applied, rejected or undecided,
 * keeping the branch-guessing cache up to date. A mis-guess costs one extra write; the attempts are
 * bounded.
 *
 * <p>Exactly once: an UpdateItem is never replayed by the SDK. When an attempt's outcome is hidden
 * (server error, timeout, broken connection), the next attempt recognises an earlier one's effect
 * from the item ({@link BucketWrite#recognising}). Transactions (cascades, adjustments and refunds)
 * are not replayed by the SDK either: each carries a {@code ClientRequestToken}, and after a hidden
 * outcome the limiter sends the same transaction again, which DynamoDB applies once within its
 * ten-minute window; the outcome is decided over all of its attempts, so a later attempt that
 * certainly wrote nothing never hides that an earlier one may have.
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
  private final BucketBounds bounds;

  BucketWriter(
      String tableName, DynamoDbGateway gateway, BucketStateCache cache, BucketBounds bounds) {
    this.tableName = tableName;
    this.gateway = gateway;
    this.cache = cache;
    this.bounds = bounds;
  }

  BucketWrite.Outcome write(BucketKey key, List<LimitOp> ops, long nowNanos) {
    return write(key, ops, nowNanos, UnaryOperator.identity());
  }

  /**
   * {@link #write}, its first attempt's branches guessed from {@code guess} applied to the cached
   * state (the caller may know better whether the bucket is busy; a wrong guess costs one attempt).
   */
  BucketWrite.Outcome write(
      BucketKey key, List<LimitOp> ops, long nowNanos, UnaryOperator<BucketState> guess) {
    BucketWrite attempt = first(key, ops, nowNanos, guess);
    for (int i = 1; ; i++) {
      BucketWrite.Outcome outcome;
      try {
        outcome = succeeded(attempt, gateway.updateOnce(attempt::request));
      } catch (RuntimeException e) {
        outcome = failed(attempt, e);
      }
      if (!(outcome instanceof BucketWrite.Retry retry)) {
        return outcome;
      }
      if (i >= MAX_ATTEMPTS) {
        return exhausted(retry.next());
      }
      attempt = retry.next();
    }
  }

  CompletableFuture<BucketWrite.Outcome> writeAsync(
      BucketKey key, List<LimitOp> ops, long nowNanos) {
    return writeAsync(key, ops, nowNanos, UnaryOperator.identity());
  }

  /** {@link #writeAsync}, guessed as {@link #write(BucketKey, List, long, UnaryOperator)} is. */
  CompletableFuture<BucketWrite.Outcome> writeAsync(
      BucketKey key, List<LimitOp> ops, long nowNanos, UnaryOperator<BucketState> guess) {
    return attemptAsync(first(key, ops, nowNanos, guess), 1);
  }

  private CompletableFuture<BucketWrite.Outcome> attemptAsync(BucketWrite attempt, int number) {
    return gateway
        .updateOnceAsync(attempt::request)
        .handle(
            (response, failure) ->
                failure == null ? succeeded(attempt, response) : failed(attempt, failure))
        .thenCompose(
            outcome -> {
              if (!(outcome instanceof BucketWrite.Retry retry)) {
                return CompletableFuture.completedFuture(outcome);
              }
              if (number >= MAX_ATTEMPTS) {
                return CompletableFuture.completedFuture(exhausted(retry.next()));
              }
              return attemptAsync(retry.next(), number + 1);
            });
  }

  /**
   * Writes several buckets all-or-nothing in one TransactWriteItems (2 WCU per item). A refusal of
   * any bucket refuses all ({@code Rejected} with every violation); mis-guessed branches are
   * corrected from the old items the cancellation returns, and transaction conflicts retried,
   * within {@link #MAX_ATTEMPTS}; any other cancellation reason (throttling, validation) fails the
   * future with the {@link TransactionCanceledException} at once. Each transaction carries its own
   * client request token and is sent once per attempt: a hidden outcome (server error, timeout,
   * broken connection) sends the same transaction, token included, again, so it applies once, and
   * from then on only success decides; any other end fails the future with the failure that hid it
   * ({@link #outcomeHidden}: applied once or not at all).
   */
  CompletableFuture<BucketWrite.Outcome> writeTogetherAsync(
      List<BucketKey> keys, List<List<LimitOp>> ops, long nowNanos) {
    List<BucketWrite> attempts = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      attempts.add(first(keys.get(i), ops.get(i), nowNanos, UnaryOperator.identity()));
    }
    return transactAsync(attempts, List.of(), 1);
  }

  /**
   * Writes a lease's charges and refunds to one bucket, exactly once: a one-item transaction (2
   * WCU).
   */
  CompletableFuture<BucketWrite.Outcome> adjustAsync(
      BucketKey key, List<LimitOp> ops, long nowNanos) {
    return writeTogetherAsync(List.of(key), List.of(ops), nowNanos);
  }

  private CompletableFuture<BucketWrite.Outcome> transactAsync(
      List<BucketWrite> attempts, List<LimitOp> done, int number) {
    TransactWriteItemsRequest request =
        TransactWriteItemsRequest.builder()
            .transactItems(attempts.stream().map(BucketWrite::transactItem).toList())
            .clientRequestToken(UUID.randomUUID().toString())
            .build();
    return sendAsync(request, attempts, done, number, null);
  }

  /**
   * Sends one transaction, and again as it was (the same client request token, so that it applies
   * once) while its outcome is hidden; {@code hidden} is the failure that hid an earlier attempt of
   * this very transaction, null for none. Once one was hidden, only success decides: a conflict or
   * the first attempt still in progress sends it again as it was too, and any other answer fails
   * the future with {@code hidden}, the later failure suppressed in it, so that callers see an
   * outcome hidden ({@link #outcomeHidden}), never one certainly not written. With nothing hidden,
   * a cancellation is handled as a new transaction ({@link #cancelledAsync}): nothing applied.
   */
  private CompletableFuture<BucketWrite.Outcome> sendAsync(
      TransactWriteItemsRequest request,
      List<BucketWrite> attempts,
      List<LimitOp> done,
      int number,
      Throwable hidden) {
    return gateway
        .transactWriteOnceAsync(
            override -> request.toBuilder().overrideConfiguration(override).build())
        .handle(
            (response, failure) -> {
              if (failure == null) {
                return CompletableFuture.completedFuture(applied(attempts, done));
              }
              Throwable cause = DynamoDbGateway.unwrap(failure);
              boolean hides = outcomeHidden(cause);
              if (hides || (hidden != null && sameAgain(cause))) {
                Throwable unresolved = hides ? cause : hidden;
                if (number < MAX_ATTEMPTS) {
                  return sendAsync(request, attempts, done, number + 1, unresolved);
                }
                return undecided(unresolved, cause);
              }
              if (hidden != null) {
                return undecided(hidden, cause);
              }
              if (!(cause instanceof TransactionCanceledException cancelled)) {
                return CompletableFuture.<BucketWrite.Outcome>failedFuture(cause);
              }
              return cancelledAsync(cancelled, attempts, done, number);
            })
        .thenCompose(outcome -> outcome);
  }

  /**
   * Whether a failure after a hidden attempt asks for the same transaction again: it conflicted
   * with another write in progress on an item (the items not the cause are {@code None}), or the
   * hidden attempt is still in progress.
   */
  private static boolean sameAgain(Throwable cause) {
    if (cause instanceof TransactionInProgressException) {
      return true;
    }
    return cause instanceof TransactionCanceledException cancelled
        && cancelled.hasCancellationReasons()
        && cancelled.cancellationReasons().stream()
            .allMatch(reason -> RETRIED_REASONS.contains(reason.code()));
  }

  /**
   * An earlier attempt's outcome was hidden by {@code hidden} and {@code last} decides nothing
   * about it: the transaction applied once or not at all.
   */
  private static CompletableFuture<BucketWrite.Outcome> undecided(
      Throwable hidden, Throwable last) {
    if (last != hidden) {
      hidden.addSuppressed(last);
    }
    return CompletableFuture.failedFuture(hidden);
  }

  private BucketWrite.Outcome applied(List<BucketWrite> attempts, List<LimitOp> done) {
    List<LimitOp> applied = new ArrayList<>(done);
    attempts.forEach(
        attempt -> {
          cache.merge(
              attempt.key(), attempt.appliedWithoutAttributes().state(), attempt.nowNanos());
          applied.addAll(attempt.ops());
        });
    return new BucketWrite.Applied(BucketState.EMPTY, applied);
  }

  /**
   * A transaction DynamoDB cancelled, none of whose attempts may have applied: refused, corrected
   * from the old items it returned and sent as a new transaction, or failed.
   */
  private CompletableFuture<BucketWrite.Outcome> cancelledAsync(
      TransactionCanceledException cancelled,
      List<BucketWrite> attempts,
      List<LimitOp> done,
      int number) {
    List<BucketWrite> next = new ArrayList<>();
    List<LimitOp> settled = new ArrayList<>(done);
    List<Violation> violations = new ArrayList<>();
    boolean retryable = true;
    for (int i = 0; i < attempts.size(); i++) {
      BucketWrite attempt = attempts.get(i);
      CancellationReason reason = cancelled.cancellationReasons().get(i);
      if (RETRIED_REASONS.contains(reason.code())) {
        // Not the cause, or a conflict with another write: sent again as it was (nothing applied,
        // so as a new transaction).
        next.add(attempt);
        continue;
      }
      if (!"ConditionalCheckFailed".equals(reason.code())) {
        // Throttled (a refusal for the key) or a refused request: the same again would fail too.
        retryable = false;
        continue;
      }
      BucketState old = BucketState.decodeItem(attempt.key(), reason.item());
      cache.replace(attempt.key(), old, attempt.nowNanos());
      BucketWrite.Outcome outcome = attempt.conditionFailed(old);
      if (outcome instanceof BucketWrite.Rejected rejected) {
        violations.addAll(rejected.violations());
        next.add(attempt);
      } else if (outcome instanceof BucketWrite.Retry retry) {
        next.add(retry.next());
      } else if (outcome instanceof BucketWrite.Applied applied) {
        settled.addAll(applied.ops()); // nothing left to write to this bucket
      }
    }
    if (!violations.isEmpty()) {
      return CompletableFuture.completedFuture(new BucketWrite.Rejected(violations));
    }
    if (!retryable) {
      return CompletableFuture.failedFuture(cancelled);
    }
    if (next.isEmpty()) {
      return CompletableFuture.completedFuture(new BucketWrite.Applied(BucketState.EMPTY, settled));
    }
    if (number >= MAX_ATTEMPTS) {
      return CompletableFuture.failedFuture(contention(attempts.get(0).key()));
    }
    return transactAsync(next, settled, number + 1);
  }

  private BucketWrite first(
      BucketKey key, List<LimitOp> ops, long nowNanos, UnaryOperator<BucketState> guess) {
    return BucketWrite.of(tableName, key, ops, guess.apply(cache.get(key)), nowNanos, bounds);
  }

  private BucketWrite.Outcome succeeded(BucketWrite attempt, UpdateItemResponse response) {
    BucketWrite.Applied applied = attempt.succeeded(response.attributes());
    cache.merge(attempt.key(), applied.state(), attempt.nowNanos());
    return applied;
  }

  /**
   * A failed attempt: a refused condition decides; a hidden outcome is resolved by the next
   * attempt; anything else fails.
   */
  private BucketWrite.Outcome failed(BucketWrite attempt, Throwable failure) {
    Throwable cause = DynamoDbGateway.unwrap(failure);
    if (cause instanceof ConditionalCheckFailedException e) {
      BucketState old = BucketState.decodeItem(attempt.key(), e.item());
      cache.replace(attempt.key(), old, attempt.nowNanos());
      return attempt.conditionFailed(old);
    }
    if (outcomeHidden(cause)) {
      return new BucketWrite.Retry(attempt.recognising(cause));
    }
    if (attempt.unresolved() != null) {
      // This attempt surely did nothing, but an earlier one may have applied.
      return new BucketWrite.Undecided(attempt.unresolved().cause(), cause);
    }
    throw cause instanceof RuntimeException r
        ? r
        : new RateLimiterException("bucket write failed", cause);
  }

  /**
   * Whether a failure may hide a write that committed: a server error, a timeout or a connection
   * that broke after sending. Throttling, other client errors and connections never made mean
   * nothing was written.
   */
  static boolean outcomeHidden(Throwable cause) {
    if (cause instanceof AwsServiceException service) {
      return service.statusCode() >= 500 && !service.isThrottlingException();
    }
    if (!(cause instanceof SdkClientException)) {
      return false;
    }
    for (Throwable c = cause; c != null; c = c.getCause()) {
      if (c instanceof ConnectException || c instanceof UnknownHostException) {
        return false;
      }
    }
    return true;
  }

  /**
   * Out of attempts: a write whose earlier attempts may have applied is undecided, otherwise the
   * bucket is too contended.
   */
  private BucketWrite.Outcome exhausted(BucketWrite next) {
    if (next.unresolved() != null) {
      return new BucketWrite.Undecided(next.unresolved().cause(), next.unresolved().cause());
    }
    throw contention(next.key());
  }

  private RateLimiterException contention(BucketKey key) {
    return new RateLimiterException(
        "bucket "
            + key
            + " changed under every one of "
            + MAX_ATTEMPTS
            + " attempts; giving up on this request");
  }
}
