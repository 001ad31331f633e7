package dev.limiter.operator.plan;

import dev.limiter.operator.api.BillingMode;
import dev.limiter.operator.api.BillingModeSwitch;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The billing-mode switch history in status, written before the UpdateTable it describes. Pure.
 *
 * <p>A switch is recorded <em>pending</em> before the call, so a failure to write the status
 * afterwards cannot make the guard forget it. A pending switch counts for the guard like a made one
 * until a later pass settles it from DescribeTable: the table is in the switch's mode (or AWS's
 * last switch to on-demand shows it was made and undone since), so it was made and is confirmed;
 * the table is ACTIVE in the old mode with no such trace, so AWS never made it and it is dropped.
 */
public final class SwitchRecords {

  private SwitchRecords() {}

  /**
   * {@code recorded} with its pending switches confirmed or dropped as {@code observed} shows;
   * unsettled ones stay pending.
   */
  public static List<BillingModeSwitch> settle(
      List<BillingModeSwitch> recorded, Optional<ObservedTable> observed) {
    List<BillingModeSwitch> settled = new ArrayList<>();
    for (BillingModeSwitch s : recorded) {
      if (!s.awaitsConfirmation() || observed.isEmpty()) {
        settled.add(s);
      } else if (made(s, observed.get())) {
        settled.add(s.confirmed());
      } else if (!observed.get().active()) {
        settled.add(s);
      }
    }
    return settled;
  }

  /**
   * What to record once the UpdateTable for {@code intended} returned: confirmed when AWS accepted
   * it, nothing when AWS refused it (a quota, a busy table, a validation error), still pending when
   * the outcome is unknown (AWS unreachable or failing: the call may have been made).
   */
  public static Optional<BillingModeSwitch> afterCall(
      BillingModeSwitch intended, Optional<AwsFailures.Failure> failure) {
    if (failure.isEmpty()) {
      return Optional.of(intended.confirmed());
    }
    return failure.get() instanceof AwsFailures.Transient
        ? Optional.of(intended.asPending())
        : Optional.empty();
  }

  /** The switches the guard counts: made and pending alike. */
  public static List<BillingSwitchGuard.Switch> forGuard(List<BillingModeSwitch> switches) {
    return switches.stream()
        .map(s -> new BillingSwitchGuard.Switch(Instant.parse(s.at()), s.to()))
        .toList();
  }

  /** The switches to keep, as {@link BillingSwitchGuard#prune} decides, in time order. */
  public static List<BillingModeSwitch> prune(
      List<BillingModeSwitch> switches, Duration cooldown, Instant now) {
    List<BillingSwitchGuard.Switch> kept =
        BillingSwitchGuard.prune(forGuard(switches), cooldown, now);
    return switches.stream()
        .filter(s -> kept.contains(new BillingSwitchGuard.Switch(Instant.parse(s.at()), s.to())))
        .sorted((a, b) -> Instant.parse(a.at()).compareTo(Instant.parse(b.at())))
        .toList();
  }

  private static boolean made(BillingModeSwitch s, ObservedTable table) {
    if (table.capacity().mode() == s.to()) {
      return true;
    }
    Instant at = Instant.parse(s.at());
    Instant lastToOnDemand = table.capacity().lastSwitchToOnDemand();
    if (lastToOnDemand == null) {
      return false;
    }
    // On-demand now although the switch was to provisioned: someone switched back after it was
    // made.
    return s.to() == BillingMode.OnDemand
        ? !lastToOnDemand.isBefore(at.minus(BillingSwitchGuard.SAME_SWITCH))
        : lastToOnDemand.isAfter(at);
  }
}
