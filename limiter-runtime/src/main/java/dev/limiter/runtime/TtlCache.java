package dev.limiter.runtime;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A per-process cache whose entries expire {@code ttl} after they were stored, bounded to
 * {@code maxEntries} (when full it starts over: the next calls refill what is still in use). A
 * zero TTL caches nothing.
 */
final class TtlCache<K, V> {

  private record Entry<V>(V value, long expiresAtNanos) {}

  private final Clock clock;
  private final long ttlNanos;
  private final int maxEntries;
  private final Map<K, Entry<V>> entries = new ConcurrentHashMap<>();

  TtlCache(Clock clock, Duration ttl, int maxEntries) {
    this.clock = clock;
    this.ttlNanos = ttl.toNanos();
    this.maxEntries = maxEntries;
  }

  Optional<V> get(K key) {
    Entry<V> entry = entries.get(key);
    return entry != null && nowNanos() < entry.expiresAtNanos() ? Optional.of(entry.value()) : Optional.empty();
  }

  V put(K key, V value) {
    if (ttlNanos > 0) {
      if (entries.size() >= maxEntries) {
        entries.clear();
      }
      entries.put(key, new Entry<>(value, nowNanos() + ttlNanos));
    }
    return value;
  }

  void clear() {
    entries.clear();
  }

  private long nowNanos() {
    Instant now = clock.instant();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }
}
