package dev.limiter.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limiter.operator.plan.DesiredTables;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;

/** What the lenient reader keeps, leaves out and remembers, as the informers read objects. */
class LenientResourceReaderTest {

  private static RateLimiterTable read(String yaml) {
    return Serialization.unmarshal(yaml, RateLimiterTable.class);
  }

  @Test
  void valuesNoModelTypeHoldsAreLeftOutAndRememberedTheRestIsKept() {
    RateLimiterTable table =
        read(
            """
            apiVersion: limiter.dev/v1alpha1
            kind: RateLimiterTable
            metadata: {name: t, namespace: a}
            spec:
              region: eu-west-1
              billing:
                mode: Sideways
                switchCooldown: 2h
              tags: {team: 5}
              timeToLive: "yes"
            """);
    assertThat(table.unreadable())
        .extracting(CrdSchema.Violation::toString)
        .containsExactly(
            "spec.billing.mode: must be one of OnDemand, Provisioned, got \"Sideways\"",
            "spec.tags[team]: must be a string, got 5",
            "spec.timeToLive: must be a boolean, got \"yes\"");
    assertThat(table.getMetadata().getName()).isEqualTo("t");
    assertThat(table.getSpec().region()).isEqualTo("eu-west-1");
    assertThat(table.getSpec().billing().switchCooldown()).isEqualTo("2h");
    assertThat(table.getSpec().billing().mode()).isNull();
    assertThat(DesiredTables.resolve(table, "us-east-1"))
        .isInstanceOfSatisfying(
            DesiredTables.Invalid.class,
            invalid ->
                assertThat(invalid.message())
                    .startsWith(
                        "spec.billing.mode: must be one of OnDemand, Provisioned, got"
                            + " \"Sideways\";")
                    .doesNotContain("spec.billing.mode: is required"));
  }

  @Test
  void whatTheSchemaAdmitsButTheModelCannotHoldIsReportedAtItsPath() {
    // An integer the schema's type admits but beyond the 32 bits of the model's field (its maximum
    // is the operator's to report too).
    RateLimiterTable table =
        read(
            """
            apiVersion: limiter.dev/v1alpha1
            kind: RateLimiterTable
            metadata: {name: t, namespace: a}
            spec:
              billing:
                mode: Provisioned
                provisioned: {readCapacityUnits: 5, writeCapacityUnits: 5, maxIncreasePercent: 3000000000}
            """);
    assertThat(table.getSpec()).isNull();
    assertThat(table.unreadable())
        .singleElement()
        .satisfies(
            violation -> {
              assertThat(violation.path()).isEqualTo("spec.billing.provisioned.maxIncreasePercent");
              assertThat(violation.message()).startsWith("cannot be read: ").contains("3000000000");
            });
  }

  @Test
  void anUnreadableStatusValueIsDroppedAndTheSpecIsNotBlamed() {
    RateLimiterTable table =
        read(
            """
            apiVersion: limiter.dev/v1alpha1
            kind: RateLimiterTable
            metadata: {name: t, namespace: a}
            spec:
              billing: {mode: OnDemand}
            status:
              tableName: a-t
              billingMode: Sideways
              readCapacityUnits: lots
            """);
    assertThat(table.unreadable()).isEmpty();
    assertThat(table.getStatus().tableName()).isEqualTo("a-t");
    assertThat(table.getStatus().billingMode()).isNull();
    assertThat(table.getStatus().readCapacityUnits()).isNull();
  }

  @Test
  void aValidObjectIsReadWhole() {
    RateLimiterTable table =
        read(
            """
            apiVersion: limiter.dev/v1alpha1
            kind: RateLimiterTable
            metadata: {name: t, namespace: a}
            spec:
              billing:
                mode: Provisioned
                provisioned: {readCapacityUnits: 5, writeCapacityUnits: 10}
            """);
    assertThat(table.unreadable()).isEmpty();
    assertThat(table.getSpec().billing().provisioned().writeCapacityUnits()).isEqualTo(10L);
    assertThat(CrdSchema.specViolations(table)).isEmpty();
  }
}
