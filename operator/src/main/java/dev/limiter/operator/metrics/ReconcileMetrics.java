package dev.limiter.operator.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The operator's own figures, next to the Java Operator SDK's reconcile metrics: {@code
 * limiter_events_total{type, reason}} for every Kubernetes event it emits (creations, switches,
 * deferrals, errors) and {@code limiter_billing_switch_deferred_resources}, the number of resources
 * whose billing-mode switch is currently held back by the cooldown guard.
 */
public final class ReconcileMetrics {

  private final MeterRegistry registry;
  private final Set<String> deferredSwitches = ConcurrentHashMap.newKeySet();

  /** Records into {@code registry}. */
  public ReconcileMetrics(MeterRegistry registry) {
    this.registry = registry;
    Gauge.builder("limiter.billing.switch.deferred.resources", deferredSwitches, Set::size)
        .description(
            "Resources whose billing-mode switch waits for the cooldown guard or AWS's quota")
        .register(registry);
  }

  /** Counts an emitted event. */
  public void event(boolean warning, String reason) {
    Counter.builder("limiter.events")
        .description("Kubernetes events emitted by the operator")
        .tag("type", warning ? "Warning" : "Normal")
        .tag("reason", reason)
        .register(registry)
        .increment();
  }

  /**
   * Records whether the resource {@code key} (namespace/name) has a deferred billing-mode switch.
   */
  public void switchDeferred(String key, boolean deferred) {
    if (deferred) {
      deferredSwitches.add(key);
    } else {
      deferredSwitches.remove(key);
    }
  }
}
