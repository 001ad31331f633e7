package dev.limiter.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Refusals this process received, kept so that a request DynamoDB would certainly refuse is refused
 * here without a call: a repeated rejection costs 0 WCU instead of 1.
 *
 * <p>A refusal of {@code n} tokens at {@code now} with an exact {@code retryAfter r} reveals the
 * limit's bucket time: {@code tat = now + τ + r − cost(n)}. Bucket times only grow, except by
 * refunds, so until the refusal's {@code retryAfter} has passed a request is refused locally iff
 * that known time refuses it (the same test DynamoDB's condition makes): a request of {@code n} or
 * more tokens until {@code now + r}, a smaller one only while it does not fit either. Anything that
 * might be admitted goes to DynamoDB.
 *
 * <p>The only error is pessimism: a refund another process (or a lease of this one, which also
 * forgets the entry) makes in that window is not seen, so at most the refunded tokens go unused
 * here until the recorded {@code retryAfter} ends. A write this process makes to the bucket forgets
 * what it knew.
 *
 * <p>Bounded like {@link BucketStateCache}: expired entries go first, then everything.
 */
final class LocalRejections {

  private record Known(Map<String, Long> tats, long untilNanos) {}

  private final int maxEntries;
  private final ConcurrentHashMap<BucketKey, Known> known = new ConcurrentHashMap<>();

  LocalRejections(int maxEntries) {
    if (maxEntries < 1) {
      throw new IllegalArgumentException("cache size must be at least 1, got " + maxEntries);
    }
    this.maxEntries = maxEntries;
  }

  /**
   * Records that DynamoDB refused {@code take} at {@code nowNanos} for {@code violations} (those of
   * its bucket).
   */
  void refused(BucketTake take, List<Violation> violations, long nowNanos) {
    Map<String, Long> tats = new HashMap<>();
    long until = nowNanos;
    for (Violation violation : violations) {
      Limit limit = take.limits().get(violation.limitName());
      if (limit == null
          || !violation.entityId().equals(take.key().entityId())
          || !violation.resource().equals(take.key().resource())) {
        continue; // another bucket's violation (the other side of a cascade)
      }
      tats.put(limit.name(), limit.tatRevealedBy(violation, nowNanos));
      until = Math.max(until, nowNanos + violation.retryAfter().toNanos());
    }
    if (tats.isEmpty() || until == nowNanos) {
      return;
    }
    known.put(take.key(), new Known(Map.copyOf(tats), until));
    trim(nowNanos);
  }

  /**
   * The violations DynamoDB would certainly answer {@code take} with at {@code nowNanos}; empty
   * when it might admit.
   */
  List<Violation> refusal(BucketTake take, long nowNanos) {
    Known entry = known.get(take.key());
    if (entry == null) {
      return List.of();
    }
    if (nowNanos >= entry.untilNanos()) {
      known.remove(take.key(), entry);
      return List.of();
    }
    List<Violation> violations = new ArrayList<>();
    for (LimitOp op : take.ops()) {
      Long tat = entry.tats().get(op.name());
      Limit limit = op.limit();
      if (op.kind() == LimitOp.Kind.ACQUIRE
          && tat != null
          && !limit.admits(tat, nowNanos, op.tokens())) {
        violations.add(
            new Violation(
                take.key().entityId(),
                take.key().resource(),
                op.name(),
                limit.capacity(),
                limit.available(tat, nowNanos),
                op.tokens(),
                Duration.ofNanos(limit.waitNanos(tat, nowNanos, op.tokens()))));
      }
    }
    return violations;
  }

  /**
   * This process wrote the bucket (an admitted acquire, a refund, an adjustment): what it knew may
   * be stale.
   */
  void forget(BucketKey key) {
    known.remove(key);
  }

  int size() {
    return known.size();
  }

  private void trim(long nowNanos) {
    if (known.size() <= maxEntries) {
      return;
    }
    known.values().removeIf(entry -> nowNanos >= entry.untilNanos());
    if (known.size() > maxEntries) {
      known.clear();
    }
  }
}
