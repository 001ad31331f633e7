package dev.limiter.operator.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limiter.operator.api.Billing;
import dev.limiter.operator.api.BillingMode;
import dev.limiter.operator.api.CapacityPlan;
import dev.limiter.operator.api.ProvisionedCapacity;
import dev.limiter.operator.api.RateLimiterTable;
import dev.limiter.operator.testing.Resources;
import dev.limiter.operator.testing.TableSpecs;
import dev.limiter.testkit.ManualClock;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A warning repeated pass after pass is one Event whose count and last timestamp advance. */
@EnableKubernetesMockClient(crud = true)
class EventAggregationTest {

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
  void aRepeatedWarningIsOneEventCounted() {
    String ns = "events-" + ProcessHandle.current().pid();
    RateLimiterTable table =
        Resources.table(
            ns,
            "broken",
            TableSpecs.billedBy(
                    new Billing(
                        BillingMode.Provisioned,
                        new ProvisionedCapacity(10L, 5L, null),
                        new CapacityPlan(10L, null, null),
                        null,
                        null))
                .build());
    client.resource(table).create();

    Instant first = clock.instant();
    for (int i = 0; i < 3; i++) {
      passes.pass(ns, "broken");
      clock.advance(Duration.ofMinutes(1));
    }

    List<Event> events = client.v1().events().inNamespace(ns).list().getItems();
    assertThat(events)
        .singleElement()
        .satisfies(
            event -> {
              assertThat(event.getType()).isEqualTo("Warning");
              assertThat(event.getReason()).isEqualTo("InvalidSpec");
              assertThat(event.getCount()).isEqualTo(3);
              assertThat(event.getFirstTimestamp()).isEqualTo(first.toString());
              assertThat(event.getLastTimestamp())
                  .isEqualTo(first.plus(Duration.ofMinutes(2)).toString());
            });
  }

  @Test
  void aWarningWhoseEventExpiredIsRecordedAgainAsANewEvent() {
    String ns = "expired-" + ProcessHandle.current().pid();
    RateLimiterTable table =
        Resources.table(
            ns,
            "broken",
            TableSpecs.billedBy(
                    new Billing(
                        BillingMode.Provisioned,
                        new ProvisionedCapacity(10L, 5L, null),
                        new CapacityPlan(10L, null, null),
                        null,
                        null))
                .build());
    client.resource(table).create();

    passes.pass(ns, "broken");
    // the API server's event TTL (one hour by default) removed it; the operator still remembers it
    client.v1().events().inNamespace(ns).delete();
    clock.advance(Duration.ofMinutes(1));
    passes.pass(ns, "broken");

    assertThat(client.v1().events().inNamespace(ns).list().getItems())
        .singleElement()
        .satisfies(
            event -> {
              assertThat(event.getReason()).isEqualTo("InvalidSpec");
              assertThat(event.getCount()).isEqualTo(1);
              assertThat(event.getFirstTimestamp()).isEqualTo(clock.instant().toString());
            });
  }
}
