package dev.limiter.operator.plan.automation;

import dev.limiter.operator.api.OnThrottle;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.ContributorInsightsMode;

/**
 * The capacity automation a RateLimiterTable asks for, defaults applied. What the spec leaves out
 * is off: no autoscaling targets, no alarms, no emergency action; Contributor Insights, which a
 * table may have had before it was adopted, is left as the table has it unless the spec names a
 * mode.
 *
 * @param autoscaling target-tracking bounds, empty for none
 * @param alarms the alarm settings, empty for none
 * @param insights the Contributor Insights mode, empty for disabled
 * @param emergency the emergency runbook, empty for none
 * @param diagnosisInterval how often metrics are read, and the window read
 * @param insightsLeftAsIs whether the spec sets no Contributor Insights, so the table's is left
 *     alone
 */
public record DesiredAutomation(
    Optional<ScalingGoal> autoscaling,
    Optional<AlarmGoal> alarms,
    Optional<ContributorInsightsMode> insights,
    Optional<EmergencyGoal> emergency,
    Duration diagnosisInterval,
    boolean insightsLeftAsIs) {

  /** Default diagnosis window. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(5);

  /** Nothing automated; diagnosis at the default interval. */
  public static final DesiredAutomation NONE =
      new DesiredAutomation(
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          DEFAULT_INTERVAL,
          true);

  /** Bounds and target of one scalable dimension. */
  public record Bounds(long min, long max, int targetPercent) {
    /** Validates min ≤ max. */
    public Bounds {
      if (min < 1 || min > max) {
        throw new IllegalArgumentException("bounds need 1 <= min <= max: " + min + ".." + max);
      }
    }

    /** {@code units} kept within the bounds. */
    public long clamp(long units) {
      return Math.max(min, Math.min(max, units));
    }

    /** These bounds with the minimum raised to at least {@code units} (and the maximum with it). */
    public Bounds withFloor(long units) {
      return units <= min ? this : new Bounds(units, Math.max(max, units), targetPercent);
    }
  }

  /**
   * Autoscaling of the table, and of every GSI when {@code indexes}.
   *
   * @param read read bounds
   * @param write write bounds
   * @param indexes whether GSIs scale too
   */
  public record ScalingGoal(Bounds read, Bounds write, boolean indexes) {}

  /**
   * The alarms.
   *
   * @param actions ARNs to notify
   * @param throttleEventsThreshold throttle events per 5 minutes that fire a throttle alarm
   * @param capacityUtilizationPercent utilization that fires the high-capacity alarm
   */
  public record AlarmGoal(
      List<String> actions, int throttleEventsThreshold, int capacityUtilizationPercent) {
    /** Copies the actions. */
    public AlarmGoal {
      actions = List.copyOf(actions);
    }
  }

  /**
   * The emergency runbook.
   *
   * @param onThrottle what to do
   * @param throttleEventsThreshold read plus write throttle events per window that start an episode
   * @param revertAfter how long an episode lasts
   * @param headroomPercent headroom over the observed peak on return
   * @param raiseStepPercent RaiseCapacity step
   * @param maxRead RaiseCapacity ceiling of read units, empty for ten times the spec's
   * @param maxWrite RaiseCapacity ceiling of write units, empty for ten times the spec's
   */
  public record EmergencyGoal(
      OnThrottle onThrottle,
      long throttleEventsThreshold,
      Duration revertAfter,
      int headroomPercent,
      int raiseStepPercent,
      Optional<Long> maxRead,
      Optional<Long> maxWrite) {}
}
