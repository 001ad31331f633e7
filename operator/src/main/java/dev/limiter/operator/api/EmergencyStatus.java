package dev.limiter.operator.api;

/**
 * A running emergency episode.
 *
 * @param action what the runbook did: SwitchToOnDemand or RaiseCapacity
 * @param since when it started (RFC 3339)
 * @param reason the reading that started it
 * @param revertAt when it returns to provisioned capacity (RFC 3339)
 * @param raisedReadCapacityUnits RaiseCapacity: read units it set
 * @param raisedWriteCapacityUnits RaiseCapacity: write units it set
 * @param peakConsumedReadPerSecond highest consumed read units per second seen during the episode
 * @param peakConsumedWritePerSecond highest consumed write units per second seen during the episode
 */
public record EmergencyStatus(
    OnThrottle action,
    String since,
    String reason,
    String revertAt,
    Long raisedReadCapacityUnits,
    Long raisedWriteCapacityUnits,
    Long peakConsumedReadPerSecond,
    Long peakConsumedWritePerSecond) {}
