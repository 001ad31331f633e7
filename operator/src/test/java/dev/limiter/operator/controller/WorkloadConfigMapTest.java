package dev.limiter.operator.controller;

import static dev.limiter.operator.testing.KubeSteps.findCondition;
import static org.assertj.core.api.Assertions.assertThat;

import dev.limiter.operator.api.RateLimiterTable;
import dev.limiter.operator.testing.Resources;
import dev.limiter.operator.testing.TableSpecs;
import dev.limiter.testkit.ManualClock;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The ConfigMap {@code <name>-limiter} the operator publishes for workloads. */
@EnableKubernetesMockClient(crud = true)
class WorkloadConfigMapTest {

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
  void aConfigMapTheResourceDoesNotOwnIsNeverOverwrittenAndIsReported() {
    String ns = "cm-foreign-" + ProcessHandle.current().pid();
    client
        .configMaps()
        .inNamespace(ns)
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("limits-limiter")
                .withNamespace(ns)
                .endMetadata()
                .withData(Map.of("owner", "someone else"))
                .build())
        .create();
    client.resource(table(ns, "limits", null)).create();

    for (int i = 0; i < 3; i++) {
      passes.pass(ns, "limits");
      clock.advance(Duration.ofSeconds(10));
    }

    ConfigMap configMap = client.configMaps().inNamespace(ns).withName("limits-limiter").get();
    assertThat(configMap.getData()).containsExactly(Map.entry("owner", "someone else"));
    assertThat(configMap.getMetadata().getOwnerReferences()).isEmpty();
    RateLimiterTable table = passes.get(ns, "limits");
    assertThat(findCondition(table, "ConfigMapSynced"))
        .hasValueSatisfying(
            c -> {
              assertThat(c.getStatus()).isEqualTo("False");
              assertThat(c.getReason()).isEqualTo("ConfigMapConflict");
              assertThat(c.getMessage())
                  .contains("limits-limiter")
                  .contains("not owned by this RateLimiterTable");
            });
    assertThat(findCondition(table, "Ready"))
        .hasValueSatisfying(c -> assertThat(c.getReason()).isEqualTo("ConfigMapConflict"));
    assertThat(findCondition(table, "TableReady"))
        .hasValueSatisfying(c -> assertThat(c.getStatus()).isEqualTo("True"));

    // Once the foreign ConfigMap is gone, the operator publishes its own.
    client.configMaps().inNamespace(ns).withName("limits-limiter").delete();
    passes.pass(ns, "limits");
    assertThat(client.configMaps().inNamespace(ns).withName("limits-limiter").get().getData())
        .containsEntry("LIMITER_TABLE_NAME", ns + "-limits");
    assertThat(findCondition(passes.get(ns, "limits"), "ConfigMapSynced"))
        .hasValueSatisfying(c -> assertThat(c.getStatus()).isEqualTo("True"));
  }

  @Test
  void aResourceNameTooLongForItsConfigMapIsAnInvalidSpecNotAFailingPass() {
    String ns = "cm-long-" + ProcessHandle.current().pid();
    String name = "n".repeat(250);
    // What a real API server answers for a ConfigMap name over 253 characters (the mock server does
    // not check).
    server
        .expect()
        .post()
        .withPath("/api/v1/namespaces/" + ns + "/configmaps")
        .andReturn(
            422,
            new StatusBuilder()
                .withCode(422)
                .withReason("Invalid")
                .withMessage(
                    "ConfigMap \""
                        + name
                        + "-limiter\" is invalid: metadata.name: Invalid value: must be no more"
                        + " than 253 characters")
                .build())
        .always();
    client.resource(table(ns, name, "cm-long-table-" + ProcessHandle.current().pid())).create();

    passes.pass(ns, name);

    RateLimiterTable table = passes.get(ns, name);
    assertThat(findCondition(table, "Ready"))
        .hasValueSatisfying(
            c -> {
              assertThat(c.getStatus()).isEqualTo("False");
              assertThat(c.getReason()).isEqualTo("InvalidSpec");
              assertThat(c.getMessage()).contains("metadata.name").contains("253");
            });
    assertThat(passes.tables().describeTable("cm-long-table-" + ProcessHandle.current().pid()))
        .as("nothing is created")
        .isEmpty();
  }

  private static RateLimiterTable table(String ns, String name, String tableName) {
    return Resources.table(ns, name, TableSpecs.onDemand().withTableName(tableName).build());
  }
}
