package dev.limiter.operator.plan;

import dev.limiter.operator.api.CapacityPlan;
import dev.limiter.operator.plan.automation.ReservationCredit;

/**
 * Capacity maths. Pure.
 *
 * <p>Plans use the runtime's measured costs, not the seed runbook's estimate (acquire ≈ 2 RCU + 4
 * WCU): an admitted or rejected acquire is one conditional UpdateItem of an item under 1 KB,
 * {@value #WRITE_UNITS_PER_ACQUIRE} WCU and no RCU, and a cascading acquire writes its parent too.
 * Reads come only from {@code available()} and cached limit lookups, so read capacity is {@value
 * #READ_SHARE_PERCENT}% of the write capacity, at least {@value #MIN_READ_UNITS}. Entities whose
 * keys reserve locally, with a declared instance count, are planned at their estimated writes
 * instead of their acquires ({@link ReservationCredit}).
 */
public final class CapacityPlanner {

  /** Write units of one acquire on one bucket. */
  public static final int WRITE_UNITS_PER_ACQUIRE = 1;

  /** Read capacity as a share of write capacity. */
  public static final int READ_SHARE_PERCENT = 10;

  /** Least read capacity a planned table gets. */
  public static final long MIN_READ_UNITS = 5;

  /** Headroom when the plan names none. */
  public static final int DEFAULT_HEADROOM_PERCENT = 20;

  private CapacityPlanner() {}

  /** Capacity for the traffic a plan declares, with its headroom. */
  public static Throughput fromPlan(CapacityPlan plan) {
    return fromPlan(plan, ReservationCredit.NONE);
  }

  /**
   * Capacity for the traffic a plan declares, less what local reservations spare ({@code credit}),
   * with its headroom.
   */
  public static Throughput fromPlan(CapacityPlan plan, ReservationCredit credit) {
    long cascade = plan.cascadeRequestsPerSecond() == null ? 0 : plan.cascadeRequestsPerSecond();
    int headroom =
        plan.headroomPercent() == null ? DEFAULT_HEADROOM_PERCENT : plan.headroomPercent();
    long requests = Math.max(0, plan.requestsPerSecond() - credit.writesSaved());
    long writes = Math.addExact(requests, cascade) * WRITE_UNITS_PER_ACQUIRE;
    long write = ceilPercent(writes, 100 + headroom);
    long read = Math.max(MIN_READ_UNITS, ceilPercent(write, READ_SHARE_PERCENT));
    return new Throughput(read, write);
  }

  /** The formula {@link #fromPlan} applied, for the status message. */
  public static String explain(CapacityPlan plan) {
    return explain(plan, ReservationCredit.NONE);
  }

  /** The formula {@link #fromPlan(CapacityPlan, ReservationCredit)} applied, for the status. */
  public static String explain(CapacityPlan plan, ReservationCredit credit) {
    Throughput throughput = fromPlan(plan, credit);
    return "planned from "
        + plan.requestsPerSecond()
        + " acquires/s + "
        + (plan.cascadeRequestsPerSecond() == null ? 0 : plan.cascadeRequestsPerSecond())
        + " cascading/s at "
        + WRITE_UNITS_PER_ACQUIRE
        + " WCU and 0 RCU each (limiter-runtime's measured cost), "
        + (credit.entities() == 0
            ? ""
            : "less the "
                + credit.writesSaved()
                + " writes/s local reservations spare ("
                + credit.entities()
                + (credit.entities() == 1 ? " entity: " : " entities: ")
                + credit.acquiresPerSecond()
                + " acquires/s written as about "
                + credit.writesPerSecond()
                + "; "
                + (fromPlan(plan).write() - throughput.write())
                + " WCU saved), ")
        + (plan.headroomPercent() == null ? DEFAULT_HEADROOM_PERCENT : plan.headroomPercent())
        + "% headroom: "
        + throughput.write()
        + " WCU, "
        + throughput.read()
        + " RCU";
  }

  /**
   * The next value on the way from {@code current} to {@code desired}: increases are capped at
   * {@code maxIncreasePercent} of the current value per step (at least one unit); decreases go
   * straight to the target (the decrease quota decides when).
   */
  public static long step(long current, long desired, Integer maxIncreasePercent) {
    if (desired <= current || maxIncreasePercent == null) {
      return desired;
    }
    long increase = Math.max(1, ceilPercent(current, maxIncreasePercent));
    return Math.min(desired, Math.addExact(current, increase));
  }

  private static long ceilPercent(long value, long percent) {
    long product = Math.multiplyExact(value, percent);
    return product / 100 + (product % 100 == 0 ? 0 : 1);
  }
}
