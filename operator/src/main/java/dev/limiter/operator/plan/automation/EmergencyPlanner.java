package dev.limiter.operator.plan.automation;

import dev.limiter.operator.api.BillingMode;
import dev.limiter.operator.api.CapacityFloor;
import dev.limiter.operator.api.EmergencyStatus;
import dev.limiter.operator.api.OnThrottle;
import dev.limiter.operator.api.ThrottleReading;
import dev.limiter.operator.plan.BillingSwitchGuard;
import dev.limiter.operator.plan.Deferral;
import dev.limiter.operator.plan.DesiredCapacity;
import dev.limiter.operator.plan.ObservedTable;
import dev.limiter.operator.plan.Throughput;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The runbook's emergency response, as a pure function of the spec, the table, the latest diagnosis
 * reading, the running episode and the billing-switch history.
 *
 * <p>{@code SwitchToOnDemand}: a fresh reading at or above the threshold on a provisioned table
 * starts an episode, but only when the cooldown guard allows the switch now (otherwise it says
 * until when it waits); the table is then planned on-demand until {@code revertAfter}, when it is
 * planned provisioned again (through the guard) with capacity from the episode's peak consumption
 * plus headroom, never below the spec's. {@code RaiseCapacity}: each fresh reading at or above the
 * threshold raises the throttled dimensions by one step, up to the ceiling; under autoscaling the
 * step raises the minimum bound instead of the units, which autoscaling owns. Either way the
 * capacity an episode returns to is then held as a floor under the spec until the spec changes, so
 * that the operator does not lower the table back to the capacity that throttled.
 */
public final class EmergencyPlanner {

  /** Default ceiling of RaiseCapacity: this many times the spec's units. */
  static final long DEFAULT_CEILING_FACTOR = 10;

  private EmergencyPlanner() {}

  /**
   * The plan.
   *
   * @param desired the spec's capacity
   * @param scaling the spec's autoscaling
   * @param goal the spec's emergency runbook, empty for none
   * @param table the table as observed
   * @param fresh the reading made in this pass, empty when none was due
   * @param episode the running episode, null for none
   * @param floor the held floor, null for none
   * @param generation the spec's generation
   * @param history the billing-mode switches made
   */
  public static EmergencyPlan plan(
      DesiredCapacity desired,
      Optional<DesiredAutomation.ScalingGoal> scaling,
      Optional<DesiredAutomation.EmergencyGoal> goal,
      ObservedTable table,
      Optional<ThrottleReading> fresh,
      EmergencyStatus episode,
      CapacityFloor floor,
      long generation,
      List<BillingSwitchGuard.Switch> history,
      Instant now) {
    Plan plan = new Plan(desired, scaling, floor, generation);
    if (episode != null
        && (episode.action() == null || episode.since() == null || episode.revertAt() == null)) {
      plan.events.add("Emergency ended: its record in status is incomplete (" + episode + ")");
      episode = null;
    }
    boolean applies = goal.isPresent() && desired.mode() == BillingMode.Provisioned;
    if (episode != null && (!applies || goal.get().onThrottle() != episode.action())) {
      plan.events.add("Emergency " + episode.action() + " ended: the spec no longer asks for it");
      episode = null;
    }
    if (!applies) {
      return plan.result(null);
    }
    DesiredAutomation.EmergencyGoal runbook = goal.get();
    if (episode != null) {
      episode = withPeaks(episode, fresh);
    }
    return runbook.onThrottle() == OnThrottle.SwitchToOnDemand
        ? switchToOnDemand(plan, runbook, table, fresh, episode, history, now)
        : raiseCapacity(plan, runbook, table, fresh, episode, now);
  }

