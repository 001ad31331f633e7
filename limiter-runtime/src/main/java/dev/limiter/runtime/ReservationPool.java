package dev.limiter.runtime;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What this limiter instance holds of one hot bucket: segments of bucket time its own writes
 * reserved, admitted locally as a mini-GCRA, and the demand it observed, which sizes the next
 * reservation. Every method is atomic on the pool.
 *
 * <p>A write that reserved {@code b} tokens besides the request's own {@code c} left limit {@code
 * l} at {@code end} (returned by DynamoDB); the segment is bucket time {@code [end − cost(c + b),
 * end]}, whose first {@code cost(c)} is the request's own slice. An acquire of {@code c'} at {@code
 * now} is admitted from it iff the window is open and {@code max(next, now) + cost(c') <= end} for
 * every limit it consumes; then {@code next} moves there. Every local slice therefore starts at or
 * after its admission and ends by {@code end <= write time + τ}, the property that bounds GCRA over
 * every interval; slices whose start has passed lapse at the refill rate.
 */
final class ReservationPool {

  /**
   * Segments kept at once: the newest and leftovers of earlier ones whose bucket time is still
   * ahead (usable, or held until they lapse, so that what this instance holds stays counted).
   */
  private static final int MAX_SEGMENTS = 3;

  private final BucketKey key;
  private final Map<String, Limit> limits;
  private final List<Segment> segments = new ArrayList<>();

  /** The bucket's times as this instance's last write or refusal revealed them. */
  private final Map<String, Long> knownTats = new HashMap<>();

  /**
   * Per limit, how far the bucket's time lay ahead of the clock just before this instance's last
   * write added to it (0 or less: the bucket was full), and when that write was made.
   */
  private final Map<String, Long> leads = new HashMap<>();

  private long leadSeenAtNanos;

  /** Tokens acquired here per limit since {@link #sinceNanos}, and the smoothed rates. */
  private final Map<String, Long> tokensSince = new HashMap<>();

  private final Map<String, Double> ratePerNanos = new HashMap<>();
  private long sinceNanos = Long.MIN_VALUE;

  /** Whether a reservation write is in flight: one at a time, others write plainly meanwhile. */
  private boolean reserving;

  /** Slices given back by this instance's leases kept at once beside the segments; more lapse. */
  private static final int MAX_RETURNED = 8;

  /**
   * One reservation, or the slices of one lease given back to it: per limit, its end and the start
   * of its next free slice.
   */
  private static final class Segment {
    private final Map<String, Long> end;
    private final Map<String, Long> next;
    private final long closesAtNanos;
    private final boolean givenBack;

    private Segment(
        Map<String, Long> end, Map<String, Long> next, long closesAtNanos, boolean givenBack) {
      this.end = Map.copyOf(end);
      this.next = new HashMap<>(next);
      this.closesAtNanos = closesAtNanos;
      this.givenBack = givenBack;
    }

    /** Bucket time of {@code name} it holds unused ahead of {@code nowNanos}. */
    private long heldNanos(String name, long nowNanos) {
      Long segmentEnd = end.get(name);
      return segmentEnd == null ? 0 : Math.max(0, segmentEnd - Math.max(next.get(name), nowNanos));
    }

    /** Whether it still holds bucket time ahead of {@code nowNanos}. */
    private boolean holds(long nowNanos) {
      return end.keySet().stream().anyMatch(name -> heldNanos(name, nowNanos) > 0);
    }
  }

  /**
   * An acquire admitted from a segment, locally or by the write that reserved it: its slices end at
   * {@code after} (its lease's times); {@link #undo} gives them back when the other side of a
   * cascade refuses, {@link #giveBack} what its lease rolls back or adjusts down.
   */
  final class Admission {
    private final Segment segment;
    private final Map<String, Long> before;
    private final Map<String, Long> after;

    private Admission(Segment segment, Map<String, Long> before, Map<String, Long> after) {
      this.segment = segment;
      this.before = Map.copyOf(before);
      this.after = Map.copyOf(after);
    }

    /** The times its lease starts from: the end of its own slice per limit. */
    BucketState leaseState() {
      return new BucketState(after);
    }

    /**
     * Gives the slices back to the pool if nothing was admitted after them; otherwise they lapse
     * (moving the pointer back over later slices would admit twice).
     */
    void undo() {
      synchronized (ReservationPool.this) {
        if (segments.contains(segment)
            && after.entrySet().stream()
                .allMatch(e -> segment.next.get(e.getKey()).equals(e.getValue()))) {
          segment.next.putAll(before);
        }
      }
    }

    /**
     * Gives {@code refunds} (each the part of this admission's slice still ahead of {@code
     * nowNanos}, {@code [after − cost, after]}) back to the pool while its segment is open, so that
     * this instance may admit that time again; false when the segment is gone or closed (the caller
     * then refunds the bucket). The time is this instance's alone, so admitting it again keeps
     * every slice disjoint; a refund to the bucket could not, while a reservation is open.
     */
    boolean giveBack(List<LimitOp> refunds, long nowNanos) {
      synchronized (ReservationPool.this) {
        if (!segments.contains(segment) || nowNanos >= segment.closesAtNanos) {
          return false;
        }
        Map<String, Long> ends = new HashMap<>();
        Map<String, Long> starts = new HashMap<>();
        for (LimitOp refund : refunds) {
          long sliceEnd = after.get(refund.name());
          ends.put(refund.name(), sliceEnd);
          starts.put(refund.name(), sliceEnd - refund.costNanos());
        }
        if (segments.stream().filter(held -> held.givenBack).count() >= MAX_RETURNED) {
          segments.remove(segments.stream().filter(held -> held.givenBack).findFirst().get());
        }
        segments.add(new Segment(ends, starts, segment.closesAtNanos, true));
        return true;
      }
    }
  }

  ReservationPool(BucketKey key, Map<String, Limit> limits) {
    this.key = key;
    this.limits = Map.copyOf(limits);
  }

  BucketKey key() {
    return key;
  }

  /** Whether this pool holds {@code take}'s bucket with the same limits (shard share included). */
  boolean serves(BucketTake take) {
    return key.equals(take.key()) && limits.equals(take.limits());
  }

  /** Admits {@code take} at {@code nowNanos} from a segment, oldest first; null when none can. */
  synchronized Admission admit(BucketTake take, long nowNanos) {
    for (Segment segment : segments) {
      if (nowNanos >= segment.closesAtNanos) {
        continue;
      }
      Map<String, Long> before = new HashMap<>();
      Map<String, Long> after = new HashMap<>();
      for (LimitOp op : take.ops()) {
        Long next = segment.next.get(op.name());
        if (next == null) {
          break;
        }
        long end = Math.max(next, nowNanos) + op.costNanos();
        if (end > segment.end.get(op.name())) {
          break;
        }
        before.put(op.name(), next);
        after.put(op.name(), end);
      }
      if (after.size() == take.ops().size()) {
        segment.next.putAll(after);
        observe(take);
        return new Admission(segment, before, after);
      }
    }
    return null;
  }

  /**
   * What a write for {@code take} at {@code nowNanos} reserves besides the request, per limit;
   * empty for a plain write. Plain for the first request seen, and when any limit's batch would be
   * below the request's own tokens: the key is not hot (fewer than two such requests expected per
   * window at the observed rate) or the bucket is near its limit. Starts a new observation
   * interval.
   *
   * <p>A limit's batch is what the window needs, {@code max(rate × window, what refills between the
   * segment's start and the window's close)}, capped at {@code maxShare} of the capacity less what
   * this instance's segments still hold ahead of now (so what it holds never exceeds {@code
   * maxShare × capacity}), at {@code maxShare} of what the bucket was last known to have left (full
   * when no write of this instance returned it), and at what fits beside the request in a full
   * bucket. One reservation write at a time: while one is in flight, or {@value #MAX_SEGMENTS}
   * segments still hold time, writes are plain. The second term is there because a segment that
   * starts now (an idle bucket) lapses at the refill rate whatever this instance uses of it: sized
   * by the rate alone it would last {@code rate/R} of the window and serve {@code rate²·window/R}
   * acquires per write.
   */
  synchronized Map<String, Long> batches(
      BucketTake take, LocalReservation reservation, long nowNanos) {
    boolean first = sinceNanos == Long.MIN_VALUE;
    double elapsed = first ? 0 : Math.max(1, nowNanos - sinceNanos);
    long windowNanos = reservation.window().toNanos();
    Map<String, Long> batches = new HashMap<>();
    segments.removeIf(segment -> !segment.holds(nowNanos));
    boolean plain =
        first
            || !reservation.enabled()
            || reserving
            || segments.stream().filter(held -> !held.givenBack).count() >= MAX_SEGMENTS;
    for (LimitOp op : take.ops()) {
      String name = op.name();
      if (!first) {
        double measured = tokensSince.getOrDefault(name, 0L) / elapsed;
        Double previous = ratePerNanos.get(name);
        ratePerNanos.put(name, previous == null ? measured : (previous + measured) / 2);
      }
      if (plain) {
        continue;
      }
      // Unknown when no write of this instance returned the bucket (a transaction returns nothing):
      // sized as if full, a refusal reveals it.
      long tat = knownTats.getOrDefault(name, nowNanos);
      Limit limit = op.limit();
      double demand = ratePerNanos.getOrDefault(name, 0.0) * windowNanos;
      long lasting = limit.tokensWithin(nowNanos + windowNanos - Math.max(tat, nowNanos));
      long available = Math.max(0, limit.available(tat, nowNanos));
      long cap =
          Math.min(
              Math.min(
                  share(reservation, limit.capacity()) - heldTokens(limit, nowNanos),
                  share(reservation, available)),
              limit.capacity() - op.tokens());
      long batch = (long) Math.min(cap, Math.max(lasting, Math.ceil(demand)));
      if (demand < op.tokens() || batch < op.tokens()) {
        plain = true;
        continue;
      }
      batches.put(name, batch);
    }
    sinceNanos = nowNanos;
    tokensSince.clear();
    observe(take);
    reserving = !plain;
    return plain ? Map.of() : batches;
  }

  /** The reservation write {@link #batches} allowed has ended, however it went. */
  synchronized void reservationEnded() {
    reserving = false;
  }

  /**
   * The write for {@code take} with {@code batches} applied at {@code nowNanos} and left the bucket
   * at {@code returned} ({@link BucketState#EMPTY} when not returned): keeps the new segment and
   * returns the request's own slice, its first {@code cost(c)}, as an admission from it, so that
   * its lease gives back into the segment as a local one does (a refund to the bucket would be cut
   * to nothing, the slice lying inside the reservation); null when no segment was kept (a plain
   * write, or one whose times were not returned).
   */
  synchronized Admission written(
      BucketTake take,
      Map<String, Long> batches,
      BucketState returned,
      LocalReservation reservation,
      long nowNanos) {
    knownTats.putAll(returned.tats());
    // Where this write's time starts per limit: how far ahead of the clock it found the bucket.
    Map<String, Long> start = new HashMap<>();
    for (LimitOp op : take.ops()) {
      if (returned.tats().containsKey(op.name())) {
        long cost = op.limit().costNanos(op.tokens() + batches.getOrDefault(op.name(), 0L));
        long first = returned.tat(op.name()) - cost;
        start.put(op.name(), first);
        leads.put(op.name(), first - nowNanos);
        leadSeenAtNanos = nowNanos;
      }
    }
    if (batches.isEmpty() || !returned.tats().keySet().containsAll(batches.keySet())) {
      return null;
    }
    Map<String, Long> end = new HashMap<>();
    Map<String, Long> next = new HashMap<>();
    for (LimitOp op : take.ops()) {
      end.put(op.name(), returned.tat(op.name()));
      next.put(op.name(), start.get(op.name()) + op.costNanos());
    }
    segments.removeIf(segment -> !segment.holds(nowNanos));
    Segment segment = new Segment(end, next, nowNanos + reservation.window().toNanos(), false);
    segments.add(segment);
    return new Admission(segment, start, next);
  }

  /**
   * The state to guess a write's branches from at {@code nowNanos}: {@code cached}, except that a
   * limit the cache sees full is guessed busy when this instance's last write, within two windows,
   * found the bucket busy. The cache holds what this instance's own last write left, which on a key
   * other instances keep busy (each reserving ahead of the clock) has long passed by the next
   * write: guessed full, nearly every reservation would cost a failed attempt and a second one. A
   * pool that stays hot writes at least once a window; an older lead says nothing of the bucket
   * now.
   */
  synchronized BucketState guess(BucketState cached, LocalReservation reservation, long nowNanos) {
    if (nowNanos - leadSeenAtNanos > 2 * reservation.window().toNanos()) {
      return cached;
    }
    Map<String, Long> tats = null;
    for (Map.Entry<String, Long> lead : leads.entrySet()) {
      if (lead.getValue() > 0 && cached.tat(lead.getKey()) <= nowNanos) {
        if (tats == null) {
          tats = new HashMap<>(cached.tats());
        }
        tats.put(lead.getKey(), nowNanos + lead.getValue());
      }
    }
    return tats == null
        ? cached
        : new BucketState(
            tats, cached.reserved(), cached.lastWrite(), cached.previousWrite(), cached.expiry());
  }

  /** A refusal of {@code take} at {@code nowNanos} revealed the bucket's times. */
  synchronized void refused(BucketTake take, List<Violation> violations, long nowNanos) {
    for (Violation violation : violations) {
      Limit limit = take.limits().get(violation.limitName());
      if (limit != null
          && violation.entityId().equals(key.entityId())
          && violation.resource().equals(key.resource())) {
        knownTats.put(limit.name(), limit.tatRevealedBy(violation, nowNanos));
      }
    }
  }

  /** Whether a segment still holds bucket time ahead of {@code nowNanos}. */
  synchronized boolean holds(long nowNanos) {
    return segments.stream().anyMatch(segment -> segment.holds(nowNanos));
  }

  /** Whole tokens this instance's segments hold of {@code limit} ahead of {@code nowNanos}. */
  private long heldTokens(Limit limit, long nowNanos) {
    long nanos = 0;
    for (Segment segment : segments) {
      nanos += segment.heldNanos(limit.name(), nowNanos);
    }
    return nanos == 0 ? 0 : tokensCovering(limit, nanos);
  }

  /** The fewest whole tokens whose cost covers {@code nanos}. */
  private static long tokensCovering(Limit limit, long nanos) {
    long tokens = limit.tokensWithin(nanos);
    return limit.costNanos(tokens) < nanos ? tokens + 1 : tokens;
  }

  private void observe(BucketTake take) {
    take.consume().forEach((name, tokens) -> tokensSince.merge(name, tokens, Long::sum));
  }

  private static long share(LocalReservation reservation, long tokens) {
    return (long) Math.floor(reservation.maxShare() * tokens);
  }
}
