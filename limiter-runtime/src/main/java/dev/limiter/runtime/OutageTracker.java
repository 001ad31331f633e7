package dev.limiter.runtime;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/** Turns a stream of call outcomes into one outage and one recovery notification per outage. */
final class OutageTracker {

  private final String tableName;
  private final Supplier<OnUnavailable> policy;
  private final AvailabilityListener listener;
  private final Clock clock;
  private final AtomicReference<Instant> outageStart = new AtomicReference<>();
  private final AtomicLong failedCalls = new AtomicLong();

  OutageTracker(String tableName, Supplier<OnUnavailable> policy, AvailabilityListener listener, Clock clock) {
    this.tableName = tableName;
    this.policy = policy;
    this.listener = listener;
    this.clock = clock;
  }

  void failed(Throwable cause) {
    failedCalls.incrementAndGet();
    if (outageStart.compareAndSet(null, clock.instant())) {
      listener.onOutage(tableName, policy.get(), cause);
    }
  }

  void succeeded() {
    if (outageStart.get() == null) {
      return;
    }
    Instant start = outageStart.getAndSet(null);
    if (start != null) {
      listener.onRecovery(tableName, Duration.between(start, clock.instant()), failedCalls.getAndSet(0));
    }
  }

  boolean inOutage() {
    return outageStart.get() != null;
  }
}
