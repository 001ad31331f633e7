package dev.limiter.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limiter.operator.api.Billing;
import dev.limiter.operator.api.BillingMode;
import dev.limiter.operator.api.CapacityPlan;
import dev.limiter.operator.api.RateLimiterTable;
import dev.limiter.operator.aws.TableMetrics;
import dev.limiter.operator.plan.automation.EntityDemand;
import dev.limiter.operator.plan.automation.ReservationEstimate;
import dev.limiter.operator.testing.LocalAws;
import dev.limiter.operator.testing.TableSpecs;
import dev.limiter.runtime.Limit;
import dev.limiter.testkit.DynamoDbLocal;
import dev.limiter.testkit.ManualClock;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

class TableReconciliationTest {

  @Test
  void plannedCapacityIsExplainedAndTheStatusCarriesTheFigures() {
    ManualClock clock = ManualClock.at("2026-11-22T10:00:00Z");
    try (DynamoDbClient client = DynamoDbLocal.shared().client()) {
      TableReconciliation reconciliation =
          new TableReconciliation(LocalAws.access(client, clock), "us-east-1");
      RateLimiterTable resource = new RateLimiterTable();
      resource.setMetadata(
          new ObjectMetaBuilder()
              .withNamespace("plan-" + ProcessHandle.current().pid())
              .withName("limits")
              .withGeneration(3L)
              .build());
      resource.setSpec(
          TableSpecs.billedBy(
                  new Billing(
                      BillingMode.Provisioned, null, new CapacityPlan(200L, 50L, 20), null, null))
              .build());

      TableReconciliation.Result created = reconciliation.reconcile(resource, clock.instant());
      assertThat(created.events())
          .extracting(TableReconciliation.Event::message)
          .anyMatch(m -> m.startsWith("Creating"));
      resource.setStatus(created.status());
      clock.advance(Duration.ofSeconds(10));

      TableReconciliation.Result converged = reconciliation.reconcile(resource, clock.instant());
      assertThat(converged.status().readCapacityUnits()).isEqualTo(30);
      assertThat(converged.status().writeCapacityUnits()).isEqualTo(300);
      assertThat(converged.status().observedGeneration()).isEqualTo(3);
      assertThat(converged.status().conditions())
          .filteredOn(c -> c.getType().equals("CapacitySynced"))
          .singleElement()
          .extracting(Condition::getMessage)
          .asString()
          .contains("limiter-runtime's measured cost")
          .contains("300 WCU, 30 RCU");
      assertThat(converged.wakeAt())
          .as("the next throttling diagnosis")
          .contains(clock.instant().plus(Duration.ofMinutes(5)));
      assertThat(converged.events()).isEmpty();
    }
  }

