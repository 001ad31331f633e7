package dev.limiter.operator.api;

/** What the emergency runbook does when a provisioned table throttles. */
public enum OnThrottle {
  /** Nothing automatic; the Throttling condition still reports it. */
  None,
  /** Switch to on-demand, then return to provisioned after {@code revertAfter}. */
  SwitchToOnDemand,
  /** Raise provisioned units in guarded steps. */
  RaiseCapacity
}
