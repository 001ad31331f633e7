package dev.limiter.sandbox.bench;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * What one instance's acquires produced during a phase, recorded from its worker threads.
 *
 * <p>A refusal opens a window on its key until the refused call's start plus its {@code
 * retryAfter}; a later refusal of that key starting inside the window is counted apart with the
 * calls it made (a refusal there is certain, so it need not cost a call). An admission on the key
 * by this instance closes the window, as the instance's own write makes what it knew stale.
 */
final class InstanceTally {

  private final LongAdder admitted = new LongAdder();
  private final LongAdder rejected = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final LongAdder admittedCalls = new LongAdder();
  private final LongAdder rejectedCalls = new LongAdder();
  private final LongAdder knownRejections = new LongAdder();
  private final LongAdder knownRejectionCalls = new LongAdder();
  private final AtomicLong lastAdmissionNanos = new AtomicLong(Long.MIN_VALUE);
  private final Map<String, Long> refusedUntil = new ConcurrentHashMap<>();
  private final AtomicReference<RuntimeException> firstFailure = new AtomicReference<>();
  private final LatencySamples latencies = new LatencySamples();

  /** Whether a refusal of {@code key} known to this instance still holds at {@code nanos}. */
  boolean knownRefused(String key, long nanos) {
    Long until = refusedUntil.get(key);
    return until != null && nanos - until < 0;
  }

  /** An admitted call that made {@code calls} DynamoDB calls and ended at {@code endNanos}. */
  void admitted(String key, long calls, long endNanos) {
    admitted.increment();
    admittedCalls.add(calls);
    refusedUntil.remove(key);
    lastAdmissionNanos.accumulateAndGet(endNanos, Math::max);
  }

  /**
   * A refused call started at {@code startNanos}, inside a known refusal's window or not, that made
   * {@code calls} DynamoDB calls.
   */
  void rejected(
      String key, long calls, long startNanos, long retryAfterNanos, boolean insideKnown) {
    rejected.increment();
    rejectedCalls.add(calls);
    if (insideKnown) {
      knownRejections.increment();
      knownRejectionCalls.add(calls);
    }
    refusedUntil.put(key, startNanos + retryAfterNanos);
  }

  /** A call that ended in {@code failure} (counted neither admitted nor refused). */
  void fail(RuntimeException failure) {
    failed.increment();
    firstFailure.compareAndSet(null, failure);
  }

  /** The first failure, if a call failed. */
  Optional<RuntimeException> firstFailure() {
    return Optional.ofNullable(firstFailure.get());
  }

  /** Latency of a call from its scheduled arrival to its end. */
  void latency(long nanos) {
    synchronized (latencies) {
      latencies.add(nanos);
    }
  }

  long admitted() {
    return admitted.sum();
  }

  long rejected() {
    return rejected.sum();
  }

  long failed() {
    return failed.sum();
  }

  long admittedCalls() {
    return admittedCalls.sum();
  }

  long rejectedCalls() {
    return rejectedCalls.sum();
  }

  long knownRejections() {
    return knownRejections.sum();
  }

  long knownRejectionCalls() {
    return knownRejectionCalls.sum();
  }

  /** End of the latest admitted call, {@link Long#MIN_VALUE} when none was admitted. */
  long lastAdmissionNanos() {
    return lastAdmissionNanos.get();
  }

  /** Latency percentiles over every instance's calls. */
  static LatencySamples.Percentiles percentiles(List<InstanceTally> tallies) {
    return LatencySamples.percentiles(tallies.stream().map(t -> t.latencies).toList());
  }
}
