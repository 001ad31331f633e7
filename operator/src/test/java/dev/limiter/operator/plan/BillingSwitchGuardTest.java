package dev.limiter.operator.plan;

import static dev.limiter.operator.api.BillingMode.OnDemand;
import static dev.limiter.operator.api.BillingMode.Provisioned;
import static org.assertj.core.api.Assertions.assertThat;

import dev.limiter.operator.plan.BillingSwitchGuard.Switch;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BillingSwitchGuardTest {

  private static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");
  private static final Duration DAY = Duration.ofHours(24);

  private static Instant ago(Duration duration) {
    return NOW.minus(duration);
  }

  @Test
  void firstSwitchIsAllowed() {
    assertThat(BillingSwitchGuard.check(OnDemand, List.of(), Optional.empty(), DAY, NOW)).isEmpty();
    assertThat(BillingSwitchGuard.check(Provisioned, List.of(), Optional.empty(), DAY, NOW))
        .isEmpty();
  }

  @Test
  void switchWithinTheCooldownIsDeferredToItsExactEnd() {
    List<Switch> history = List.of(new Switch(ago(Duration.ofHours(3)), OnDemand));
    Optional<Deferral> deferral =
        BillingSwitchGuard.check(Provisioned, history, Optional.empty(), DAY, NOW);
    assertThat(deferral)
        .hasValueSatisfying(
            d -> {
              assertThat(d.until()).isEqualTo(NOW.plus(Duration.ofHours(21)));
              assertThat(d.reason()).isEqualTo("SwitchCooldown");
              assertThat(d.message())
                  .contains("switch to Provisioned deferred until 2026-11-23T09:00:00Z")
                  .contains("switchCooldown is PT24H");
            });
  }

  @Test
  void switchExactlyAtTheEndOfTheCooldownIsAllowed() {
    List<Switch> history = List.of(new Switch(ago(DAY), OnDemand));
    assertThat(BillingSwitchGuard.check(Provisioned, history, Optional.empty(), DAY, NOW))
        .isEmpty();
    List<Switch> oneSecondShort = List.of(new Switch(ago(DAY).plusSeconds(1), OnDemand));
    assertThat(BillingSwitchGuard.check(Provisioned, oneSecondShort, Optional.empty(), DAY, NOW))
        .hasValueSatisfying(d -> assertThat(d.until()).isEqualTo(NOW.plusSeconds(1)));
  }

  @Test
  void awsSummaryCountsWhenItIsLaterThanTheHistory() {
    // Someone switched in the console two hours ago; the operator's history is older.
    List<Switch> history = List.of(new Switch(ago(Duration.ofDays(3)), Provisioned));
    Optional<Deferral> deferral =
        BillingSwitchGuard.check(
            Provisioned, history, Optional.of(ago(Duration.ofHours(2))), DAY, NOW);
    assertThat(deferral)
        .hasValueSatisfying(d -> assertThat(d.until()).isEqualTo(NOW.plus(Duration.ofHours(22))));
  }

  @Test
  void historyCountsWhenItIsLaterThanTheSummary() {
    // AWS only records switches to on-demand; the switch back to provisioned is in the history
    // only.
    List<Switch> history =
        List.of(
            new Switch(ago(Duration.ofHours(30)), OnDemand),
            new Switch(ago(Duration.ofHours(1)), Provisioned));
    Optional<Deferral> deferral =
        BillingSwitchGuard.check(
            OnDemand, history, Optional.of(ago(Duration.ofHours(30))), DAY, NOW);
    assertThat(deferral)
        .hasValueSatisfying(d -> assertThat(d.until()).isEqualTo(NOW.plus(Duration.ofHours(23))));
  }

  @Test
  void shortCooldownStillNeverExceedsAwsQuota() {
    Duration hour = Duration.ofHours(1);
    List<Switch> history =
        List.of(
            new Switch(ago(Duration.ofHours(20)), OnDemand),
                new Switch(ago(Duration.ofHours(19)), Provisioned),
            new Switch(ago(Duration.ofHours(15)), OnDemand),
                new Switch(ago(Duration.ofHours(14)), Provisioned),
            new Switch(ago(Duration.ofHours(10)), OnDemand),
                new Switch(ago(Duration.ofHours(9)), Provisioned),
            new Switch(ago(Duration.ofHours(5)), OnDemand),
                new Switch(ago(Duration.ofHours(4)), Provisioned));
    Optional<Deferral> deferral =
        BillingSwitchGuard.check(
            OnDemand, history, Optional.of(ago(Duration.ofHours(5))), hour, NOW);
    assertThat(deferral)
        .hasValueSatisfying(
            d -> {
              // The oldest of the last four switches to on-demand leaves the 24-hour window in 4
              // hours.
              assertThat(d.until()).isEqualTo(NOW.plus(Duration.ofHours(4)));
              assertThat(d.reason()).isEqualTo("AwsSwitchQuota");
            });
    // Switching to provisioned is not limited by AWS.
    assertThat(BillingSwitchGuard.check(Provisioned, history, Optional.empty(), hour, NOW))
        .isEmpty();
  }

  @Test
  void quotaCountsOnlyTheRolling24Hours() {
    Duration hour = Duration.ofHours(1);
    List<Switch> history =
        List.of(
            new Switch(ago(Duration.ofHours(25)), OnDemand),
                new Switch(ago(Duration.ofHours(20)), OnDemand),
            new Switch(ago(Duration.ofHours(10)), OnDemand),
                new Switch(ago(Duration.ofHours(5)), OnDemand));
    assertThat(BillingSwitchGuard.check(OnDemand, history, Optional.empty(), hour, NOW)).isEmpty();
  }

  @Test
  void summaryMatchingARecordedSwitchIsNotCountedTwice() {
    Duration hour = Duration.ofHours(1);
    List<Switch> history =
        List.of(
            new Switch(ago(Duration.ofHours(20)), OnDemand),
            new Switch(ago(Duration.ofHours(10)), OnDemand),
            new Switch(ago(Duration.ofHours(5)), OnDemand));
    Optional<Instant> summary = Optional.of(ago(Duration.ofHours(5)).plusSeconds(40));
    assertThat(BillingSwitchGuard.check(OnDemand, history, summary, hour, NOW)).isEmpty();
  }

  @Test
  void pruneKeepsWhatCanStillMatterAndTheLastSwitch() {
    Switch old = new Switch(ago(Duration.ofDays(10)), OnDemand);
    Switch last = new Switch(ago(Duration.ofDays(3)), Provisioned);
    assertThat(BillingSwitchGuard.prune(List.of(last, old), DAY, NOW)).containsExactly(last);

    Switch recent = new Switch(ago(Duration.ofHours(30)), OnDemand);
    assertThat(BillingSwitchGuard.prune(List.of(old, recent, last), Duration.ofHours(48), NOW))
        .containsExactly(recent);
    assertThat(BillingSwitchGuard.prune(List.of(), DAY, NOW)).isEmpty();
  }
}
