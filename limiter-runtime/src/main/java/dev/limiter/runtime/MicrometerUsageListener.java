package dev.limiter.runtime;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;

/**
 * Usage as Micrometer counters, each tagged {@code entity, resource, limit}:
 * {@code limiter.tokens.consumed} (acquired and charged by adjustments),
 * {@code limiter.tokens.refunded} (given back by adjustments and rollbacks; counters only grow, so
 * the net use is the difference), {@code limiter.rejections} and {@code limiter.tokens.undecided}
 * (writes whose outcome could not be known: at most once, maybe not at all). Tagging by
 * entity gives per-API-key figures at one time series per entity and limit; turn it off for
 * millions of entities.
 */
public final class MicrometerUsageListener implements UsageListener {

  private final MeterRegistry registry;
  private final boolean tagEntity;

  /** Counts into {@code registry}, with an {@code entity} tag when {@code tagEntity}. */
  public MicrometerUsageListener(MeterRegistry registry, boolean tagEntity) {
    this.registry = registry;
    this.tagEntity = tagEntity;
  }

  @Override
  public void onAcquired(String entityId, String resource, Map<String, Long> tokens) {
    tokens.forEach((limit, amount) -> counter("limiter.tokens.consumed", entityId, resource, limit).increment(amount));
  }

  @Override
  public void onAdjusted(String entityId, String resource, Map<String, Long> deltas) {
    deltas.forEach((limit, delta) -> {
      if (delta > 0) {
        counter("limiter.tokens.consumed", entityId, resource, limit).increment(delta);
      } else if (delta < 0) {
        counter("limiter.tokens.refunded", entityId, resource, limit).increment(-(double) delta);
      }
    });
  }

  @Override
  public void onRejected(List<Violation> violations) {
    for (Violation violation : violations) {
      counter("limiter.rejections", violation.entityId(), violation.resource(), violation.limitName()).increment();
    }
  }

  @Override
  public void onUndecided(String entityId, String resource, Map<String, Long> tokens) {
    tokens.forEach((limit, amount) ->
        counter("limiter.tokens.undecided", entityId, resource, limit).increment(Math.abs((double) amount)));
  }

  private Counter counter(String name, String entityId, String resource, String limit) {
    return Counter.builder(name)
        .tag("entity", entity(entityId))
        .tag("resource", resource)
        .tag("limit", limit)
        .register(registry);
  }

  private String entity(String entityId) {
    return tagEntity ? entityId : "all";
  }
}
