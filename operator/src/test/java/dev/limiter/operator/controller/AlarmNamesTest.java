package dev.limiter.operator.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limiter.operator.api.Alarms;
import dev.limiter.operator.api.RateLimiterTable;
import dev.limiter.operator.plan.automation.AlarmPlanner;
import dev.limiter.operator.testing.Resources;
import dev.limiter.operator.testing.TableSpecs;
import dev.limiter.testkit.ManualClock;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudwatch.model.ComparisonOperator;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;
import software.amazon.awssdk.services.cloudwatch.model.PutMetricAlarmRequest;
import software.amazon.awssdk.services.cloudwatch.model.Statistic;

/**
 * Alarm names of neighbouring tables never collide, and the operator's alarms under the old names
 * are replaced.
 */
@EnableKubernetesMockClient(crud = true)
class AlarmNamesTest {

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
  void tableXWithIndexGsi1AndTableXGsi1KeepTheirOwnAlarmsAndOldNamesAreMigrated() {
    String ns = "alarms-" + ProcessHandle.current().pid();
    String x = ns + "-x";
    // An alarm the operator made for table x under the old naming.
    passes
        .cloudWatch()
        .putMetricAlarm(
            PutMetricAlarmRequest.builder()
                .alarmName(x + "-read-throttle")
                .alarmDescription(
                    "Read throttling on table " + x + ". " + AlarmPlanner.ownerLine(ns + "/x"))
                .namespace("AWS/DynamoDB")
                .metricName("ReadThrottleEvents")
                .dimensions(Dimension.builder().name("TableName").value(x).build())
                .statistic(Statistic.SUM)
                .period(300)
                .evaluationPeriods(1)
                .threshold(1.0)
                .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
                .build());
    client.resource(table(ns, "x")).create();
    client.resource(table(ns, "x-gsi1")).create();

    for (int i = 0; i < 5; i++) {
      passes.pass(ns, "x");
      passes.pass(ns, "x-gsi1");
      clock.advance(Duration.ofSeconds(10));
    }
    passes.cloudWatch().clearMutations();
    passes.pass(ns, "x");
    passes.pass(ns, "x-gsi1");

    assertThat(passes.cloudWatch().mutations())
        .as("converged: neither overwrites the other's alarms")
        .isEmpty();
    assertThat(owners(x + "/")).hasSize(7).containsOnly(AlarmPlanner.ownerLine(ns + "/x"));
    assertThat(owners(x + "-gsi1/"))
        .hasSize(7)
        .containsOnly(AlarmPlanner.ownerLine(ns + "/x-gsi1"));
    assertThat(passes.cloudWatch().describeAlarms(x + "-read-throttle"))
        .as("the old-named alarm is gone")
        .isEmpty();
    assertThat(passes.get(ns, "x").getStatus().alarmNames())
        .contains(x + "/index/gsi1/read-throttle");
  }

  private List<String> owners(String prefix) {
    return passes.cloudWatch().describeAlarms(prefix).stream()
        .map(MetricAlarm::alarmDescription)
        .map(d -> d.substring(d.indexOf("Managed by")))
        .toList();
  }

  private static RateLimiterTable table(String ns, String name) {
    return Resources.table(
        ns,
        name,
        TableSpecs.provisioned(10, 10).withAlarms(new Alarms(true, List.of(), 1, 80)).build());
  }
}
