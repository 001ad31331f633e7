package dev.limiter.runtime;

/**
 * What local reservation did in one limiter since it was built ({@link
 * RateLimiter#reservationStats()}), for benchmarks and dashboards.
 *
 * @param localAdmissions acquires admitted from a reservation, without a DynamoDB call
 * @param reservationWrites acquire writes that asked for a batch besides the request
 * @param refusedReservations of those, the ones refused (each retried at once as a plain write, or,
 *     for a cascade in one transaction, as that transaction)
 * @param plainWrites single-bucket acquire writes of the request alone (including those retries;
 *     transactions are not counted)
 */
public record ReservationStats(
    long localAdmissions, long reservationWrites, long refusedReservations, long plainWrites) {

  /** Nothing reserved, nothing written. */
  public static final ReservationStats NONE = new ReservationStats(0, 0, 0, 0);
}
