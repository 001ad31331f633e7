package dev.limiter.runtime;

import java.time.Duration;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Fails fast while the limiter table is unavailable, and notices its recovery with probes. A pure
 * state machine over a monotonic time source (no I/O: the limiter sends the probes).
 *
 * <ul>
 *   <li>CLOSED: every call goes to DynamoDB. A call failing as unavailable opens the breaker: one
 *       {@link AvailabilityListener#onOutage} event.
 *   <li>OPEN: calls are decided at once without DynamoDB ({@link Permit#FAIL_FAST}) until the
 *       back-off window ends; the first call after it is told to start a probe ({@link
 *       Permit#PROBE}, decided at once too), and while that probe runs the others keep failing
 *       fast: one probe at a time.
 *   <li>A probe that fails reopens the window, twice as long each time up to {@code maxBackoff}; a
 *       probe or any call that succeeds closes the breaker: one {@link
 *       AvailabilityListener#onRecovery} event.
 * </ul>
 *
 * Thread-safe; a closed breaker costs one volatile read per call.
 */
final class OutageBreaker {

  /** What a call may do now. */
  enum Permit {
    /** Go to DynamoDB. */
    CALL,
    /**
     * Decide at once as unavailable, and start a probe ({@link #probeSucceeded} / {@link
     * #probeFailed}).
     */
    PROBE,
    /** Decide at once as unavailable. */
    FAIL_FAST
  }

  private final String tableName;
  private final Supplier<OnUnavailable> policy;
  private final AvailabilityListener listener;
  private final LongSupplier nanoTime;
  private final long firstBackoffNanos;
  private final long maxBackoffNanos;

  /** A probe that has not reported after this long is taken as lost, and another may start. */
  private final long probeLostNanos;

  private volatile boolean open;
  private long outageStart;
  private long backoffNanos;
  private long probeAt;
  private long probeStartedAt;
  private boolean probing;
  private long failedCalls;
  private Throwable lastFailure;

  OutageBreaker(
      String tableName,
      Supplier<OnUnavailable> policy,
      AvailabilityListener listener,
      LongSupplier nanoTime,
      Duration firstBackoff,
      Duration maxBackoff,
      Duration probeTimeout) {
    this.tableName = tableName;
    this.policy = policy;
    this.listener = listener;
    this.nanoTime = nanoTime;
    this.firstBackoffNanos = firstBackoff.toNanos();
    this.maxBackoffNanos = maxBackoff.toNanos();
    this.probeLostNanos = probeTimeout.toNanos() * 4;
  }

  /** Whether a call may go to DynamoDB now; a call told otherwise is counted as failed. */
  Permit permit() {
    if (!open) {
      return Permit.CALL;
    }
    synchronized (this) {
      if (!open) {
        return Permit.CALL;
      }
      failedCalls++;
      long now = nanoTime.getAsLong();
      boolean probeLost = probing && now - probeStartedAt >= probeLostNanos;
      if ((!probing && now - probeAt >= 0) || probeLost) {
        probing = true;
        probeStartedAt = now;
        return Permit.PROBE;
      }
      return Permit.FAIL_FAST;
    }
  }

  /** A call to DynamoDB failed as unavailable. */
  void failed(Throwable cause) {
    synchronized (this) {
      failedCalls++;
      lastFailure = cause;
      if (open) {
        return; // a call that was already under way when the outage was detected
      }
      long now = nanoTime.getAsLong();
      open = true;
      outageStart = now;
      backoffNanos = firstBackoffNanos;
      probeAt = now + backoffNanos;
      probing = false;
      listener.onOutage(tableName, policy.get(), cause);
    }
  }

  /** A call to DynamoDB succeeded. */
  void succeeded() {
    if (open) {
      close();
    }
  }

  /** The probe found the table answering. */
  void probeSucceeded() {
    close();
  }

  /** The probe found the table still unavailable: wait longer before the next. */
  synchronized void probeFailed(Throwable cause) {
    if (!open) {
      return;
    }
    lastFailure = cause;
    probing = false;
    backoffNanos = Math.min(maxBackoffNanos, backoffNanos * 2);
    probeAt = nanoTime.getAsLong() + backoffNanos;
  }

  boolean isOpen() {
    return open;
  }

  /** The latest failure of the current outage (a call's or a probe's); null when closed. */
  synchronized Throwable lastFailure() {
    return open ? lastFailure : null;
  }

  private synchronized void close() {
    if (!open) {
      return;
    }
    open = false;
    probing = false;
    long calls = failedCalls;
    failedCalls = 0;
    lastFailure = null;
    listener.onRecovery(tableName, Duration.ofNanos(nanoTime.getAsLong() - outageStart), calls);
  }
}
