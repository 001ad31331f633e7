package dev.limiter.operator.plan;

import dev.limiter.operator.api.BillingMode;
import dev.limiter.operator.api.ConditionReasons;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Decides whether a billing-mode switch may be made now. Pure.
 *
 * <p>Two limits apply, and the later one wins:
 *
 * <ul>
 *   <li>the user's cooldown: no switch until {@code cooldown} after the last switch, where the last
 *       switch is the later of the operator's own history and DynamoDB's {@code
 *       BillingModeSummary.LastUpdateToPayPerRequestDateTime} (AWS records nothing about switches
 *       back to provisioned, hence the history);
 *   <li>AWS's quota: at most {@value #AWS_SWITCHES_TO_ON_DEMAND_PER_DAY} switches from provisioned
 *       to on-demand in any rolling 24 hours; switches to provisioned are not limited by AWS.
 * </ul>
 */
public final class BillingSwitchGuard {

  /** Switches to on-demand AWS allows in any rolling 24 hours. */
  public static final int AWS_SWITCHES_TO_ON_DEMAND_PER_DAY = 4;

  /** The window of AWS's quota. */
  public static final Duration AWS_QUOTA_WINDOW = Duration.ofHours(24);

  /** A summary time this close to a recorded switch is that switch, not another one. */
  public static final Duration SAME_SWITCH = Duration.ofMinutes(5);

  private BillingSwitchGuard() {}

  /** A switch made earlier. */
  public record Switch(Instant at, BillingMode to) {}

  /**
   * When a switch to {@code target} may be made: empty if now, else the deferral.
   *
   * @param target the mode to switch to
   * @param history switches the operator made, in any order
   * @param lastToOnDemandByAws DynamoDB's last switch to on-demand, if any
   * @param cooldown minimum spacing between switches
   * @param now the current time
   */
  public static Optional<Deferral> check(
      BillingMode target,
      List<Switch> history,
      Optional<Instant> lastToOnDemandByAws,
      Duration cooldown,
      Instant now) {
    List<Switch> switches = allSwitches(history, lastToOnDemandByAws);
    Instant allowedAt = Instant.MIN;
    String reason = null;
    String message = null;

    Optional<Switch> last = switches.stream().max(Comparator.comparing(Switch::at));
    if (last.isPresent()) {
      Instant cooldownEnd = last.get().at().plus(cooldown);
      if (cooldownEnd.isAfter(now)) {
        allowedAt = cooldownEnd;
        reason = ConditionReasons.SWITCH_COOLDOWN;
        message =
            "the last billing-mode switch (to "
                + last.get().to()
                + ") was at "
                + last.get().at()
                + " and switchCooldown is "
                + cooldown;
      }
    }
    if (target == BillingMode.OnDemand) {
      List<Instant> recent =
          switches.stream()
              .filter(
                  s ->
                      s.to() == BillingMode.OnDemand && s.at().isAfter(now.minus(AWS_QUOTA_WINDOW)))
              .map(Switch::at)
              .sorted(Comparator.reverseOrder())
              .toList();
      if (recent.size() >= AWS_SWITCHES_TO_ON_DEMAND_PER_DAY) {
        Instant quotaEnd = recent.get(AWS_SWITCHES_TO_ON_DEMAND_PER_DAY - 1).plus(AWS_QUOTA_WINDOW);
        if (quotaEnd.isAfter(allowedAt)) {
          allowedAt = quotaEnd;
          reason = ConditionReasons.AWS_SWITCH_QUOTA;
          message =
              "AWS allows "
                  + AWS_SWITCHES_TO_ON_DEMAND_PER_DAY
                  + " switches to on-demand in any 24 hours and "
                  + recent.size()
                  + " were made since "
                  + now.minus(AWS_QUOTA_WINDOW);
        }
      }
    }
    if (reason == null) {
      return Optional.empty();
    }
    return Optional.of(
        new Deferral(
            allowedAt,
            reason,
            "switch to " + target + " deferred until " + allowedAt + ": " + message));
  }

  /**
   * The history to keep: switches that can still affect a decision (within the longer of the
   * cooldown and AWS's window), and always the last one.
   */
  public static List<Switch> prune(List<Switch> history, Duration cooldown, Instant now) {
    Duration keep = cooldown.compareTo(AWS_QUOTA_WINDOW) > 0 ? cooldown : AWS_QUOTA_WINDOW;
    Optional<Switch> last = history.stream().max(Comparator.comparing(Switch::at));
    return history.stream()
        .filter(s -> s.at().isAfter(now.minus(keep)) || last.map(s::equals).orElse(false))
        .sorted(Comparator.comparing(Switch::at))
        .toList();
  }

  private static List<Switch> allSwitches(
      List<Switch> history, Optional<Instant> lastToOnDemandByAws) {
    List<Switch> switches = new ArrayList<>(history);
    lastToOnDemandByAws.ifPresent(
        at -> {
          boolean recorded =
              history.stream()
                  .anyMatch(
                      s ->
                          s.to() == BillingMode.OnDemand
                              && Duration.between(s.at(), at).abs().compareTo(SAME_SWITCH) <= 0);
          if (!recorded) {
            switches.add(new Switch(at, BillingMode.OnDemand));
          }
        });
    return switches;
  }
}
