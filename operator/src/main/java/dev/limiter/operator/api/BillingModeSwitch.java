package dev.limiter.operator.api;

/**
 * One billing-mode switch.
 *
 * @param at when the switch was requested from AWS (RFC 3339)
 * @param to the mode switched to
 * @param reason why (spec change, emergency runbook, …)
 */
public record BillingModeSwitch(String at, BillingMode to, String reason) {
}
