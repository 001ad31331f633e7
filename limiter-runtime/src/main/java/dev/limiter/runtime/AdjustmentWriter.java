package dev.limiter.runtime;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes leases' adjustments and refunds exactly once, and reports those certainly not written or
 * undecided.
 */
final class AdjustmentWriter {

  private static final Logger LOG = LoggerFactory.getLogger(RateLimiter.class);

  private final String tableName;
  private final BucketWriter writer;
  private final BucketBounds bounds;
  private final Clock clock;
  private final OutagePolicy outages;
  private final UsageListener usage;

  AdjustmentWriter(
      String tableName,
      BucketWriter writer,
      BucketBounds bounds,
      Clock clock,
      OutagePolicy outages,
      UsageListener usage) {
    this.tableName = tableName;
    this.writer = writer;
    this.bounds = bounds;
    this.clock = clock;
    this.outages = outages;
    this.usage = usage;
  }

  /** Bucket time now. */
  long nowNanos() {
    return EpochNanos.now(clock);
  }

  /** Most tokens one charge may add to {@code limit} (the debt bound, {@link BucketBounds}). */
  long maxChargeTokens(Limit limit) {
    return bounds.maxChargeTokens(limit);
  }

  /**
   * Writes a lease's charges and refunds computed at {@code nowNanos}, exactly once (a one-item
   * transaction with a client request token), under the unavailability policy. A failure that
   * certainly wrote nothing (connection refused, throttled) is reported as not written; one that
   * hid the outcome of any of its attempts (server error, timeout, broken connection) as undecided:
   * applied once or not at all.
   */
  void write(BucketKey key, List<LimitOp> ops, long nowNanos) {
    BucketWrite.Outcome outcome;
    try {
      outcome = Futures.join(writer.adjustAsync(key, ops, nowNanos));
    } catch (RuntimeException e) {
      Throwable cause = DynamoDbGateway.unwrap(e);
      if (BucketWriter.outcomeHidden(cause)) {
        Map<String, Long> deltas = deltas(ops);
        usage.onUndecided(key.entityId(), key.resource(), deltas);
        LOG.warn(
            "whether a lease adjustment of {} tokens on limiter table {} was written cannot be"
                + " known ({}); at most once",
            deltas,
            tableName,
            cause.toString());
        outages.failed(cause, null);
        return;
      }
      notWritten(key, ops, e);
      return;
    }
    outages.succeeded();
    if (!(outcome instanceof BucketWrite.Applied applied)) {
      throw new IllegalStateException("an unconditional adjustment was refused: " + outcome);
    }
    if (!applied.ops().isEmpty()) {
      usage.onAdjusted(key.entityId(), key.resource(), deltas(applied.ops()));
    }
  }

  /**
   * Gives back what one side of a refused cascade took, without waiting and without the policy: a
   * refund that fails is reported (undecided, or certainly not written) and leaves the tokens
   * taken.
   */
  CompletableFuture<BucketWrite.Outcome> refundAsync(
      BucketKey key, List<LimitOp> ops, long nowNanos) {
    return writer
        .adjustAsync(key, ops, nowNanos)
        .whenComplete(
            (refunded, refundFailure) -> {
              Throwable cause =
                  refundFailure == null ? null : DynamoDbGateway.unwrap(refundFailure);
              if (cause != null && BucketWriter.outcomeHidden(cause)) {
                usage.onUndecided(key.entityId(), key.resource(), deltas(ops));
              } else if (cause != null) {
                // Certainly not given back (throttled, unreachable): the other side's tokens stay
                // taken.
                usage.onAdjustmentNotWritten(key.entityId(), key.resource(), deltas(ops), cause);
              }
            });
  }

  private static Map<String, Long> deltas(List<LimitOp> ops) {
    Map<String, Long> deltas = new LinkedHashMap<>();
    ops.forEach(
        op ->
            deltas.merge(
                op.name(),
                op.kind() == LimitOp.Kind.REFUND ? -op.tokens() : op.tokens(),
                Long::sum));
    return deltas;
  }

  /**
   * An adjustment that certainly was not written (unreachable, throttled, or refused): reported to
   * the usage listener and logged; then a throttled one returns (retrying it at once would be
   * throttled too), an unavailable one follows the policy (BLOCK: {@link Lease#close()} throws),
   * and a refused one throws a {@link RateLimiterException}.
   */
  private void notWritten(BucketKey key, List<LimitOp> ops, RuntimeException failure) {
    Throwable cause = DynamoDbGateway.unwrap(failure);
    Map<String, Long> deltas = deltas(ops);
    usage.onAdjustmentNotWritten(key.entityId(), key.resource(), deltas, cause);
    LOG.warn(
        "a lease adjustment of {} tokens on limiter table {} was not written ({}); the bucket does"
            + " not reflect it",
        deltas,
        tableName,
        cause.toString());
    if (!DynamoDbGateway.isThrottled(cause)) {
      outages.failed(cause, null);
    }
  }
}