  private static EmergencyPlan switchToOnDemand(
      Plan plan,
      DesiredAutomation.EmergencyGoal runbook,
      ObservedTable table,
      Optional<ThrottleReading> fresh,
      EmergencyStatus episode,
      List<BillingSwitchGuard.Switch> history,
      Instant now) {
    if (episode == null) {
      Optional<ThrottleReading> trigger = trigger(plan, runbook, table, fresh);
      if (trigger.isEmpty()) {
        return plan.result(null);
      }
      Optional<Deferral> wait =
          BillingSwitchGuard.check(
              BillingMode.OnDemand,
              history,
              Optional.ofNullable(table.capacity().lastSwitchToOnDemand()),
              plan.desired.switchCooldown(),
              now);
      if (wait.isPresent()) {
        plan.note =
            Optional.of(
                reason(trigger.get(), runbook)
                    + "; the emergency switch to on-demand waits for the billing-mode"
                    + " guard until "
                    + wait.get().until());
        plan.events.add(
            "Emergency: table "
                + table.name()
                + " throttles ("
                + reason(trigger.get(), runbook)
                + ") but the switch"
                + " to on-demand waits for the billing-mode guard until "
                + wait.get().until());
        return plan.result(null);
      }
      Instant revertAt = now.plus(runbook.revertAfter());
      episode =
          new EmergencyStatus(
              OnThrottle.SwitchToOnDemand,
              now.toString(),
              reason(trigger.get(), runbook),
              revertAt.toString(),
              null,
              null,
              trigger.get().peakConsumedReadPerSecond(),
              trigger.get().peakConsumedWritePerSecond());
      plan.events.add(
          "Emergency: switching table "
              + table.name()
              + " to on-demand: "
              + episode.reason()
              + "; it returns to provisioned after "
              + revertAt);
    }
    Instant revertAt = Instant.parse(episode.revertAt());
    if (now.isBefore(revertAt)) {
      plan.capacity = onDemand(plan.desired);
      plan.switchReason = "emergency";
      plan.note =
          Optional.of(
              "emergency: on-demand since "
                  + episode.since()
                  + " ("
                  + episode.reason()
                  + "); returns to"
                  + " provisioned at "
                  + revertAt);
      plan.wakeAt = Optional.of(revertAt);
      return plan.result(episode);
    }
    Throughput back = returnTo(plan, runbook, episode);
    plan.capacity = withThroughput(plan.desired, back);
    plan.switchReason = "emergency over";
    if (table.capacity().mode() == BillingMode.Provisioned) {
      plan.end(table, episode, back, runbook);
      return plan.result(null);
    }
    plan.note =
        Optional.of(
            "emergency over: returning to provisioned at "
                + back.read()
                + " read / "
                + back.write()
                + " write units (peak consumed "
                + episode.peakConsumedReadPerSecond()
                + " / "
                + episode.peakConsumedWritePerSecond()
                + " per second + "
                + runbook.headroomPercent()
                + "% headroom)");
    return plan.result(episode);
  }

  private static EmergencyPlan raiseCapacity(
      Plan plan,
      DesiredAutomation.EmergencyGoal runbook,
      ObservedTable table,
      Optional<ThrottleReading> fresh,
      EmergencyStatus episode,
      Instant now) {
    Throughput current = table.capacity().table();
    Optional<ThrottleReading> trigger =
        current == null ? Optional.empty() : trigger(plan, runbook, table, fresh);
    if (trigger.isPresent()) {
      ThrottleReading reading = trigger.get();
      Throughput spec = plan.desired.throughput();
      long ceilingRead = runbook.maxRead().orElse(spec.read() * DEFAULT_CEILING_FACTOR);
      long ceilingWrite = runbook.maxWrite().orElse(spec.write() * DEFAULT_CEILING_FACTOR);
      Long lastRead = episode == null ? null : episode.raisedReadCapacityUnits();
      Long lastWrite = episode == null ? null : episode.raisedWriteCapacityUnits();
      Long read =
          reading.readThrottleEvents() > 0
              ? Long.valueOf(
                  step(
                      Math.max(current.read(), orZero(lastRead)),
                      runbook.raiseStepPercent(),
                      ceilingRead))
              : lastRead;
      Long write =
          reading.writeThrottleEvents() > 0
              ? Long.valueOf(
                  step(
                      Math.max(current.write(), orZero(lastWrite)),
                      runbook.raiseStepPercent(),
                      ceilingWrite))
              : lastWrite;
      boolean raised =
          orZero(read) > Math.max(current.read(), orZero(lastRead))
              || orZero(write) > Math.max(current.write(), orZero(lastWrite));
      // Every throttling reading restarts the wait: the episode ends only after revertAfter without
      // throttling.
      Instant revertAt = now.plus(runbook.revertAfter());
      if (raised || episode != null) {
        episode =
            new EmergencyStatus(
                OnThrottle.RaiseCapacity,
                episode == null ? now.toString() : episode.since(),
                reason(reading, runbook),
                revertAt.toString(),
                read,
                write,
                episode == null
                    ? reading.peakConsumedReadPerSecond()
                    : episode.peakConsumedReadPerSecond(),
                episode == null
                    ? reading.peakConsumedWritePerSecond()
                    : episode.peakConsumedWritePerSecond());
      }
      if (raised) {
        plan.events.add(
            "Emergency: raising table "
                + table.name()
                + " to "
                + describe(read, write)
                + (plan.scaling.isPresent() ? " as the autoscaling minimum" : "")
                + " ("
                + episode.reason()
                + "); back after "
                + revertAt
                + " without throttling");
      } else {
        plan.note =
            Optional.of(
                reason(reading, runbook)
                    + "; capacity is at the emergency ceiling ("
                    + ceilingRead
                    + " read / "
                    + ceilingWrite
                    + " write units)");
      }
    }
    if (episode == null) {
      return plan.result(null);
    }
    Instant revertAt = Instant.parse(episode.revertAt());
    if (now.isBefore(revertAt)) {
      Long read = episode.raisedReadCapacityUnits();
      Long write = episode.raisedWriteCapacityUnits();
      if (plan.scaling.isPresent()) {
        DesiredAutomation.ScalingGoal goal = plan.scaling.get();
        plan.scaling =
            Optional.of(
                new DesiredAutomation.ScalingGoal(
                    read == null ? goal.read() : goal.read().withFloor(read),
                    write == null ? goal.write() : goal.write().withFloor(write),
                    goal.indexes()));
      } else {
        Throughput base = plan.capacity.throughput();
        plan.capacity =
            withThroughput(
                plan.desired,
                new Throughput(
                    Math.max(base.read(), orZero(read)), Math.max(base.write(), orZero(write))));
      }
      String since = episode.since();
      plan.note =
          plan.note.or(
              () ->
                  Optional.of(
                      "emergency: raised to "
                          + describe(read, write)
                          + " since "
                          + since
                          + "; back at "
                          + revertAt
                          + " unless throttling continues"));
      plan.wakeAt = Optional.of(revertAt);
      return plan.result(episode);
    }
    Throughput back = returnTo(plan, runbook, episode);
    plan.end(table, episode, back, runbook);
    if (plan.scaling.isEmpty()) {
      plan.capacity = withThroughput(plan.desired, back);
    }
    return plan.result(null);
  }

