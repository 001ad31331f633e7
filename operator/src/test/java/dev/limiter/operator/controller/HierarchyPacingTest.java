package dev.limiter.operator.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.limiter.operator.api.ChildEntity;
import dev.limiter.operator.api.EntityHierarchy;
import dev.limiter.operator.api.EntityHierarchySpec;
import dev.limiter.operator.api.LeafEntity;
import dev.limiter.operator.api.LimitSpec;
import dev.limiter.operator.api.RootEntity;
import dev.limiter.operator.api.SystemDefaults;
import dev.limiter.operator.api.TableRef;
import dev.limiter.operator.api.UnavailablePolicy;
import dev.limiter.operator.testing.KubeSteps;
import dev.limiter.operator.testing.Resources;
import dev.limiter.operator.testing.TableSpecs;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The operator's writes of a 20,000-entity hierarchy to a 100-WCU provisioned table, as DynamoDB
 * Local reports the capacity they consumed: never more than the default share (10 %, 10 WCU) in any
 * second, and yet steady progress. DynamoDB Local never throttles, so this measures what the
 * operator itself sent.
 */
@EnableKubernetesMockClient(crud = true)
class HierarchyPacingTest {

  static KubernetesClient client;

  private static final int KEYS = 20_000;
  private static final double SHARE = 10;
  private static final Duration OBSERVED = Duration.ofSeconds(20);
  private static final WriteUnitsPerSecond UNITS = new WriteUnitsPerSecond();
  private static OperatorHarness harness;

  @BeforeAll
  static void start() {
    harness = OperatorHarness.start(client, Clock.systemUTC(), Duration.ofSeconds(2), null, UNITS);
  }

  @AfterAll
  static void stop() {
    harness.close();
  }

  @Test
  void aLargeHierarchyOnAHundredWcuTableNeverWritesMoreThanItsShareInAnySecond() {
    client
        .resource(Resources.table("paced", "limits", TableSpecs.provisioned(100, 100).build()))
        .create();
    List<ChildEntity> keys = new ArrayList<>(KEYS);
    for (int i = 0; i < KEYS; i++) {
      keys.add(new ChildEntity("key-" + i, true, null, null, null, null, List.<LeafEntity>of()));
    }
    EntityHierarchy hierarchy = new EntityHierarchy();
    hierarchy.setMetadata(new ObjectMetaBuilder().withNamespace("paced").withName("keys").build());
    hierarchy.setSpec(
        new EntityHierarchySpec(
            new TableRef("limits"),
            new SystemDefaults(
                UnavailablePolicy.Block, List.of(new LimitSpec("rpm", 100L, "1m", null))),
            null,
            List.of(new RootEntity("tenant", null, null, 16, null, keys))));
    client.resource(hierarchy).create();

    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> !UNITS.between(Instant.EPOCH, Instant.now()).isEmpty());
    Instant from = Instant.now();
    await().pollDelay(OBSERVED).atMost(OBSERVED.plusSeconds(5)).until(() -> true);
    Map<Long, Double> perSecond = UNITS.between(from, from.plus(OBSERVED));

    double peak = perSecond.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
    double total = perSecond.values().stream().mapToDouble(Double::doubleValue).sum();
    assertThat(peak)
        .as("most write units in one second, per second %s", perSecond)
        .isLessThanOrEqualTo(SHARE);
    // Passes write for 5 s and pause between them (status, reschedule, the manifest read): a
    // quarter
    // of the share over the window is the floor on a busy machine (8 units a second while writing).
    assertThat(total)
        .as("write units in %s: steady progress, per second %s", OBSERVED, perSecond)
        .isGreaterThan(SHARE * OBSERVED.toSeconds() / 4);
    EntityHierarchy applying =
        KubeSteps.hierarchies(client, Duration.ofSeconds(60)).get("paced", "keys");
    assertThat(applying.getStatus().conditions())
        .anySatisfy(
            c -> {
              assertThat(c.getType()).isEqualTo("Ready");
              assertThat(c.getReason()).isEqualTo("Applying");
            });
  }
}
