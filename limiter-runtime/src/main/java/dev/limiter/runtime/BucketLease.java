package dev.limiter.runtime;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The lease of an admitted acquire.
 *
 * <p>Bounded by construction: adjustments never make its consumption negative, and what it gives
 * back (rollback, negative adjustment) is at most what it took and at most what has not refilled
 * yet, measured from the time its acquire left each limit at ({@code tatAfter}). Positive
 * adjustments are charged up to the debt bound ({@link BucketBounds}); the rest is dropped. A lease
 * admitted from this instance's local reservation, or by the write that reserved it, gives back to
 * that reservation while it is open, without a write; otherwise to the bucket.
 */
final class BucketLease implements Lease {

  private enum State {
    OPEN,
    CLOSED,
    ROLLED_BACK
  }

  private final AdjustmentWriter adjustments;
  private final BucketKey key;
  private final Map<String, Limit> limits;
  private final Map<String, Long> taken;
  private final Map<String, Long> tatAfter;
  private final Map<String, Long> pending = new LinkedHashMap<>();

  /**
   * The admission from this instance's reservation this lease came from (local, or its own slice of
   * the write that reserved); null for one DynamoDB admitted without reserving.
   */
  private final ReservationPool.Admission local;

  private State state = State.OPEN;

  /**
   * @param after the bucket's times the acquire returned ({@link BucketState#EMPTY} when unknown)
   * @param acquiredAtNanos the acquire's time: its limits were left at no less than this plus their
   *     cost
   * @param local the local admission it came from, null for none
   */
  BucketLease(
      AdjustmentWriter adjustments,
      BucketKey key,
      Map<String, Limit> limits,
      Map<String, Long> taken,
      BucketState after,
      long acquiredAtNanos,
      ReservationPool.Admission local) {
    this.adjustments = adjustments;
    this.local = local;
    this.key = key;
    this.limits = limits;
    this.taken = Map.copyOf(taken);
    Map<String, Long> tats = new HashMap<>();
    taken.forEach(
        (name, tokens) ->
            tats.put(
                name,
                Math.max(after.tat(name), acquiredAtNanos + limits.get(name).costNanos(tokens))));
    this.tatAfter = Map.copyOf(tats);
  }

  @Override
  public synchronized Map<String, Long> consumed() {
    if (state == State.ROLLED_BACK) {
      return Map.of();
    }
    Map<String, Long> total = new LinkedHashMap<>(taken);
    pending.forEach((name, delta) -> total.merge(name, delta, Long::sum));
    return Map.copyOf(total);
  }

  @Override
  public synchronized void adjust(Map<String, Long> deltas) {
    Objects.requireNonNull(deltas, "deltas");
    requireOpen("adjust");
    Map<String, Long> next = new LinkedHashMap<>(pending);
    for (Map.Entry<String, Long> entry : deltas.entrySet()) {
      String name = entry.getKey();
      Arguments.knownLimit(name, limits);
      long delta = Objects.requireNonNull(entry.getValue(), () -> "delta for limit '" + name + "'");
      long sum;
      long consumption;
      try {
        sum = Math.addExact(next.getOrDefault(name, 0L), delta);
        consumption = Math.addExact(taken.getOrDefault(name, 0L), sum);
      } catch (ArithmeticException e) {
        throw new IllegalArgumentException(
            "adjustments of limit '" + name + "' overflow a long", e);
      }
      if (consumption < 0) {
        throw new IllegalArgumentException(
            "adjusting limit '"
                + name
                + "' by "
                + delta
                + " would make this lease's consumption negative ("
                + consumption
                + "): a lease gives back at most what it took");
      }
      next.put(name, sum);
    }
    pending.putAll(next);
  }

  @Override
  public synchronized void rollback() {
    if (state == State.ROLLED_BACK) {
      return;
    }
    requireOpen("roll back");
    state = State.ROLLED_BACK;
    pending.clear();
    long now = adjustments.nowNanos();
    List<LimitOp> refunds = refunds(now);
    if (!refunds.isEmpty() && !givenBackLocally(refunds, now)) {
      adjustments.write(key, refunds, now);
    }
  }

  private boolean givenBackLocally(List<LimitOp> refunds, long nowNanos) {
    return local != null && local.giveBack(refunds, nowNanos);
  }

  /**
   * What giving everything back at {@code nowNanos} refunds: per limit, what has not refilled yet.
   */
  List<LimitOp> refunds(long nowNanos) {
    List<LimitOp> refunds = new ArrayList<>();
    taken.forEach(
        (name, tokens) -> {
          LimitOp refund = LimitOp.refundOf(limits.get(name), tokens, tatAfter.get(name), nowNanos);
          if (refund != null) {
            refunds.add(refund);
          }
        });
    return refunds;
  }

  @Override
  public boolean enforced() {
    return true;
  }

  @Override
  public synchronized void close() {
    if (state != State.OPEN) {
      return;
    }
    state = State.CLOSED;
    long now = adjustments.nowNanos();
    List<LimitOp> ops = new ArrayList<>();
    List<LimitOp> refunds = new ArrayList<>();
    pending.forEach(
        (name, delta) -> {
          Limit limit = limits.get(name);
          if (delta > 0) {
            ops.add(
                new LimitOp(
                    limit,
                    Math.min(delta, adjustments.maxChargeTokens(limit)),
                    LimitOp.Kind.CHARGE));
          } else if (delta < 0) {
            LimitOp refund = LimitOp.refundOf(limit, -delta, tatAfter.get(name), now);
            if (refund != null) {
              refunds.add(refund);
            }
          }
        });
    if (!refunds.isEmpty() && !givenBackLocally(refunds, now)) {
      ops.addAll(refunds);
    }
    if (!ops.isEmpty()) {
      adjustments.write(key, ops, now);
    }
  }

  private void requireOpen(String action) {
    if (state != State.OPEN) {
      throw new IllegalStateException(
          "cannot " + action + " a lease that is " + state.name().toLowerCase().replace('_', ' '));
    }
  }
}