  /**
   * Capacity to return to: the episode's peak plus headroom, never below the spec, within
   * autoscaling's bounds.
   */
  private static Throughput returnTo(
      Plan plan, DesiredAutomation.EmergencyGoal runbook, EmergencyStatus episode) {
    Throughput spec = plan.desired.throughput();
    long read =
        Math.max(
            spec.read(),
            withHeadroom(episode.peakConsumedReadPerSecond(), runbook.headroomPercent()));
    long write =
        Math.max(
            spec.write(),
            withHeadroom(episode.peakConsumedWritePerSecond(), runbook.headroomPercent()));
    return plan.scaling
        .map(s -> new Throughput(s.read().clamp(read), s.write().clamp(write)))
        .orElse(new Throughput(read, write));
  }

  private static long withHeadroom(Long peak, int headroomPercent) {
    return peak == null ? 0 : (peak * (100 + headroomPercent) + 99) / 100;
  }

  private static long step(long from, int stepPercent, long ceiling) {
    return Math.min(ceiling, Math.max(from + 1, (from * (100 + stepPercent) + 99) / 100));
  }

  /**
   * The fresh reading that starts or continues an episode: at or above the threshold on a
   * provisioned table, and a case more capacity helps (the table's or an index's capacity; a hot
   * key is not helped, and the note says so).
   */
  private static Optional<ThrottleReading> trigger(
      Plan plan,
      DesiredAutomation.EmergencyGoal runbook,
      ObservedTable table,
      Optional<ThrottleReading> fresh) {
    Optional<ThrottleReading> over =
        fresh
            .filter(r -> events(r) >= runbook.throttleEventsThreshold())
            .filter(r -> table.capacity().mode() == BillingMode.Provisioned);
    if (over.isEmpty()) {
      return over;
    }
    ThrottleDiagnosis.Case found = ThrottleDiagnosis.diagnose(over.get(), table.capacity().table());
    if (found == ThrottleDiagnosis.Case.HotPartition) {
      plan.note =
          Optional.of(
              reason(over.get(), runbook)
                  + ", but on a hot key: more capacity does not help, so the emergency"
                  + " runbook does not act");
      return Optional.empty();
    }
    return over;
  }

  private static String describe(Long read, Long write) {
    return (read == null ? "" : read + " read units")
        + (read != null && write != null ? " / " : "")
        + (write == null ? "" : write + " write units");
  }

  private static long events(ThrottleReading reading) {
    return reading.readThrottleEvents() + reading.writeThrottleEvents();
  }

