package dev.limiter.runtime;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A per-process cache whose entries expire {@code ttl} after they were stored, bounded to {@code
 * maxEntries} (when full it starts over: the next calls refill what is still in use). A zero TTL
 * caches nothing. A value read before a {@link #clear()} is not stored after it.
 */
final class TtlCache<K, V> {

  private record Entry<V>(V value, long expiresAtNanos) {}

  private final Clock clock;
  private final long ttlNanos;
  private final int maxEntries;
  private final Map<K, Entry<V>> entries = new ConcurrentHashMap<>();
  private final AtomicLong generation = new AtomicLong();

  TtlCache(Clock clock, Duration ttl, int maxEntries) {
    this.clock = clock;
    this.ttlNanos = ttl.toNanos();
    this.maxEntries = maxEntries;
  }

  Optional<V> get(K key) {
    Entry<V> entry = entries.get(key);
    return entry != null && nowNanos() < entry.expiresAtNanos()
        ? Optional.of(entry.value())
        : Optional.empty();
  }

  /** A mark to pass to {@link #put(Object, Object, long)}: take it before reading the value. */
  long generation() {
    return generation.get();
  }

  /**
   * Stores {@code value} unless the cache was cleared since {@code generation} was taken: a value
   * read before a local write (which clears) must not outlive that write. Returns {@code value}.
   */
  synchronized V put(K key, V value, long generation) {
    if (ttlNanos > 0 && generation == this.generation.get()) {
      if (entries.size() >= maxEntries) {
        entries.clear();
      }
      entries.put(key, new Entry<>(value, nowNanos() + ttlNanos));
    }
    return value;
  }

  synchronized void clear() {
    generation.incrementAndGet();
    entries.clear();
  }

  private long nowNanos() {
    Instant now = clock.instant();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }
}
