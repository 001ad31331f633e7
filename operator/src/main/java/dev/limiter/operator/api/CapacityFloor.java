package dev.limiter.operator.api;

/**
 * Capacity an emergency returned the table to, held as a floor under the spec's capacity until the
 * spec changes (so the operator does not undo it by lowering the table back to a spec that
 * throttled).
 *
 * @param readCapacityUnits read units held at least
 * @param writeCapacityUnits write units held at least
 * @param generation the spec generation it holds for
 * @param reason how it was computed
 */
public record CapacityFloor(
    Long readCapacityUnits, Long writeCapacityUnits, Long generation, String reason) {}
