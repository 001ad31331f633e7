package dev.limiter.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * One billing-mode switch.
 *
 * @param at when the switch was requested from AWS (RFC 3339)
 * @param to the mode switched to
 * @param reason why (spec change, emergency runbook, …)
 * @param pending true while the switch is recorded but AWS's acceptance is not yet confirmed;
 *     absent once it is
 */
public record BillingModeSwitch(
    String at,
    BillingMode to,
    String reason,
    @JsonPropertyDescription(
            "True from just before the UpdateTable until the switch is confirmed;"
                + " a pending switch counts for the guard")
        Boolean pending) {

  /** A switch AWS accepted. */
  public BillingModeSwitch(String at, BillingMode to, String reason) {
    this(at, to, reason, null);
  }

  /** Whether AWS's acceptance is still to be confirmed. */
  public boolean awaitsConfirmation() {
    return Boolean.TRUE.equals(pending);
  }

  /** This switch marked pending. */
  public BillingModeSwitch asPending() {
    return new BillingModeSwitch(at, to, reason, true);
  }

  /** This switch marked confirmed. */
  public BillingModeSwitch confirmed() {
    return new BillingModeSwitch(at, to, reason, null);
  }
}
