package dev.limiter.operator.plan;

import java.time.Instant;

/**
 * An action that may not run before {@code until}, and why. A deferral is not an error: the
 * reconciler reports it and comes back at that time.
 *
 * @param until the earliest time the action is allowed
 * @param reason a CamelCase reason for conditions and events
 * @param message what waits and why, for people
 */
public record Deferral(Instant until, String reason, String message) {}
