package dev.limiter.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;

/**
 * An acquire's write to one bucket that may reserve: with a pool that finds the key hot, the same
 * conditional UpdateItem asks per limit for the request's tokens plus a batch. Refused, the bucket
 * DynamoDB returned decides: if it refuses the request alone too, that is the refusal (exactly the
 * one a plain write would get, without a second call); otherwise the request is retried at once
 * alone. An applied outcome carries the request's own lease times (the end of its slice), not the
 * end of the reservation, and the slice itself as an admission from the segment it reserved.
 */
final class ReservingWriter {

  /**
   * How an acquire's write to one bucket went.
   *
   * @param outcome what DynamoDB decided
   * @param own when the write reserved and its segment was kept, the request's own slice of it: its
   *     lease gives back there and a refused cascade undoes it there, as for a local admission;
   *     null otherwise
   */
  record Written(BucketWrite.Outcome outcome, ReservationPool.Admission own) {}

  private final BucketWriter writer;
  private final LocalReservations reservations;

  ReservingWriter(BucketWriter writer, LocalReservations reservations) {
    this.writer = writer;
    this.reservations = reservations;
  }

  /** Admits {@code take} from this instance's reservation, without a call; null when it cannot. */
  ReservationPool.Admission admitLocally(BucketTake take, LocalReservation reservation, long now) {
    ReservationPool pool = reservations.pool(take, reservation, now);
    ReservationPool.Admission admission = pool == null ? null : pool.admit(take, now);
    if (admission != null) {
      reservations.admittedLocally();
    }
    return admission;
  }

  Written write(BucketTake take, LocalReservation reservation, long now) {
    ReservationPool pool = reservations.pool(take, reservation, now);
    Map<String, Long> batches = pool == null ? Map.of() : pool.batches(take, reservation, now);
    reservations.wrote(!batches.isEmpty());
    try {
      BucketWrite.Outcome outcome =
          writer.write(take.key(), ops(take, batches), now, guess(pool, reservation, now));
      if (!batches.isEmpty() && outcome instanceof BucketWrite.Rejected rejected) {
        reservations.reservationRefused();
        BucketWrite.Outcome alone = aloneRefused(take, batches, rejected);
        if (alone == null) {
          reservations.wrote(false);
          alone = writer.write(take.key(), take.ops(), now);
        }
        return settled(pool, take, Map.of(), alone, reservation, now);
      }
      return settled(pool, take, batches, outcome, reservation, now);
    } finally {
      if (!batches.isEmpty()) {
        pool.reservationEnded();
      }
    }
  }

  CompletableFuture<Written> writeAsync(BucketTake take, LocalReservation reservation, long now) {
    ReservationPool pool = reservations.pool(take, reservation, now);
    Map<String, Long> batches = pool == null ? Map.of() : pool.batches(take, reservation, now);
    reservations.wrote(!batches.isEmpty());
    return writer
        .writeAsync(take.key(), ops(take, batches), now, guess(pool, reservation, now))
        .thenCompose(
            outcome -> {
              if (!batches.isEmpty() && outcome instanceof BucketWrite.Rejected rejected) {
                reservations.reservationRefused();
                BucketWrite.Outcome alone = aloneRefused(take, batches, rejected);
                if (alone != null) {
                  return CompletableFuture.completedFuture(
                      settled(pool, take, Map.of(), alone, reservation, now));
                }
                reservations.wrote(false);
                return writer
                    .writeAsync(take.key(), take.ops(), now)
                    .thenApply(plain -> settled(pool, take, Map.of(), plain, reservation, now));
              }
              return CompletableFuture.completedFuture(
                  settled(pool, take, batches, outcome, reservation, now));
            })
        .whenComplete(
            (outcome, failure) -> {
              if (!batches.isEmpty()) {
                pool.reservationEnded();
              }
            });
  }

