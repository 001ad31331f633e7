package dev.limiter.operator.plan;

import static dev.limiter.operator.api.BillingMode.OnDemand;
import static dev.limiter.operator.api.BillingMode.Provisioned;
import static org.assertj.core.api.Assertions.assertThat;

import dev.limiter.operator.api.BillingMode;
import dev.limiter.operator.plan.ObservedCapacity.Decreases;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CapacityDeciderTest {

  private static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");
  private static final Duration DAY = Duration.ofHours(24);
  private static final Throughput T100 = new Throughput(100, 50);

  private static DesiredCapacity provisioned(Throughput throughput, Integer maxIncreasePercent) {
    return new DesiredCapacity(
        Provisioned, throughput, maxIncreasePercent, -1, -1, DAY, false, false);
  }

  private static DesiredCapacity onDemand(long maxRead, long maxWrite) {
    return new DesiredCapacity(OnDemand, null, null, maxRead, maxWrite, DAY, false, false);
  }

  private static ObservedCapacity observed(BillingMode mode, Throughput table, Throughput index) {
    return new ObservedCapacity(
        mode,
        table,
        Decreases.NONE,
        Collections.singletonMap("gsi1", index),
        Map.of(),
        -1,
        -1,
        null);
  }

  @Test
  void convergedProvisionedTableIsInSync() {
    assertThat(
            CapacityDecider.decide(
                provisioned(T100, null), observed(Provisioned, T100, T100), List.of(), NOW))
        .isInstanceOf(CapacityDecision.InSync.class);
  }

  @Test
  void onDemandTableIgnoresReportedThroughput() {
    // DynamoDB reports 0/0 (or stale figures) for an on-demand table: not a diff.
    ObservedCapacity table = observed(OnDemand, new Throughput(5, 5), new Throughput(1, 1));
    assertThat(CapacityDecider.decide(onDemand(-1, -1), table, List.of(), NOW))
        .isInstanceOf(CapacityDecision.InSync.class);
    assertThat(CapacityDecider.decide(onDemand(1000, -1), table, List.of(), NOW))
        .isEqualTo(new CapacityDecision.UpdateOnDemandCaps(1000, -1));
  }

  @Test
  void switchToProvisionedCarriesThroughputForTheTableAndEveryIndex() {
    CapacityDecision decision =
        CapacityDecider.decide(
            provisioned(T100, null), observed(OnDemand, null, null), List.of(), NOW);
    assertThat(decision)
        .isEqualTo(new CapacityDecision.SwitchBillingMode(Provisioned, T100, Set.of("gsi1")));
  }

  @Test
  void switchInsideTheCooldownIsDeferred() {
    List<BillingSwitchGuard.Switch> history =
        List.of(new BillingSwitchGuard.Switch(NOW.minus(Duration.ofHours(2)), OnDemand));
    CapacityDecision decision =
        CapacityDecider.decide(
            provisioned(T100, null), observed(OnDemand, null, null), history, NOW);
    assertThat(decision)
        .isInstanceOfSatisfying(
            CapacityDecision.Deferred.class,
            d -> assertThat(d.deferral().until()).isEqualTo(NOW.plus(Duration.ofHours(22))));
  }

  @Test
  void switchToOnDemandCarriesNoThroughput() {
    assertThat(
            CapacityDecider.decide(
                onDemand(-1, -1), observed(Provisioned, T100, T100), List.of(), NOW))
        .isEqualTo(new CapacityDecision.SwitchBillingMode(OnDemand, null, Set.of("gsi1")));
  }

  @Test
  void driftIsRepairedForTableAndIndexInOneUpdate() {
    Throughput drifted = new Throughput(100, 20);
    CapacityDecision decision =
        CapacityDecider.decide(
            provisioned(T100, null), observed(Provisioned, drifted, drifted), List.of(), NOW);
    assertThat(decision)
        .isEqualTo(
            new CapacityDecision.UpdateThroughput(T100, Map.of("gsi1", T100), Optional.empty()));
  }

  @Test
  void increasesAreStepped() {
    CapacityDecision decision =
        CapacityDecider.decide(
            provisioned(new Throughput(1000, 1000), 100),
            observed(Provisioned, T100, T100),
            List.of(),
            NOW);
    Throughput step = new Throughput(200, 100);
    assertThat(decision)
        .isEqualTo(
            new CapacityDecision.UpdateThroughput(step, Map.of("gsi1", step), Optional.empty()));
  }

  @Test
  void autoscalingOwnedThroughputIsNeverWritten() {
    DesiredCapacity desired = new DesiredCapacity(Provisioned, T100, null, -1, -1, DAY, true, true);
    assertThat(
            CapacityDecider.decide(
                desired, observed(Provisioned, new Throughput(700, 300), T100), List.of(), NOW))
        .isInstanceOf(CapacityDecision.InSync.class);
  }

  @Test
  void autoscalingOfTheTableOnlyLeavesTheIndexesToTheSpec() {
    DesiredCapacity desired =
        new DesiredCapacity(Provisioned, T100, null, -1, -1, DAY, true, false);
    assertThat(
            CapacityDecider.decide(
                desired,
                observed(Provisioned, new Throughput(700, 300), new Throughput(5, 5)),
                List.of(),
                NOW))
        .isEqualTo(
            new CapacityDecision.UpdateThroughput(null, Map.of("gsi1", T100), Optional.empty()));
  }

  @Test
  void decreaseBeyondTheQuotaIsDeferredPerTarget() {
    Throughput high = new Throughput(500, 500);
    Instant lastDecrease = NOW.minus(Duration.ofMinutes(20));
    ObservedCapacity table =
        new ObservedCapacity(
            Provisioned,
            high,
            new Decreases(4L, lastDecrease),
            Map.of("gsi1", high),
            Map.of("gsi1", new Decreases(1L, lastDecrease)),
            -1,
            -1,
            null);
    CapacityDecision decision =
        CapacityDecider.decide(provisioned(T100, null), table, List.of(), NOW);
    // The index still has free decreases today; the table waits until an hour after its last one.
    assertThat(decision)
        .isInstanceOfSatisfying(
            CapacityDecision.UpdateThroughput.class,
            update -> {
              assertThat(update.table()).isNull();
              assertThat(update.indexes()).containsExactly(Map.entry("gsi1", T100));
              assertThat(update.remaining())
                  .hasValueSatisfying(
                      d -> {
                        assertThat(d.until()).isEqualTo(lastDecrease.plus(Duration.ofHours(1)));
                        assertThat(d.message()).contains("table");
                      });
            });

    ObservedCapacity bothExhausted =
        new ObservedCapacity(
            Provisioned,
            high,
            new Decreases(4L, lastDecrease),
            Map.of("gsi1", high),
            Map.of("gsi1", new Decreases(5L, NOW.minus(Duration.ofMinutes(50)))),
            -1,
            -1,
            null);
    assertThat(CapacityDecider.decide(provisioned(T100, null), bothExhausted, List.of(), NOW))
        .isInstanceOfSatisfying(
            CapacityDecision.Deferred.class,
            d -> assertThat(d.deferral().until()).isEqualTo(NOW.plus(Duration.ofMinutes(10))));
  }
}
