package dev.limiter.operator.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limiter.operator.api.Alarms;
import dev.limiter.operator.api.Autoscaling;
import dev.limiter.operator.api.Billing;
import dev.limiter.operator.api.BillingMode;
import dev.limiter.operator.api.CapacityPlan;
import dev.limiter.operator.api.ContributorInsights;
import dev.limiter.operator.api.Diagnosis;
import dev.limiter.operator.api.Emergency;
import dev.limiter.operator.api.InsightsMode;
import dev.limiter.operator.api.OnDemandCapacity;
import dev.limiter.operator.api.OnThrottle;
import dev.limiter.operator.api.ProvisionedCapacity;
import dev.limiter.operator.api.RateLimiterTable;
import dev.limiter.operator.api.RateLimiterTableSpec;
import dev.limiter.operator.api.RateLimiterTableStatus;
import dev.limiter.operator.api.ScalingBounds;
import dev.limiter.operator.plan.automation.DesiredAutomation;
import dev.limiter.operator.plan.automation.EntityDemand;
import dev.limiter.operator.plan.automation.ReservationEstimate;
import dev.limiter.operator.testing.TableSpecs;
import dev.limiter.runtime.Limit;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DesiredTablesTest {

  private static RateLimiterTable resource(
      RateLimiterTableSpec spec, Map<String, String> annotations) {
    RateLimiterTable table = new RateLimiterTable();
    table.setMetadata(
        new ObjectMetaBuilder()
            .withNamespace("team-a")
            .withName("llm-limits")
            .withAnnotations(annotations)
            .build());
    table.setSpec(spec);
    return table;
  }

  private static RateLimiterTableSpec spec(String tableName, String region, Billing billing) {
    return TableSpecs.onlyBilling(billing)
        .withTableName(tableName)
        .withRegion(region)
        .withStream(true)
        .withTags(Map.of("team", "a"))
        .build();
  }

  private static Billing provisioned(long read, long write) {
    return new Billing(
        BillingMode.Provisioned, new ProvisionedCapacity(read, write, 50), null, null, null);
  }

  @Test
  void defaultsAreApplied() {
    DesiredTables.Resolution resolution =
        DesiredTables.resolve(resource(spec(null, null, provisioned(10, 5)), null), "us-east-1");
    assertThat(resolution)
        .isInstanceOfSatisfying(
            DesiredTables.Resolved.class,
            resolved -> {
              DesiredTable table = resolved.table();
              assertThat(resolved.region()).isEqualTo("us-east-1");
              assertThat(table.name()).isEqualTo("team-a-llm-limits");
              assertThat(table.owner()).isEqualTo("team-a/llm-limits");
              assertThat(table.adoption()).isEqualTo(DesiredTable.Adoption.NOT_ASKED);
              assertThat(table.deletionProtection())
                  .as("unset: a created table is protected, an existing one keeps its setting")
                  .isNull();
              assertThat(table.stream()).isTrue();
              assertThat(table.timeToLive()).as("unset: left as the table has it").isNull();
              assertThat(table.capacity().throughput()).isEqualTo(new Throughput(10, 5));
              assertThat(table.capacity().maxIncreasePercent()).isEqualTo(50);
              assertThat(table.capacity().switchCooldown()).isEqualTo(Duration.ofHours(24));
              assertThat(table.capacity().maxReadRequestUnits()).isEqualTo(-1);
            });
  }

  @Test
  void planAndOnDemandCapsAndAdoptionResolve() {
    Billing plan =
        new Billing(BillingMode.Provisioned, null, new CapacityPlan(200L, 50L, 20), null, "6h");
    DesiredTables.Resolved resolved =
        (DesiredTables.Resolved)
            DesiredTables.resolve(
                resource(
                    spec("explicit-name", "eu-west-1", plan), Map.of("limiter.dev/adopt", "true")),
                null);
    assertThat(resolved.table().capacity().throughput()).isEqualTo(new Throughput(30, 300));
    assertThat(resolved.table().capacity().switchCooldown()).isEqualTo(Duration.ofHours(6));
    assertThat(resolved.table().adoption())
        .as("the annotation without the operator's grant")
        .isEqualTo(DesiredTable.Adoption.NOT_GRANTED);
    assertThat(resolved.region()).isEqualTo("eu-west-1");

    Billing onDemand =
        new Billing(BillingMode.OnDemand, null, null, new OnDemandCapacity(1000L, null), null);
    DesiredTables.Resolved caps =
        (DesiredTables.Resolved)
            DesiredTables.resolve(resource(spec("t-1", "eu-west-1", onDemand), null), null);
    assertThat(caps.table().capacity().maxReadRequestUnits()).isEqualTo(1000);
    assertThat(caps.table().capacity().maxWriteRequestUnits()).isEqualTo(-1);
    assertThat(caps.table().capacity().throughput()).isNull();
  }

  @Test
  void aPlanIsCreditedTheLocalReservationsOfTheEntitiesItCovers() {
    Billing plan =
        new Billing(BillingMode.Provisioned, null, new CapacityPlan(30_000L, 0L, 20), null, null);
    EntityDemand hot =
        new EntityDemand(
            "tenants",
            "hot",
            20_000,
            1,
            Optional.of(
                ReservationEstimate.of(
                    Duration.ofSeconds(1),
                    0.1,
                    Optional.of(8),
                    20_000,
                    List.of(Limit.of("rps", 20_000, 20_000, Duration.ofSeconds(1))))));
    RateLimiterTable table = resource(spec("t-1", "eu-west-1", plan), null);

    DesiredTables.Resolved credited =
        (DesiredTables.Resolved) DesiredTables.resolve(table, null, TablePolicy.NONE, List.of(hot));
    DesiredTables.Resolved plain =
        (DesiredTables.Resolved) DesiredTables.resolve(table, null, TablePolicy.NONE);

    // max(8 / 1 s, 20,000 / (0.1 × 20,000)) = 10 writes/s for 20,000 acquires/s: 10,010 writes/s.
    assertThat(credited.table().capacity().throughput()).isEqualTo(new Throughput(1202, 12_012));
    assertThat(plain.table().capacity().throughput()).isEqualTo(new Throughput(3600, 36_000));
  }

  @Test
  void adoptionNeedsTheAnnotationAndAGrantForTheNamespaceAndTable() {
    TablePolicy policy =
        new TablePolicy("", TablePolicy.parseGrants("team-a:legacy-*, ops:exact-name"));
    Map<String, String> adopt = Map.of(DesiredTables.ADOPT_ANNOTATION, "true");
    assertThat(
            adoption(
                resource(spec("legacy-limits", "us-east-1", provisioned(1, 1)), adopt), policy))
        .isEqualTo(DesiredTable.Adoption.GRANTED);
    assertThat(
            adoption(resource(spec("legacy-limits", "us-east-1", provisioned(1, 1)), null), policy))
        .isEqualTo(DesiredTable.Adoption.NOT_ASKED);
    assertThat(
            adoption(resource(spec("exact-name", "us-east-1", provisioned(1, 1)), adopt), policy))
        .as("granted to another namespace")
        .isEqualTo(DesiredTable.Adoption.NOT_GRANTED);
    assertThat(
            adoption(resource(spec("other-limits", "us-east-1", provisioned(1, 1)), adopt), policy))
        .isEqualTo(DesiredTable.Adoption.NOT_GRANTED);
  }

  private static DesiredTable.Adoption adoption(RateLimiterTable resource, TablePolicy policy) {
    return ((DesiredTables.Resolved) DesiredTables.resolve(resource, null, policy))
        .table()
        .adoption();
  }

  @Test
  void theOperatorsPrefixIsTheDefaultNamesStartAndAnInvalidSpecElsewhere() {
    TablePolicy prefixed = new TablePolicy("prod-", java.util.List.of());
    DesiredTables.Resolution named =
        DesiredTables.resolve(
            resource(spec(null, "us-east-1", provisioned(1, 1)), null), null, prefixed);
    assertThat(named)
        .isInstanceOfSatisfying(
            DesiredTables.Resolved.class,
            r -> assertThat(r.table().name()).isEqualTo("prod-team-a-llm-limits"));
    assertThat(
            DesiredTables.resolve(
                resource(spec("prod-limits", "us-east-1", provisioned(1, 1)), null),
                null,
                prefixed))
        .isInstanceOf(DesiredTables.Resolved.class);
    assertThat(
            DesiredTables.resolve(
                resource(spec("payments", "us-east-1", provisioned(1, 1)), null), null, prefixed))
        .isEqualTo(
            new DesiredTables.Invalid(
                "spec.tableName 'payments' does not start with 'prod-', the prefix this operator's"
                    + " tables must carry (operator flag --table-name-prefix)"));
  }

  @Test
  void semanticErrorsAreExplained() {
    assertThat(DesiredTables.resolve(resource(spec(null, null, provisioned(1, 1)), null), null))
        .isEqualTo(
            new DesiredTables.Invalid(
                "spec.region is not set and the operator has no default region"));
    assertThat(
            DesiredTables.resolve(
                resource(
                    spec(
                        "t-1",
                        "us-east-1",
                        new Billing(BillingMode.Provisioned, null, null, null, null)),
                    null),
                null))
        .isInstanceOfSatisfying(
            DesiredTables.Invalid.class, i -> assertThat(i.message()).contains("exactly one of"));
    assertThat(
            DesiredTables.resolve(
                resource(
                    spec(
                        "t-1",
                        "us-east-1",
                        new Billing(BillingMode.OnDemand, null, null, null, "1d")),
                    null),
                null))
        .isInstanceOfSatisfying(
            DesiredTables.Invalid.class, i -> assertThat(i.message()).contains("switchCooldown"));
    RateLimiterTable renamed = resource(spec("new-name", "us-east-1", provisioned(1, 1)), null);
    renamed.setStatus(
        new RateLimiterTableStatus(
            1L,
            "team-a-llm-limits",
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null));
    assertThat(DesiredTables.resolve(renamed, null))
        .isInstanceOfSatisfying(
            DesiredTables.Invalid.class, i -> assertThat(i.message()).contains("cannot change"));
    RateLimiterTable longName = resource(spec(null, "us-east-1", provisioned(1, 1)), null);
    longName.getMetadata().setName("x".repeat(250));
    assertThat(DesiredTables.resolve(longName, null))
        .isInstanceOfSatisfying(
            DesiredTables.Invalid.class,
            i -> assertThat(i.message()).contains("set spec.tableName"));
  }

  @Test
  void anOwnerTooLongForATagValueIsRefusedNotSentToAws() {
    // A namespace (63) and a name (253) make an owner of 317 characters; AWS tag values hold 256.
    RateLimiterTable resource = resource(spec("short-table", "us-east-1", provisioned(1, 1)), null);
    resource.getMetadata().setNamespace("n".repeat(63));
    resource.getMetadata().setName("x".repeat(200));
    assertThat(DesiredTables.resolve(resource, null))
        .isInstanceOfSatisfying(
            DesiredTables.Invalid.class,
            i -> assertThat(i.message()).contains("metadata.name").contains("256"));
    resource.getMetadata().setName("x".repeat(192));
    assertThat(DesiredTables.resolve(resource, null))
        .as("63 + 1 + 192 = 256")
        .isInstanceOf(DesiredTables.Resolved.class);
  }

  @Test
  void automationDefaultsAreAppliedAndAutoscalingOwnsTheUnits() {
    RateLimiterTableSpec spec =
        TableSpecs.onlyBilling(provisioned(10, 5))
            .withAutoscaling(
                new Autoscaling(
                    new ScalingBounds(5L, 100L, null), new ScalingBounds(5L, 50L, 60), null))
            .withAlarms(new Alarms(true, null, null, null))
            .withContributorInsights(new ContributorInsights(InsightsMode.ThrottledKeys))
            .withEmergency(
                new Emergency(OnThrottle.SwitchToOnDemand, null, "2h", null, null, null, null))
            .build();
    DesiredTables.Resolved resolved =
        (DesiredTables.Resolved) DesiredTables.resolve(resource(spec, null), "us-east-1");
    DesiredAutomation automation = resolved.table().automation();
    assertThat(resolved.table().capacity().autoscalingOwnsThroughput()).isTrue();
    assertThat(automation.autoscaling().orElseThrow().read())
        .isEqualTo(new DesiredAutomation.Bounds(5, 100, 70));
    assertThat(automation.autoscaling().orElseThrow().indexes()).isTrue();
    assertThat(automation.alarms().orElseThrow())
        .isEqualTo(new DesiredAutomation.AlarmGoal(java.util.List.of(), 1, 80));
    assertThat(automation.insights())
        .contains(
            software.amazon.awssdk.services.dynamodb.model.ContributorInsightsMode.THROTTLED_KEYS);
    assertThat(automation.emergency().orElseThrow().revertAfter()).isEqualTo(Duration.ofHours(2));
    assertThat(automation.emergency().orElseThrow().throttleEventsThreshold()).isEqualTo(100);
    assertThat(automation.diagnosisInterval()).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void automationSettingsTheSchemaCannotCheckAreReported() {
    RateLimiterTableSpec badInterval =
        TableSpecs.onlyBilling(provisioned(10, 5)).withDiagnosis(new Diagnosis("10s")).build();
    assertThat(DesiredTables.resolve(resource(badInterval, null), "us-east-1"))
        .isInstanceOfSatisfying(
            DesiredTables.Invalid.class,
            invalid ->
                assertThat(invalid.message())
                    .isEqualTo("spec.diagnosis.interval: 10s is outside 1m to 1h"));
    RateLimiterTableSpec disabled =
        TableSpecs.onlyBilling(provisioned(10, 5))
            .withAlarms(new Alarms(false, null, null, null))
            .withContributorInsights(new ContributorInsights(InsightsMode.Disabled))
            .withEmergency(new Emergency(OnThrottle.None, null, null, null, null, null, null))
            .build();
    DesiredAutomation off =
        ((DesiredTables.Resolved) DesiredTables.resolve(resource(disabled, null), "us-east-1"))
            .table()
            .automation();
    assertThat(off)
        .as("Disabled is said, so Contributor Insights is disabled, not left alone")
        .isEqualTo(
            new DesiredAutomation(
                java.util.Optional.empty(),
                java.util.Optional.empty(),
                java.util.Optional.empty(),
                java.util.Optional.empty(),
                DesiredAutomation.DEFAULT_INTERVAL,
                false));
    DesiredAutomation unset =
        ((DesiredTables.Resolved)
                DesiredTables.resolve(
                    resource(spec(null, null, provisioned(10, 5)), null), "us-east-1"))
            .table()
            .automation();
    assertThat(unset).isEqualTo(DesiredAutomation.NONE);
    assertThat(unset.insightsLeftAsIs()).isTrue();
  }
}
