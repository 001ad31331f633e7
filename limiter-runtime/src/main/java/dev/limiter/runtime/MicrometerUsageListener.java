package dev.limiter.runtime;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Usage as Micrometer counters, each tagged {@code entity, resource, limit}: {@code
 * limiter.tokens.consumed} (acquired and charged by adjustments), {@code limiter.tokens.refunded}
 * (given back by adjustments and rollbacks; counters only grow, so the net use is the difference),
 * {@code limiter.rejections}, {@code limiter.tokens.undecided} (writes whose outcome could not be
 * known: at most once, maybe not at all) and {@code limiter.tokens.unwritten} (adjustment tokens
 * that could not be written, either sign); and the gauge {@code limiter.clock.skew} per table.
 *
 * <p>Entity ids are often API keys, so the {@code entity} tag is {@code all} unless asked for:
 * {@link EntityTag#HASHED} tags a stable fingerprint of the id (per-key figures without the key),
 * {@link EntityTag#RAW} the id itself. Per-entity tags cost one time series per entity and limit.
 * Counters are looked up once and then reused.
 */
public final class MicrometerUsageListener implements UsageListener {

  /** What the {@code entity} tag holds. */
  public enum EntityTag {
    /** {@code all}: every entity counts together. */
    NONE,
    /**
     * {@link Names#fingerprint}: {@code h:} and 16 hex digits of the id's SHA-256, per entity
     * without the id.
     */
    HASHED,
    /** The entity id itself: only where ids are not secrets. */
    RAW
  }

  /**
   * Counters kept for reuse; past this many the cache starts over (the registry keeps its meters).
   */
  static final int MAX_CACHED_COUNTERS = 10_000;

  private record CounterKey(String name, String entity, String resource, String limit) {}

  private final MeterRegistry registry;
  private final EntityTag entityTag;
  private final Map<CounterKey, Counter> counters = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> skewNanos = new ConcurrentHashMap<>();

  /** Counts into {@code registry} for all entities together. */
  public MicrometerUsageListener(MeterRegistry registry) {
    this(registry, EntityTag.NONE);
  }

  /** Counts into {@code registry}, with the {@code entity} tag as {@code entityTag} says. */
  public MicrometerUsageListener(MeterRegistry registry, EntityTag entityTag) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.entityTag = Objects.requireNonNull(entityTag, "entityTag");
  }

  @Override
  public void onAcquired(String entityId, String resource, Map<String, Long> tokens) {
    tokens.forEach(
        (limit, amount) ->
            counter("limiter.tokens.consumed", entityId, resource, limit).increment(amount));
  }

  @Override
  public void onAdjusted(String entityId, String resource, Map<String, Long> deltas) {
    deltas.forEach(
        (limit, delta) -> {
          if (delta > 0) {
            counter("limiter.tokens.consumed", entityId, resource, limit).increment(delta);
          } else if (delta < 0) {
            counter("limiter.tokens.refunded", entityId, resource, limit)
                .increment(-(double) delta);
          }
        });
  }

  @Override
  public void onRejected(List<Violation> violations) {
    for (Violation violation : violations) {
      counter(
              "limiter.rejections",
              violation.entityId(),
              violation.resource(),
              violation.limitName())
          .increment();
    }
  }

  @Override
  public void onUndecided(String entityId, String resource, Map<String, Long> tokens) {
    tokens.forEach(
        (limit, amount) ->
            counter("limiter.tokens.undecided", entityId, resource, limit)
                .increment(Math.abs((double) amount)));
  }

  @Override
  public void onAdjustmentNotWritten(
      String entityId, String resource, Map<String, Long> deltas, Throwable cause) {
    deltas.forEach(
        (limit, delta) ->
            counter("limiter.tokens.unwritten", entityId, resource, limit)
                .increment(Math.abs((double) delta)));
  }

  /**
   * Sets the gauge {@code limiter.clock.skew} (seconds, positive: this process's clock is ahead),
   * tagged {@code table}.
   */
  @Override
  public void onClockSkew(String tableName, Duration skew) {
    skewNanos
        .computeIfAbsent(
            tableName,
            table -> {
              AtomicLong holder = new AtomicLong();
              Gauge.builder("limiter.clock.skew", holder, nanos -> nanos.get() / 1e9)
                  .baseUnit("seconds")
                  .tag("table", table)
                  .description(
                      "this process's clock minus DynamoDB's, from the Date header of its responses"
                          + " (±1 s)")
                  .register(registry);
              return holder;
            })
        .set(skew.toNanos());
  }

  private Counter counter(String name, String entityId, String resource, String limit) {
    CounterKey key = new CounterKey(name, entityId, resource, limit);
    Counter counter = counters.get(key);
    if (counter != null) {
      return counter;
    }
    if (counters.size() >= MAX_CACHED_COUNTERS) {
      counters.clear();
    }
    return counters.computeIfAbsent(
        key,
        k ->
            Counter.builder(name)
                .tag("entity", entity(entityId))
                .tag("resource", resource)
                .tag("limit", limit)
                .register(registry));
  }

  private String entity(String entityId) {
    return switch (entityTag) {
      case NONE -> "all";
      case HASHED -> Names.fingerprint(entityId);
      case RAW -> entityId;
    };
  }
}
