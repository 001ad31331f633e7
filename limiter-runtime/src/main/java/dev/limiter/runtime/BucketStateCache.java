package dev.limiter.runtime;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Last known state of each bucket this process wrote, used only to guess the write branch. A stale
 * guess costs one extra write, never a wrong decision, so the cache needs no coherence; it is
 * bounded by dropping entries that predict nothing (all limits full).
 */
final class BucketStateCache {

  private final int maxEntries;
  private final Consumer<BucketKey> written;
  private final ConcurrentHashMap<BucketKey, BucketState> states = new ConcurrentHashMap<>();

  /** A cache of {@code maxEntries} buckets; {@code written} is told of every successful write. */
  BucketStateCache(int maxEntries, Consumer<BucketKey> written) {
    if (maxEntries < 1) {
      throw new IllegalArgumentException("cache size must be at least 1, got " + maxEntries);
    }
    this.maxEntries = maxEntries;
    this.written = written;
  }

  BucketState get(BucketKey key) {
    return states.getOrDefault(key, BucketState.EMPTY);
  }

  /** Records the times a successful write returned. */
  void merge(BucketKey key, BucketState updated, long nowNanos) {
    written.accept(key);
    if (!updated.tats().isEmpty()) {
      states.merge(key, updated, BucketState::with);
      trim(nowNanos);
    }
  }

  /** Records the whole state DynamoDB returned. */
  void replace(BucketKey key, BucketState state, long nowNanos) {
    states.put(key, state);
    trim(nowNanos);
  }

  int size() {
    return states.size();
  }

  private void trim(long nowNanos) {
    if (states.size() <= maxEntries) {
      return;
    }
    states.values().removeIf(state -> state.idleAt(nowNanos));
    if (states.size() > maxEntries) {
      states.clear();
    }
  }
}