  private static String reason(ThrottleReading reading, DesiredAutomation.EmergencyGoal runbook) {
    return events(reading)
        + " throttle events in the "
        + reading.window()
        + " to "
        + reading.at()
        + " (threshold "
        + runbook.throttleEventsThreshold()
        + ")";
  }

  private static EmergencyStatus withPeaks(
      EmergencyStatus episode, Optional<ThrottleReading> fresh) {
    if (fresh.isEmpty()) {
      return episode;
    }
    return new EmergencyStatus(
        episode.action(),
        episode.since(),
        episode.reason(),
        episode.revertAt(),
        episode.raisedReadCapacityUnits(),
        episode.raisedWriteCapacityUnits(),
        Math.max(
            orZero(episode.peakConsumedReadPerSecond()), fresh.get().peakConsumedReadPerSecond()),
        Math.max(
            orZero(episode.peakConsumedWritePerSecond()),
            fresh.get().peakConsumedWritePerSecond()));
  }

  private static long orZero(Long value) {
    return value == null ? 0 : value;
  }

  private static Throughput max(Throughput a, Throughput b) {
    return new Throughput(Math.max(a.read(), b.read()), Math.max(a.write(), b.write()));
  }

  private static DesiredCapacity onDemand(DesiredCapacity spec) {
    return new DesiredCapacity(
        BillingMode.OnDemand,
        null,
        null,
        spec.maxReadRequestUnits(),
        spec.maxWriteRequestUnits(),
        spec.switchCooldown(),
        false,
        false);
  }

  private static DesiredCapacity withThroughput(DesiredCapacity spec, Throughput throughput) {
    return new DesiredCapacity(
        BillingMode.Provisioned,
        throughput,
        spec.maxIncreasePercent(),
        spec.maxReadRequestUnits(),
        spec.maxWriteRequestUnits(),
        spec.switchCooldown(),
        spec.autoscalingOwnsThroughput(),
        spec.autoscalingOwnsIndexes());
  }

  /** The plan being built. */
  private static final class Plan {
    final DesiredCapacity desired;
    final long generation;
    final List<String> events = new ArrayList<>();
    DesiredCapacity capacity;
    Optional<DesiredAutomation.ScalingGoal> scaling;
    CapacityFloor floor;
    String switchReason = "spec";
    Optional<String> note = Optional.empty();
    Optional<Instant> wakeAt = Optional.empty();

    Plan(
        DesiredCapacity desired,
        Optional<DesiredAutomation.ScalingGoal> scaling,
        CapacityFloor floor,
        long generation) {
      this.desired = desired;
      this.scaling = scaling;
      this.generation = generation;
      boolean holds =
          floor != null
              && floor.generation() != null
              && floor.generation() == generation
              && floor.readCapacityUnits() != null
              && floor.writeCapacityUnits() != null
              && desired.mode() == BillingMode.Provisioned
              && scaling.isEmpty();
      this.floor = holds ? floor : null;
      this.capacity =
          holds
              ? withThroughput(
                  desired,
                  max(
                      desired.throughput(),
                      new Throughput(floor.readCapacityUnits(), floor.writeCapacityUnits())))
              : desired;
    }

    /** Ends {@code episode} at {@code back}, held as a floor unless autoscaling owns the units. */
    void end(
        ObservedTable table,
        EmergencyStatus episode,
        Throughput back,
        DesiredAutomation.EmergencyGoal runbook) {
      String how =
          "peak consumed "
              + episode.peakConsumedReadPerSecond()
              + " read / "
              + episode.peakConsumedWritePerSecond()
              + " write units per second + "
              + runbook.headroomPercent()
              + "% headroom";
      floor =
          scaling.isPresent()
              ? null
              : new CapacityFloor(
                  back.read(),
                  back.write(),
                  generation,
                  "returned from emergency "
                      + episode.action()
                      + " at "
                      + back.read()
                      + " read / "
                      + back.write()
                      + " write units ("
                      + how
                      + "); held over the spec's capacity until the spec changes");
      events.add(
          "Emergency over: table "
              + table.name()
              + " returns to provisioned at "
              + back.read()
              + " read / "
              + back.write()
              + " write units ("
              + how
              + (scaling.isPresent() ? "; autoscaling takes over" : "; held until the spec changes")
              + ")");
    }

    EmergencyPlan result(EmergencyStatus episode) {
      return new EmergencyPlan(
          capacity, scaling, switchReason, episode, floor, events, note, wakeAt);
    }
  }
}
