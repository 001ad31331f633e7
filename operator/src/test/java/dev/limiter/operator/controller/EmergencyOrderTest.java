package dev.limiter.operator.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limiter.operator.api.Autoscaling;
import dev.limiter.operator.api.BillingMode;
import dev.limiter.operator.api.Emergency;
import dev.limiter.operator.api.OnThrottle;
import dev.limiter.operator.api.RateLimiterTable;
import dev.limiter.operator.api.ScalingBounds;
import dev.limiter.operator.testing.Resources;
import dev.limiter.operator.testing.TableSpecs;
import dev.limiter.testkit.ManualClock;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalableTarget;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexUpdate;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughput;
import software.amazon.awssdk.services.dynamodb.model.UpdateGlobalSecondaryIndexAction;
import software.amazon.awssdk.services.dynamodb.model.UpdateTableRequest;

/** The emergency runbook removes autoscaling only once AWS has accepted the switch to on-demand. */
@EnableKubernetesMockClient(crud = true)
class EmergencyOrderTest {

  static KubernetesMockServer server;
  static KubernetesClient client;

  private static final Autoscaling SCALING =
      new Autoscaling(new ScalingBounds(5L, 100L, 70), new ScalingBounds(5L, 100L, 70), null);

  private final ManualClock clock = ManualClock.at("2026-11-25T08:00:00Z");
  private DirectPasses passes;

  @BeforeEach
  void start() {
    passes = new DirectPasses(server, client, clock);
  }

  @AfterEach
  void stop() {
    passes.close();
  }

  @Test
  void aSwitchAwsRefusesLeavesTheTableProvisionedWithItsAutoscaling() {
    String ns = "sos-" + ProcessHandle.current().pid();
    String table = ns + "-limits";
    client.resource(resource(ns)).create();
    for (int i = 0; i < 4; i++) {
      passes.pass(ns, "limits");
      clock.advance(Duration.ofSeconds(10));
    }
    assertThat(targets(table)).hasSize(4);
    // AWS's own quota is used up by switches made outside the operator (the guard sees only the
    // last one).
    for (int i = 0; i < 4; i++) {
      passes
          .tables()
          .updateTable(
              UpdateTableRequest.builder().tableName(table).billingMode("PAY_PER_REQUEST").build());
      clock.advance(Duration.ofMinutes(1));
      ProvisionedThroughput units =
          ProvisionedThroughput.builder().readCapacityUnits(10L).writeCapacityUnits(10L).build();
      passes
          .tables()
          .updateTable(
              UpdateTableRequest.builder()
                  .tableName(table)
                  .billingMode("PROVISIONED")
                  .provisionedThroughput(units)
                  .globalSecondaryIndexUpdates(
                      GlobalSecondaryIndexUpdate.builder()
                          .update(
                              UpdateGlobalSecondaryIndexAction.builder()
                                  .indexName("gsi1")
                                  .provisionedThroughput(units)
                                  .build())
                          .build())
                  .build());
      clock.advance(Duration.ofMinutes(1));
    }
    passes.pass(ns, "limits");

    // A storm: 500 write throttles on the table's capacity.
    Instant storm = clock.instant().plus(Duration.ofMinutes(1));
    for (String metric :
        List.of("WriteThrottleEvents", "WriteProvisionedThroughputThrottleEvents")) {
      passes.cloudWatch().record("AWS/DynamoDB", metric, Map.of("TableName", table), storm, 500);
    }
    passes
        .cloudWatch()
        .record(
            "AWS/DynamoDB", "ConsumedWriteCapacityUnits", Map.of("TableName", table), storm, 6000);
    clock.advance(Duration.ofMinutes(5));
    passes.pass(ns, "limits");

    assertThat(passes.tableMutations())
        .as("the runbook asked for the switch")
        .anyMatch(
            m ->
                m.startsWith("updateTable")
                    && m.contains(table)
                    && m.contains("BillingMode=PAY_PER_REQUEST"));
    RateLimiterTable after = passes.get(ns, "limits");
    assertThat(after.getStatus().billingMode())
        .as("AWS refused it")
        .isEqualTo(BillingMode.Provisioned);
    assertThat(targets(table))
        .as("the table stays provisioned, so it keeps its autoscaling")
        .hasSize(4);
    assertThat(passes.scaling().mutations())
        .noneMatch(m -> m.startsWith("DeregisterScalableTarget"));
  }

  private List<ScalableTarget> targets(String table) {
    return passes
        .scaling()
        .describeScalableTargets(List.of("table/" + table, "table/" + table + "/index/gsi1"));
  }

  private static RateLimiterTable resource(String ns) {
    return Resources.table(
        ns,
        "limits",
        TableSpecs.provisioned(10, 10)
            .withSwitchCooldown("1s")
            .withAutoscaling(SCALING)
            .withEmergency(
                new Emergency(OnThrottle.SwitchToOnDemand, 100, "2h", 20, null, null, null))
            .build());
  }
}
