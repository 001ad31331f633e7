package dev.limiter.operator.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limiter.operator.api.Billing;
import dev.limiter.operator.api.BillingMode;
import dev.limiter.operator.api.BillingModeSwitch;
import dev.limiter.operator.api.ProvisionedCapacity;
import dev.limiter.operator.api.RateLimiterTable;
import dev.limiter.operator.api.RateLimiterTableSpec;
import dev.limiter.operator.testing.KubeSteps;
import dev.limiter.operator.testing.TableSpecs;
import dev.limiter.testkit.ManualClock;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The billing-switch history is in status before the UpdateTable: a status write lost after the
 * call (the API server failing the patch) neither lets the guard forget the switch nor makes the
 * retry repeat it.
 */
@EnableKubernetesMockClient(crud = true)
class RecordBeforeActingTest {

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
  void aSwitchWhoseStatusWriteIsLostStillHoldsTheGuardAndIsNotRepeated() {
    String ns = "record-" + ProcessHandle.current().pid();
    client.resource(table(ns, new Billing(BillingMode.OnDemand, null, null, null, null))).create();
    converge(ns);
    clock.advance(Duration.ofHours(25));

    edit(
        ns,
        new Billing(
            BillingMode.Provisioned, new ProvisionedCapacity(10L, 5L, null), null, null, null));
    Instant switchedAt = clock.instant();
    // A conflict is no failure to report: the pass asks to be looked at again at once.
    assertThat(passes.lostPass(ns, "limits").getScheduleDelay())
        .hasValue(Conflicts.RETRY.toMillis());
    assertThat(passes.get(ns, "limits").getStatus().conditions())
        .extracting(Condition::getReason)
        .doesNotContain("ReconcileError");
    assertThat(switchUpdates(ns)).as("the switch to provisioned was requested").hasSize(1);
    assertThat(passes.get(ns, "limits").getStatus().billingModeSwitches())
        .as("recorded before the call")
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.to()).isEqualTo(BillingMode.Provisioned);
              assertThat(s.at()).isEqualTo(switchedAt.toString());
            });

    // The SDK retries the pass: the switch is confirmed from DescribeTable, not made again.
    clock.advance(Duration.ofSeconds(10));
    passes.pass(ns, "limits");
    assertThat(switchUpdates(ns)).hasSize(1);
    assertThat(passes.get(ns, "limits").getStatus().billingModeSwitches())
        .containsExactly(
            new BillingModeSwitch(switchedAt.toString(), BillingMode.Provisioned, "spec"));

    // Back to on-demand within 24 h: the guard still knows the lost pass's switch.
    clock.advance(Duration.ofHours(1));
    edit(ns, new Billing(BillingMode.OnDemand, null, null, null, null));
    passes.pass(ns, "limits");
    assertThat(switchUpdates(ns)).as("no second switch within the cooldown").hasSize(1);
    RateLimiterTable table = passes.get(ns, "limits");
    assertThat(table.getStatus().billingMode()).isEqualTo(BillingMode.Provisioned);
    assertThat(table.getStatus().conditions())
        .filteredOn(c -> c.getType().equals("BillingModeCooldown"))
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.getStatus()).isEqualTo("True");
              assertThat(c.getMessage()).contains(switchedAt.plus(Duration.ofHours(24)).toString());
            });
  }

  private void converge(String ns) {
    for (int i = 0; i < 6; i++) {
      passes.pass(ns, "limits");
      clock.advance(Duration.ofSeconds(10));
    }
    assertThat(passes.get(ns, "limits").getStatus().conditions())
        .filteredOn(c -> c.getType().equals("Ready"))
        .extracting(Condition::getStatus)
        .containsExactly("True");
  }

  /** UpdateTable calls on the table that change its billing mode. */
  private java.util.List<String> switchUpdates(String ns) {
    return passes.tableMutations().stream()
        .filter(
            m ->
                m.startsWith("updateTable")
                    && m.contains("TableName=" + ns + "-limits")
                    && m.contains("BillingMode="))
        .toList();
  }

  private void edit(String ns, Billing billing) {
    KubeSteps.tables(client, Duration.ofSeconds(30))
        .edit(
            ns,
            "limits",
            table -> {
              table.setSpec(spec(billing));
              return table;
            });
  }

  private static RateLimiterTable table(String ns, Billing billing) {
    RateLimiterTable table = new RateLimiterTable();
    table.setMetadata(new ObjectMetaBuilder().withNamespace(ns).withName("limits").build());
    table.setSpec(spec(billing));
    return table;
  }

  private static RateLimiterTableSpec spec(Billing billing) {
    return TableSpecs.billedBy(billing).build();
  }
}
