package dev.limiter.operator.api;

/**
 * Throughput-decrease quota state, from DescribeTable.
 *
 * @param numberOfDecreasesToday decreases in the current UTC day
 * @param lastDecreaseAt the last decrease (RFC 3339)
 * @param nextDecreaseAllowedAt earliest time a decrease is allowed (RFC 3339); absent when now
 */
public record DecreaseQuotaStatus(
    Long numberOfDecreasesToday, String lastDecreaseAt, String nextDecreaseAllowedAt) {}
