package dev.limiter.operator.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limiter.operator.api.Billing;
import dev.limiter.operator.api.BillingMode;
import dev.limiter.operator.api.OnDemandCapacity;
import dev.limiter.operator.api.RateLimiterTable;
import dev.limiter.operator.testing.Resources;
import dev.limiter.operator.testing.TableSpecs;
import dev.limiter.testkit.ManualClock;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An on-demand table throttled by its own caps, end to end through the CloudWatch fake's metrics
 * feed.
 */
@EnableKubernetesMockClient(crud = true)
class OnDemandCapDiagnosisTest {

  static KubernetesMockServer server;
  static KubernetesClient client;

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
  void throttlesAgainstTheTablesOwnCapsAreDiagnosedOnDemandCapReached() {
    String ns = "capped-" + ProcessHandle.current().pid();
    String table = ns + "-limits";
    RateLimiterTable resource =
        Resources.table(
            ns,
            "limits",
            TableSpecs.billedBy(
                    new Billing(
                        BillingMode.OnDemand, null, null, new OnDemandCapacity(100L, 40L), null))
                .build());
    client.resource(resource).create();
    passes.pass(ns, "limits");
    clock.advance(Duration.ofSeconds(10));
    passes.pass(ns, "limits");

    Instant minute = clock.instant().plus(Duration.ofMinutes(1));
    passes
        .cloudWatch()
        .record("AWS/DynamoDB", "WriteThrottleEvents", Map.of("TableName", table), minute, 250);
    passes
        .cloudWatch()
        .record(
            "AWS/DynamoDB",
            "WriteMaxOnDemandThroughputThrottleEvents",
            Map.of("TableName", table),
            minute,
            250);
    passes
        .cloudWatch()
        .record(
            "AWS/DynamoDB", "ConsumedWriteCapacityUnits", Map.of("TableName", table), minute, 2400);
    clock.advance(Duration.ofMinutes(5));
    passes.pass(ns, "limits");

    RateLimiterTable read = passes.get(ns, "limits");
    assertThat(read.getStatus().observed().maxOnDemandThrottleEvents()).isEqualTo(250);
    assertThat(read.getStatus().conditions())
        .filteredOn(c -> c.getType().equals("Throttling"))
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.getStatus()).isEqualTo("True");
              assertThat(c.getReason()).isEqualTo("OnDemandCapReached");
              assertThat(c.getMessage()).contains("spec.billing.onDemand");
            });
  }
}
