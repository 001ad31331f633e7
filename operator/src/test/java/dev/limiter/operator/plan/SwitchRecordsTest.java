package dev.limiter.operator.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limiter.operator.api.BillingMode;
import dev.limiter.operator.api.BillingModeSwitch;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;

class SwitchRecordsTest {

  private static final Instant AT = Instant.parse("2026-11-25T08:00:00Z");
  private static final BillingModeSwitch TO_PROVISIONED =
      new BillingModeSwitch(AT.toString(), BillingMode.Provisioned, "spec", true);
  private static final BillingModeSwitch TO_ON_DEMAND =
      new BillingModeSwitch(AT.toString(), BillingMode.OnDemand, "emergency", true);

  @Test
  void aPendingSwitchTheTableShowsIsConfirmed() {
    assertThat(
            SwitchRecords.settle(
                List.of(TO_PROVISIONED),
                Optional.of(table(BillingMode.Provisioned, "ACTIVE", null))))
        .containsExactly(TO_PROVISIONED.confirmed());
  }

  @Test
  void aPendingSwitchAwsNeverMadeIsDroppedOnceTheTableIsActive() {
    assertThat(
            SwitchRecords.settle(
                List.of(TO_ON_DEMAND), Optional.of(table(BillingMode.Provisioned, "ACTIVE", null))))
        .isEmpty();
  }

  @Test
  void aPendingSwitchStaysPendingAndCountedWhileTheTableIsBusy() {
    List<BillingModeSwitch> settled =
        SwitchRecords.settle(
            List.of(TO_ON_DEMAND), Optional.of(table(BillingMode.Provisioned, "UPDATING", null)));
    assertThat(settled).containsExactly(TO_ON_DEMAND);
    assertThat(SwitchRecords.forGuard(settled))
        .containsExactly(new BillingSwitchGuard.Switch(AT, BillingMode.OnDemand));
  }

  @Test
  void aSwitchMadeAndUndoneSinceIsConfirmedFromAwsLastSwitchToOnDemand() {
    Instant later = AT.plus(Duration.ofMinutes(30));
    assertThat(
            SwitchRecords.settle(
                List.of(TO_PROVISIONED), Optional.of(table(BillingMode.OnDemand, "ACTIVE", later))))
        .containsExactly(TO_PROVISIONED.confirmed());
    assertThat(
            SwitchRecords.settle(
                List.of(TO_ON_DEMAND), Optional.of(table(BillingMode.Provisioned, "ACTIVE", AT))))
        .containsExactly(TO_ON_DEMAND.confirmed());
  }

  @Test
  void afterTheCallAcceptedIsConfirmedRefusedIsDroppedUnknownStaysPending() {
    assertThat(SwitchRecords.afterCall(TO_ON_DEMAND, Optional.empty()))
        .contains(TO_ON_DEMAND.confirmed());
    assertThat(
            SwitchRecords.afterCall(
                TO_ON_DEMAND,
                Optional.of(
                    new AwsFailures.Deferred(
                        new Deferral(AT.plus(Duration.ofHours(1)), "AwsQuota", "quota")))))
        .isEmpty();
    assertThat(
            SwitchRecords.afterCall(
                TO_ON_DEMAND, Optional.of(new AwsFailures.Transient("AwsUnreachable", "timeout"))))
        .contains(TO_ON_DEMAND);
  }

  private static ObservedTable table(BillingMode mode, String status, Instant lastToOnDemand) {
    Throughput units = mode == BillingMode.Provisioned ? new Throughput(10, 5) : null;
    ObservedCapacity capacity =
        new ObservedCapacity(
            mode,
            units,
            ObservedCapacity.Decreases.NONE,
            Map.of(),
            Map.of(),
            -1,
            -1,
            lastToOnDemand);
    return new ObservedTable(
        "t-limits",
        "arn:aws:dynamodb:us-east-1:123456789012:table/t-limits",
        status,
        capacity,
        false,
        null,
        false,
        TimeToLiveStatus.DISABLED,
        false,
        Map.of(DesiredTable.OWNER_TAG, "t/limits"),
        0,
        ObservedSchemas.limiter());
  }
}
