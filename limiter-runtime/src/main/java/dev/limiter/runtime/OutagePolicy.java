package dev.limiter.runtime;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;

/**
 * The unavailability policy: decides calls while an outage is known ({@link OutageBreaker},
 * probes), turns failures and undecided writes into fail-open fallbacks or exceptions, and refuses
 * throttled keys.
 */
final class OutagePolicy {

  /**
   * Wait after an outage is detected before the first probe; it doubles after each failed probe.
   */
  static final Duration FIRST_PROBE_BACKOFF = Duration.ofMillis(100);

  /**
   * Longest wait between probes: with {@link #PROBE_TIMEOUT}, a recovery is noticed within about a
   * second.
   */
  static final Duration MAX_PROBE_BACKOFF = Duration.ofMillis(500);

  /** A probe (one GetItem of the hierarchy marker) that takes longer counts as failed. */
  static final Duration PROBE_TIMEOUT = Duration.ofMillis(500);

  private final String tableName;
  private final OnUnavailable configured;
  private final StoredLimits storedLimits;
  private final DynamoDbGateway gateway;
  private final UsageListener usage;
  private final OutageBreaker outages;

  /**
   * @param configured the policy the limiter was built with, or null to follow the table's stored
   *     default
   */
  OutagePolicy(
      String tableName,
      OnUnavailable configured,
      StoredLimits storedLimits,
      DynamoDbGateway gateway,
      UsageListener usage,
      AvailabilityListener availability) {
    this.tableName = tableName;
    this.configured = configured;
    this.storedLimits = storedLimits;
    this.gateway = gateway;
    this.usage = usage;
    this.outages =
        new OutageBreaker(
            tableName,
            this::onUnavailable,
            availability,
            System::nanoTime,
            FIRST_PROBE_BACKOFF,
            MAX_PROBE_BACKOFF,
            PROBE_TIMEOUT);
  }

  /** See {@link RateLimiter#onUnavailable()}. */
  OnUnavailable onUnavailable() {
    return configured != null
        ? configured
        : storedLimits.storedPolicy().orElse(OnUnavailable.BLOCK);
  }

  /**
   * Whether this call may go to DynamoDB: not while an outage is known (the breaker is open), when
   * it is decided at once instead of waiting out a timeout; the call that ends a back-off window
   * starts one probe.
   */
  boolean mayCall() {
    OutageBreaker.Permit permit = outages.permit();
    if (permit == OutageBreaker.Permit.PROBE) {
      probe();
    }
    return permit == OutageBreaker.Permit.CALL;
  }

  /**
   * Whether an outage is known (the breaker is open): then an acquire first tries what this
   * instance holds reserved, which needs no call, before the policy decides.
   */
  boolean outageKnown() {
    return outages.isOpen();
  }

  /** DynamoDB answered a call: an outage, if one was known, is over. */
  void succeeded() {
    outages.succeeded();
  }

  /**
   * Applies the unavailability policy to a failure: {@code fallback} under ALLOW, a {@link
   * RateLimiterUnavailableException} under BLOCK; throttling is a refusal ({@link
   * BucketThrottledException}) whatever the policy; other failures are rethrown.
   */
  <T> T failed(Throwable failure, T fallback) {
    Throwable cause = DynamoDbGateway.unwrap(failure);
    if (DynamoDbGateway.isThrottled(cause)) {
      throw new BucketThrottledException(tableName, cause);
    }
    if (cause instanceof RateLimiterUnavailableException undecided) {
      // An undecided write on a table that answers: the policy applies, the breaker stays closed.
      if (onUnavailable() == OnUnavailable.ALLOW) {
        return fallback;
      }
      throw undecided;
    }
    if (DynamoDbGateway.isUnavailable(cause)) {
      outages.failed(cause);
      if (onUnavailable() == OnUnavailable.ALLOW) {
        return fallback;
      }
      throw new RateLimiterUnavailableException(
          "limiter table " + tableName + " is unavailable: " + cause.getMessage(), cause);
    }
    if (cause instanceof SdkException) {
      throw new RateLimiterException(
          "DynamoDB refused a request on limiter table " + tableName + ": " + cause.getMessage(),
          cause);
    }
    throw Futures.rethrow(cause);
  }

  /**
   * The unavailability policy for a call not sent because an outage is known: {@code fallback}
   * under ALLOW.
   */
  <T> T unavailableNow(T fallback) {
    if (onUnavailable() == OnUnavailable.ALLOW) {
      return fallback;
    }
    Throwable cause = outages.lastFailure();
    throw new RateLimiterUnavailableException(
        "limiter table "
            + tableName
            + " is unavailable"
            + (cause == null ? "" : ": " + cause.getMessage())
            + " (decided without calling DynamoDB until a probe succeeds)",
        cause);
  }

  /** As {@link #unavailableNow}, as a future. */
  <T> CompletableFuture<T> decidedNow(T fallback) {
    try {
      return CompletableFuture.completedFuture(unavailableNow(fallback));
    } catch (RateLimiterUnavailableException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * Reports an acquire whose write may or may not have applied, and returns the failure that
   * decides it ({@link #failed}): the last attempt's, or, when DynamoDB answered that attempt, a
   * {@link RateLimiterUnavailableException} that applies the policy without reporting an outage
   * (the table serves; only this write's outcome is unknown).
   */
  Throwable undecided(BucketTake take, BucketWrite.Undecided undecided) {
    usage.onUndecided(take.key().entityId(), take.key().resource(), take.consume());
    if (undecided.lastFailure() != null) {
      return undecided.lastFailure();
    }
    return new RateLimiterUnavailableException(
        "limiter table "
            + tableName
            + " answered, but whether a write to bucket "
            + take.key()
            + " applied cannot be known ("
            + undecided.cause().getMessage()
            + "); not admitted",
        undecided.cause());
  }

  /**
   * One cheap read (the hierarchy marker, eventually consistent: 0.5 RCU) with a short timeout; any
   * answer but an unavailable one, throttling included, means the table serves again.
   */
  private void probe() {
    GetItemRequest request =
        GetItemRequest.builder()
            .tableName(tableName)
            .key(LimiterTableSchema.hierarchyMarkerKey())
            .projectionExpression("#pk")
            .expressionAttributeNames(Map.of("#pk", LimiterTableSchema.PARTITION_KEY))
            .overrideConfiguration(
                o -> o.apiCallTimeout(PROBE_TIMEOUT).apiCallAttemptTimeout(PROBE_TIMEOUT))
            .build();
    CompletableFuture<?> call;
    try {
      call = gateway.getAsync(request);
    } catch (RuntimeException e) {
      call = CompletableFuture.failedFuture(e);
    }
    call.whenComplete(
        (response, failure) -> {
          if (failure != null && DynamoDbGateway.isUnavailable(failure)) {
            outages.probeFailed(DynamoDbGateway.unwrap(failure));
          } else {
            outages.probeSucceeded();
          }
        });
  }
}