  /**
   * Reserves for {@code take} alone, the request's tokens included, when its pool finds the key
   * hot: for a side of a cascade written in one transaction, which may stand apart from the
   * transaction only as a reservation whose slice goes back to it if the other side refuses.
   * Completes with the write when its segment was kept, or when the bucket refuses the request
   * alone too (that refusal); with null when nothing was reserved — the key is not hot or near its
   * limit, the bucket lacked the batch only, or the write applied without a segment kept (those
   * tokens lapse with the reservation) — and the caller writes the request in its transaction.
   * Never falls back to writing the request alone.
   */
  CompletableFuture<Written> reserveAsync(BucketTake take, LocalReservation reservation, long now) {
    ReservationPool pool = reservations.pool(take, reservation, now);
    Map<String, Long> batches = pool == null ? Map.of() : pool.batches(take, reservation, now);
    if (batches.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    reservations.wrote(true);
    return writer
        .writeAsync(take.key(), ops(take, batches), now, guess(pool, reservation, now))
        .thenApply(
            outcome -> {
              if (outcome instanceof BucketWrite.Rejected rejected) {
                reservations.reservationRefused();
                BucketWrite.Rejected alone = aloneRefused(take, batches, rejected);
                if (alone == null) {
                  // What the refusal revealed, so the next acquire sizes its batch from it.
                  pool.refused(take, rejected.violations(), now);
                  return null;
                }
                return settled(pool, take, Map.of(), alone, reservation, now);
              }
              Written written = settled(pool, take, batches, outcome, reservation, now);
              return written.own() == null && outcome instanceof BucketWrite.Applied
                  ? null
                  : written;
            })
        .whenComplete((written, failure) -> pool.reservationEnded());
  }

  /**
   * The cached state as the pool, if any, expects the bucket to be (busy or idle) at {@code now}.
   */
  private static UnaryOperator<BucketState> guess(
      ReservationPool pool, LocalReservation reservation, long now) {
    return pool == null ? UnaryOperator.identity() : cached -> pool.guess(cached, reservation, now);
  }

  private static Written settled(
      ReservationPool pool,
      BucketTake take,
      Map<String, Long> batches,
      BucketWrite.Outcome outcome,
      LocalReservation reservation,
      long now) {
    if (pool == null) {
      return new Written(outcome, null);
    }
    if (outcome instanceof BucketWrite.Applied applied) {
      ReservationPool.Admission own =
          pool.written(take, batches, applied.state(), reservation, now);
      return own == null
          ? new Written(outcome, null)
          : new Written(new BucketWrite.Applied(own.leaseState(), applied.ops()), own);
    }
    if (outcome instanceof BucketWrite.Rejected rejected) {
      pool.refused(take, rejected.violations(), now);
    }
    return new Written(outcome, null);
  }

  /**
   * The refusal of {@code take} alone, derived from its refused reservation; null when the request
   * alone might be admitted. A limit refused {@code r} for {@code n = c + b} tokens sits {@code r −
   * cost(n)} past full, so {@code c} tokens wait {@code r − cost(n) + cost(c)} (refused when
   * positive); a limit the reservation fitted fits the request.
   */
  private static BucketWrite.Rejected aloneRefused(
      BucketTake take, Map<String, Long> batches, BucketWrite.Rejected reservationRefused) {
    List<Violation> violations = new ArrayList<>();
    for (Violation violation : reservationRefused.violations()) {
      Limit limit = take.limits().get(violation.limitName());
      long tokens = take.consume().get(violation.limitName());
      long wait =
          violation.retryAfter().toNanos()
              - limit.costNanos(tokens + batches.get(violation.limitName()))
              + limit.costNanos(tokens);
      if (wait > 0) {
        violations.add(
            new Violation(
                violation.entityId(),
                violation.resource(),
                violation.limitName(),
                violation.capacity(),
                violation.available(),
                tokens,
                Duration.ofNanos(wait)));
      }
    }
    return violations.isEmpty() ? null : new BucketWrite.Rejected(violations);
  }

  private static List<LimitOp> ops(BucketTake take, Map<String, Long> batches) {
    if (batches.isEmpty()) {
      return take.ops();
    }
    List<LimitOp> ops = new ArrayList<>(take.ops().size());
    for (LimitOp op : take.ops()) {
      ops.add(new LimitOp(op.limit(), op.tokens() + batches.get(op.name()), LimitOp.Kind.RESERVE));
    }
    return ops;
  }
}
