package dev.limiter.operator.plan.automation;

import static dev.limiter.operator.plan.automation.Tables.reading;
import static org.assertj.core.api.Assertions.assertThat;

import dev.limiter.operator.api.BillingMode;
import dev.limiter.operator.api.CapacityFloor;
import dev.limiter.operator.api.EmergencyStatus;
import dev.limiter.operator.api.OnThrottle;
import dev.limiter.operator.api.ThrottleReading;
import dev.limiter.operator.plan.BillingSwitchGuard;
import dev.limiter.operator.plan.DesiredCapacity;
import dev.limiter.operator.plan.ObservedTable;
import dev.limiter.operator.plan.Throughput;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EmergencyPlannerTest {

  private static final Instant T0 = Instant.parse("2026-11-24T12:00:00Z");
  private static final DesiredCapacity SPEC =
      new DesiredCapacity(
          BillingMode.Provisioned,
          new Throughput(10, 100),
          null,
          -1,
          -1,
          Duration.ofHours(24),
          false,
          false);
  private static final DesiredAutomation.EmergencyGoal SWITCH =
      new DesiredAutomation.EmergencyGoal(
          OnThrottle.SwitchToOnDemand,
          100,
          Duration.ofHours(2),
          20,
          50,
          Optional.empty(),
          Optional.empty());
  private static final DesiredAutomation.EmergencyGoal RAISE =
      new DesiredAutomation.EmergencyGoal(
          OnThrottle.RaiseCapacity,
          100,
          Duration.ofHours(2),
          20,
          50,
          Optional.empty(),
          Optional.of(300L));
  private static final ThrottleReading STORM = reading(T0, 0, 150, 0, 150, 0, 5, 100);

  private static EmergencyPlan plan(
      DesiredAutomation.EmergencyGoal goal,
      ObservedTable table,
      Optional<ThrottleReading> fresh,
      EmergencyStatus episode,
      CapacityFloor floor,
      List<BillingSwitchGuard.Switch> history,
      Instant now) {
    return EmergencyPlanner.plan(
        SPEC, Optional.empty(), Optional.of(goal), table, fresh, episode, floor, 3, history, now);
  }

  @Test
  void throttlingAboveTheThresholdSwitchesToOnDemandAndSaysWhenItReturns() {
    EmergencyPlan plan =
        plan(SWITCH, Tables.provisioned(10, 100), Optional.of(STORM), null, null, List.of(), T0);

    assertThat(plan.capacity().mode()).isEqualTo(BillingMode.OnDemand);
    assertThat(plan.switchReason()).isEqualTo("emergency");
    assertThat(plan.episode().action()).isEqualTo(OnThrottle.SwitchToOnDemand);
    assertThat(plan.episode().revertAt()).isEqualTo(T0.plus(Duration.ofHours(2)).toString());
    assertThat(plan.episode().reason()).contains("150 throttle events").contains("threshold 100");
    assertThat(plan.events())
        .singleElement()
        .asString()
        .startsWith("Emergency: switching table team-a-limits to on-demand");
    assertThat(plan.wakeAt()).contains(T0.plus(Duration.ofHours(2)));
  }

  @Test
  void belowTheThresholdOrWithoutAFreshReadingNothingHappens() {
    for (Optional<ThrottleReading> fresh :
        List.of(
            Optional.<ThrottleReading>empty(), Optional.of(reading(T0, 40, 59, 0, 99, 0, 5, 90)))) {
      EmergencyPlan plan =
          plan(SWITCH, Tables.provisioned(10, 100), fresh, null, null, List.of(), T0);
      assertThat(plan.capacity()).isEqualTo(SPEC);
      assertThat(plan.episode()).isNull();
      assertThat(plan.events()).isEmpty();
    }
  }

  @Test
  void aHotKeyDoesNotTriggerTheRunbookBecauseCapacityDoesNotHelp() {
    ThrottleReading hotKey = reading(T0, 0, 150, 150, 0, 0, 5, 20);
    for (DesiredAutomation.EmergencyGoal goal : List.of(SWITCH, RAISE)) {
      EmergencyPlan plan =
          plan(goal, Tables.provisioned(10, 100), Optional.of(hotKey), null, null, List.of(), T0);
      assertThat(plan.capacity()).isEqualTo(SPEC);
      assertThat(plan.episode()).isNull();
      assertThat(plan.note()).get().asString().contains("hot key");
    }
  }

  @Test
  void theCooldownGuardHoldsTheSwitchAndTheNoteSaysUntilWhen() {
    List<BillingSwitchGuard.Switch> history =
        List.of(
            new BillingSwitchGuard.Switch(T0.minus(Duration.ofHours(3)), BillingMode.Provisioned));
    EmergencyPlan plan =
        plan(SWITCH, Tables.provisioned(10, 100), Optional.of(STORM), null, null, history, T0);

    assertThat(plan.capacity()).isEqualTo(SPEC);
    assertThat(plan.episode()).isNull();
    assertThat(plan.note())
        .get()
        .asString()
        .contains("waits for the billing-mode guard until " + T0.plus(Duration.ofHours(21)));
    assertThat(plan.events())
        .singleElement()
        .asString()
        .contains("waits for the billing-mode guard");
  }

  @Test
  void theEpisodeKeepsOnDemandTracksThePeakThenReturnsWithPeakPlusHeadroomAndHoldsItAsAFloor() {
    EmergencyStatus started =
        plan(SWITCH, Tables.provisioned(10, 100), Optional.of(STORM), null, null, List.of(), T0)
            .episode();
    Instant later = T0.plus(Duration.ofHours(1));
    EmergencyPlan during =
        plan(
            SWITCH,
            Tables.onDemand(T0),
            Optional.of(Tables.quiet(later, 8, 400)),
            started,
            null,
            List.of(),
            later);
    assertThat(during.capacity().mode()).isEqualTo(BillingMode.OnDemand);
    assertThat(during.episode().peakConsumedWritePerSecond()).isEqualTo(400);
    assertThat(during.episode().peakConsumedReadPerSecond()).isEqualTo(8);

    Instant due = T0.plus(Duration.ofHours(2));
    EmergencyPlan reverting =
        plan(SWITCH, Tables.onDemand(T0), Optional.empty(), during.episode(), null, List.of(), due);
    assertThat(reverting.capacity().mode()).isEqualTo(BillingMode.Provisioned);
    assertThat(reverting.capacity().throughput())
        .as("peak 8 / 400 + 20%%, not below the spec's 10 / 100")
        .isEqualTo(new Throughput(10, 480));
    assertThat(reverting.episode()).as("kept until the table is provisioned again").isNotNull();

    EmergencyPlan over =
        plan(
            SWITCH,
            Tables.provisioned(10, 480),
            Optional.empty(),
            reverting.episode(),
            null,
            List.of(),
            due.plusSeconds(60));
    assertThat(over.episode()).isNull();
    assertThat(over.floor().writeCapacityUnits()).isEqualTo(480);
    assertThat(over.floor().generation()).isEqualTo(3);
    assertThat(over.capacity().throughput()).isEqualTo(new Throughput(10, 480));
    assertThat(over.events())
        .singleElement()
        .asString()
        .startsWith(
            "Emergency over: table team-a-limits returns to provisioned at"
                + " 10 read / 480 write units");

    EmergencyPlan held =
        plan(
            SWITCH,
            Tables.provisioned(10, 480),
            Optional.empty(),
            null,
            over.floor(),
            List.of(),
            due.plusSeconds(600));
    assertThat(held.capacity().throughput()).isEqualTo(new Throughput(10, 480));
    EmergencyPlan specChanged =
        EmergencyPlanner.plan(
            SPEC,
            Optional.empty(),
            Optional.of(SWITCH),
            Tables.provisioned(10, 480),
            Optional.empty(),
            null,
            over.floor(),
            4,
            List.of(),
            due.plusSeconds(600));
    assertThat(specChanged.capacity()).isEqualTo(SPEC);
    assertThat(specChanged.floor()).isNull();
  }

  @Test
  void underAutoscalingTheReturnIsClampedToTheBoundsAndNoFloorIsHeld() {
    Optional<DesiredAutomation.ScalingGoal> scaling =
        Optional.of(
            new DesiredAutomation.ScalingGoal(
                new DesiredAutomation.Bounds(5, 50, 70),
                new DesiredAutomation.Bounds(5, 300, 70),
                true));
    EmergencyStatus episode =
        new EmergencyStatus(
            OnThrottle.SwitchToOnDemand,
            T0.toString(),
            "storm",
            T0.plus(Duration.ofHours(2)).toString(),
            null,
            null,
            8L,
            400L);
    Instant due = T0.plus(Duration.ofHours(2));
    EmergencyPlan reverting =
        EmergencyPlanner.plan(
            SPEC,
            scaling,
            Optional.of(SWITCH),
            Tables.onDemand(T0),
            Optional.empty(),
            episode,
            null,
            3,
            List.of(),
            due);
    assertThat(reverting.capacity().throughput()).isEqualTo(new Throughput(10, 300));

    EmergencyPlan over =
        EmergencyPlanner.plan(
            SPEC,
            scaling,
            Optional.of(SWITCH),
            Tables.provisioned(10, 300),
            Optional.empty(),
            reverting.episode(),
            null,
            3,
            List.of(),
            due);
    assertThat(over.episode()).isNull();
    assertThat(over.floor()).isNull();
    assertThat(over.events()).singleElement().asString().contains("autoscaling takes over");
  }

  @Test
  void raiseCapacityStepsTheThrottledDimensionUpToTheCeilingThenReturns() {
    EmergencyPlan first =
        plan(RAISE, Tables.provisioned(10, 100), Optional.of(STORM), null, null, List.of(), T0);
    assertThat(first.capacity().throughput())
        .as("write +50%%; read did not throttle")
        .isEqualTo(new Throughput(10, 150));
    assertThat(first.episode().raisedWriteCapacityUnits()).isEqualTo(150);
    assertThat(first.events())
        .singleElement()
        .asString()
        .contains("raising table team-a-limits to 150 write units (");

    Instant t1 = T0.plus(Duration.ofMinutes(5));
    EmergencyPlan second =
        plan(
            RAISE,
            Tables.provisioned(10, 150),
            Optional.of(reading(t1, 0, 200, 0, 200, 0, 5, 150)),
            first.episode(),
            null,
            List.of(),
            t1);
    assertThat(second.capacity().throughput()).isEqualTo(new Throughput(10, 225));
    assertThat(second.episode().since()).isEqualTo(T0.toString());

    Instant t2 = t1.plus(Duration.ofMinutes(5));
    EmergencyPlan ceiling =
        plan(
            RAISE,
            Tables.provisioned(10, 225),
            Optional.of(reading(t2, 0, 200, 0, 200, 0, 5, 225)),
            second.episode(),
            null,
            List.of(),
            t2);
    assertThat(ceiling.capacity().throughput()).isEqualTo(new Throughput(10, 300));
    EmergencyPlan atCeiling =
        plan(
            RAISE,
            Tables.provisioned(10, 300),
            Optional.of(reading(t2.plusSeconds(300), 0, 200, 0, 200, 0, 5, 240)),
            ceiling.episode(),
            null,
            List.of(),
            t2.plusSeconds(300));
    assertThat(atCeiling.capacity().throughput()).isEqualTo(new Throughput(10, 300));
    assertThat(atCeiling.note()).get().asString().contains("at the emergency ceiling");
    assertThat(atCeiling.episode().peakConsumedWritePerSecond()).isEqualTo(240);

    assertThat(atCeiling.episode().revertAt())
        .as("throttling at the ceiling restarts the wait")
        .isEqualTo(t2.plusSeconds(300).plus(Duration.ofHours(2)).toString());
    Instant back = Instant.parse(atCeiling.episode().revertAt());
    EmergencyPlan over =
        plan(
            RAISE,
            Tables.provisioned(10, 300),
            Optional.empty(),
            atCeiling.episode(),
            null,
            List.of(),
            back);
    assertThat(over.episode()).isNull();
    assertThat(over.capacity().throughput())
        .as("peak 240 + 20%%")
        .isEqualTo(new Throughput(10, 288));
    assertThat(over.floor().writeCapacityUnits()).isEqualTo(288);
  }

  @Test
  void raiseCapacityUnderAutoscalingRaisesTheMinimumNotTheUnits() {
    Optional<DesiredAutomation.ScalingGoal> scaling =
        Optional.of(
            new DesiredAutomation.ScalingGoal(
                new DesiredAutomation.Bounds(5, 50, 70),
                new DesiredAutomation.Bounds(5, 120, 70),
                false));
    EmergencyPlan plan =
        EmergencyPlanner.plan(
            SPEC,
            scaling,
            Optional.of(RAISE),
            Tables.provisioned(10, 100),
            Optional.of(STORM),
            null,
            null,
            3,
            List.of(),
            T0);
    assertThat(plan.capacity()).isEqualTo(SPEC);
    assertThat(plan.scaling().orElseThrow().write())
        .isEqualTo(new DesiredAutomation.Bounds(150, 150, 70));
    assertThat(plan.scaling().orElseThrow().read()).isEqualTo(scaling.get().read());
  }

  @Test
  void anEpisodeEndsWhenTheSpecNoLongerAsksForIt() {
    EmergencyStatus episode =
        plan(SWITCH, Tables.provisioned(10, 100), Optional.of(STORM), null, null, List.of(), T0)
            .episode();
    EmergencyPlan plan =
        EmergencyPlanner.plan(
            SPEC,
            Optional.empty(),
            Optional.empty(),
            Tables.onDemand(T0),
            Optional.empty(),
            episode,
            null,
            4,
            List.of(),
            T0.plusSeconds(60));
    assertThat(plan.episode()).isNull();
    assertThat(plan.capacity()).isEqualTo(SPEC);
    assertThat(plan.events())
        .singleElement()
        .asString()
        .contains("ended: the spec no longer asks for it");
  }
}
