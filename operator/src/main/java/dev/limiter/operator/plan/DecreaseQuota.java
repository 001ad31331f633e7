package dev.limiter.operator.plan;

import dev.limiter.operator.api.ConditionReasons;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * AWS's throughput-decrease quota for one table or index. Pure.
 *
 * <p>{@value #FREE_DECREASES_PER_UTC_DAY} decreases any time in a UTC day, then one more once an
 * hour has passed without a decrease (at most 27 a day). DescribeTable reports {@code
 * NumberOfDecreasesToday} and {@code LastDecreaseDateTime}; a count from an earlier UTC day no
 * longer applies.
 */
public final class DecreaseQuota {

  /** Decreases allowed at any time within one UTC day. */
  public static final int FREE_DECREASES_PER_UTC_DAY = 4;

  /** Spacing of decreases beyond the free ones. */
  public static final Duration SPACING = Duration.ofHours(1);

  private DecreaseQuota() {}

  /**
   * When a decrease may be made: empty if now, else the deferral.
   *
   * @param what the table or index, for the message
   * @param decreasesToday DescribeTable's NumberOfDecreasesToday (null if unknown)
   * @param lastDecrease DescribeTable's LastDecreaseDateTime (null if never)
   * @param now the current time
   */
  public static Optional<Deferral> check(
      String what, Long decreasesToday, Instant lastDecrease, Instant now) {
    if (lastDecrease == null || decreasesToday == null) {
      return Optional.empty();
    }
    LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
    if (LocalDate.ofInstant(lastDecrease, ZoneOffset.UTC).isBefore(today)
        || decreasesToday < FREE_DECREASES_PER_UTC_DAY) {
      return Optional.empty();
    }
    Instant next = lastDecrease.plus(SPACING);
    Instant tomorrow = today.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    Instant allowedAt = next.isBefore(tomorrow) ? next : tomorrow;
    if (!allowedAt.isAfter(now)) {
      return Optional.empty();
    }
    return Optional.of(
        new Deferral(
            allowedAt,
            ConditionReasons.DECREASE_QUOTA,
            "throughput decrease of "
                + what
                + " deferred until "
                + allowedAt
                + ": "
                + decreasesToday
                + " decreases today (UTC), the last at "
                + lastDecrease
                + "; AWS then allows one per hour"));
  }
}