  @Test
  void aPlanCreditedForLocalReservationsIsProvisionedLowerAndSaysHowManyUnitsItSaved() {
    ManualClock clock = ManualClock.at("2026-11-22T10:00:00Z");
    try (DynamoDbClient client = DynamoDbLocal.shared().client()) {
      TableReconciliation reconciliation =
          new TableReconciliation(LocalAws.access(client, clock), "us-east-1");
      RateLimiterTable resource = new RateLimiterTable();
      resource.setMetadata(
          new ObjectMetaBuilder()
              .withNamespace("reserved-" + ProcessHandle.current().pid())
              .withName("limits")
              .withGeneration(1L)
              .build());
      resource.setSpec(
          TableSpecs.billedBy(
                  new Billing(
                      BillingMode.Provisioned, null, new CapacityPlan(30_000L, 0L, 20), null, null))
              .build());
      List<EntityDemand> demands =
          List.of(
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
                          List.of(Limit.of("rps", 20_000, 20_000, Duration.ofSeconds(1)))))));

      resource.setStatus(
          reconciliation
              .reconcile(resource, demands, resource::setStatus, clock.instant())
              .status());
      clock.advance(Duration.ofSeconds(10));
      TableReconciliation.Result converged =
          reconciliation.reconcile(resource, demands, resource::setStatus, clock.instant());

      assertThat(converged.status().writeCapacityUnits()).isEqualTo(12_012);
      assertThat(converged.status().conditions())
          .filteredOn(c -> c.getType().equals("CapacitySynced"))
          .singleElement()
          .extracting(Condition::getMessage)
          .asString()
          .contains(
              "less the 19990 writes/s local reservations spare (1 entity: 20000 acquires/s"
                  + " written as about 10; 23988 WCU saved)")
          .contains("12012 WCU, 1202 RCU");
    }
  }

  @Test
  void theDiagnosisWindowEndsCloudWatchsPublicationDelayBeforeNow() {
    ManualClock clock = ManualClock.at("2026-11-22T10:00:00Z");
    try (DynamoDbClient client = DynamoDbLocal.shared().client()) {
      LocalAws aws = LocalAws.on(client, clock);
      List<Instant[]> windows = new ArrayList<>();
      TableMetrics recording =
          (queries, start, end) -> {
            windows.add(new Instant[] {start, end});
            return aws.cloudWatch().getMetricData(queries, start, end);
          };
      TableReconciliation reconciliation =
          new TableReconciliation(aws.access(recording), "us-east-1");
      RateLimiterTable resource = new RateLimiterTable();
      resource.setMetadata(
          new ObjectMetaBuilder()
              .withNamespace("lag-" + ProcessHandle.current().pid())
              .withName("limits")
              .withGeneration(1L)
              .build());
      resource.setSpec(TableSpecs.onDemand().build());
      resource.setStatus(reconciliation.reconcile(resource, clock.instant()).status());

      TableReconciliation.Result read = reconciliation.reconcile(resource, clock.instant());

      Instant end = clock.instant().minus(Duration.ofMinutes(3));
      assertThat(windows)
          .singleElement()
          .satisfies(
              w -> {
                assertThat(w[1])
                    .as("minutes CloudWatch has not published yet are not read")
                    .isEqualTo(end);
                assertThat(w[0]).isEqualTo(end.minus(Duration.ofMinutes(5)));
              });
      assertThat(read.status().observed().at()).isEqualTo(end.toString());
      assertThat(read.wakeAt())
          .as("the next window starts where this one ended")
          .contains(clock.instant().plus(Duration.ofMinutes(5)));
    }
  }

  @Test
  void unreachableCloudWatchIsReportedAndRetriedWithoutHoldingTheTableBack() {
    ManualClock clock = ManualClock.at("2026-11-22T10:00:00Z");
    try (DynamoDbClient client = DynamoDbLocal.shared().client()) {
      TableMetrics unreachable =
          (queries, start, end) -> {
            throw SdkClientException.create(
                "Unable to execute HTTP request: monitoring.us-east-1.amazonaws.com");
          };
      TableReconciliation reconciliation =
          new TableReconciliation(LocalAws.on(client, clock).access(unreachable), "us-east-1");
      RateLimiterTable resource = new RateLimiterTable();
      resource.setMetadata(
          new ObjectMetaBuilder()
              .withNamespace("blind-" + ProcessHandle.current().pid())
              .withName("limits")
              .withGeneration(1L)
              .build());
      resource.setSpec(TableSpecs.onDemand().build());
      resource.setStatus(reconciliation.reconcile(resource, clock.instant()).status());

      TableReconciliation.Result blind = reconciliation.reconcile(resource, clock.instant());

      assertThat(blind.wakeAt())
          .as("retried like any AWS outage, not on every pass")
          .contains(clock.instant().plus(TableReconciliation.TRANSIENT_RETRY));
      assertThat(blind.status().conditions())
          .filteredOn(c -> c.getType().equals("Synced"))
          .singleElement()
          .satisfies(c -> assertThat(c.getReason()).isEqualTo("AwsUnreachable"));
      assertThat(blind.status().conditions())
          .filteredOn(c -> c.getType().equals("Throttling"))
          .singleElement()
          .satisfies(
              c -> {
                assertThat(c.getStatus()).isEqualTo("Unknown");
                assertThat(c.getMessage())
                    .contains("read CloudWatch metrics")
                    .contains("Unable to execute HTTP request");
              });
      assertThat(blind.status().conditions())
          .filteredOn(c -> c.getType().equals("Ready"))
          .singleElement()
          .satisfies(c -> assertThat(c.getStatus()).isEqualTo("True"));
      assertThat(blind.events()).anySatisfy(e -> assertThat(e.warning()).isTrue());
    }
  }
}
