package dev.limiter.operator.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.BillingModeSummary;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

class ObservedTableTest {

  private static final Instant CREATED = Instant.parse("2026-11-24T10:00:00Z");

  private static TableDescription onDemandSince(Instant lastUpdateToPayPerRequest) {
    return TableDescription.builder()
        .creationDateTime(CREATED)
        .billingModeSummary(
            BillingModeSummary.builder()
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .lastUpdateToPayPerRequestDateTime(lastUpdateToPayPerRequest)
                .build())
        .build();
  }

  @Test
  void creatingATableOnDemandIsNotASwitch() {
    assertThat(ObservedTable.lastSwitchToOnDemand(onDemandSince(CREATED))).isNull();
    assertThat(ObservedTable.lastSwitchToOnDemand(onDemandSince(CREATED.plusSeconds(60)))).isNull();
  }

  @Test
  void aLaterTimeIsASwitch() {
    Instant switched = CREATED.plusSeconds(61);
    assertThat(ObservedTable.lastSwitchToOnDemand(onDemandSince(switched))).isEqualTo(switched);
  }

  @Test
  void aTableThatNeverWentOnDemandHasNoSwitch() {
    TableDescription provisioned = TableDescription.builder().creationDateTime(CREATED).build();
    assertThat(ObservedTable.lastSwitchToOnDemand(provisioned)).isNull();
  }

  @Test
  void anUnknownCreationTimeKeepsTheSummary() {
    TableDescription table = onDemandSince(CREATED).toBuilder().creationDateTime(null).build();
    assertThat(ObservedTable.lastSwitchToOnDemand(table)).isEqualTo(CREATED);
  }
}
