package dev.limiter.runtime;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** The lease of an admitted acquire. */
final class BucketLease implements Lease {

  private enum State { OPEN, CLOSED, ROLLED_BACK }

  private final RateLimiter limiter;
  private final BucketKey key;
  private final Map<String, Limit> limits;
  private final Map<String, Long> taken;
  private final Map<String, Long> pending = new LinkedHashMap<>();
  private State state = State.OPEN;

  BucketLease(RateLimiter limiter, BucketKey key, Map<String, Limit> limits, Map<String, Long> taken) {
    this.limiter = limiter;
    this.key = key;
    this.limits = limits;
    this.taken = Map.copyOf(taken);
  }

  @Override
  public synchronized Map<String, Long> consumed() {
    if (state == State.ROLLED_BACK) {
      return Map.of();
    }
    Map<String, Long> total = new LinkedHashMap<>(taken);
    pending.forEach((name, delta) -> total.merge(name, delta, Math::addExact));
    return Map.copyOf(total);
  }

  @Override
  public synchronized void adjust(Map<String, Long> deltas) {
    Objects.requireNonNull(deltas, "deltas");
    requireOpen("adjust");
    for (Map.Entry<String, Long> entry : deltas.entrySet()) {
      Arguments.knownLimit(entry.getKey(), limits);
      Objects.requireNonNull(entry.getValue(), () -> "delta for limit '" + entry.getKey() + "'");
    }
    deltas.forEach((name, delta) -> pending.merge(name, delta, Math::addExact));
  }

  @Override
  public synchronized void rollback() {
    if (state == State.ROLLED_BACK) {
      return;
    }
    requireOpen("roll back");
    state = State.ROLLED_BACK;
    pending.clear();
    List<LimitOp> refunds = new ArrayList<>();
    taken.forEach((name, tokens) -> refunds.add(new LimitOp(limits.get(name), tokens, LimitOp.Kind.REFUND)));
    limiter.writeAdjustment(key, refunds);
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
    List<LimitOp> ops = new ArrayList<>();
    pending.forEach((name, delta) -> {
      if (delta != 0) {
        LimitOp.Kind kind = delta > 0 ? LimitOp.Kind.CHARGE : LimitOp.Kind.REFUND;
        ops.add(new LimitOp(limits.get(name), Math.absExact(delta), kind));
      }
    });
    if (!ops.isEmpty()) {
      limiter.writeAdjustment(key, ops);
    }
  }

  private void requireOpen(String action) {
    if (state != State.OPEN) {
      throw new IllegalStateException("cannot " + action + " a lease that is " + state.name().toLowerCase().replace('_', ' '));
    }
  }
}
