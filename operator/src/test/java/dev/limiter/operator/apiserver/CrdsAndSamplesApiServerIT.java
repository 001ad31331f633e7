package dev.limiter.operator.apiserver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limiter.testkit.kube.KubeBinaries;
import dev.limiter.testkit.kube.Kubectl;
import dev.limiter.testkit.kube.RealApiServer;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On a real kube-apiserver and etcd: {@code crds/} applies and both CRDs are Established (the
 * server's structural-schema and CEL cost checks accept them); every manifest in {@code
 * config/samples/} passes {@code kubectl apply --dry-run=server} and a real apply, with kubectl's
 * validation on (it reads the server's OpenAPI v3); the kustomize base passes a server-side dry
 * run.
 */
class CrdsAndSamplesApiServerIT {

  private static final Path SAMPLES = Path.of("../config/samples");
  private static RealApiServer server;
  private static Kubectl kubectl;

  @BeforeAll
  static void install() {
    server = ApiServerWithCrds.server();
    kubectl = Kubectl.against(server);
  }

  @Test
  void theServerIsTheVersionTheReadmeNames() {
    assertThat(server.adminClient().getKubernetesVersion().getGitVersion())
        .isEqualTo("v" + KubeBinaries.KUBERNETES_VERSION);
  }

  @Test
  void bothCrdsAreEstablishedWithTheirNamesAcceptedAndAStructuralSchema() {
    for (String name : ApiServerWithCrds.NAMES) {
      CustomResourceDefinition crd =
          server
              .adminClient()
              .apiextensions()
              .v1()
              .customResourceDefinitions()
              .withName(name)
              .get();
      assertThat(ApiServerWithCrds.isTrue(crd, "Established"))
          .as("%s: %s", name, ApiServerWithCrds.conditions(crd))
          .isTrue();
      assertThat(ApiServerWithCrds.isTrue(crd, "NamesAccepted"))
          .as("%s: %s", name, ApiServerWithCrds.conditions(crd))
          .isTrue();
      assertThat(crd.getStatus().getConditions())
          .as(name)
          .noneMatch(c -> c.getType().equals("NonStructuralSchema"));
    }
  }

  @Test
  void everySamplePassesAServerDryRunAndThenApplies() {
    String dryRun = kubectl.succeed("apply", "--dry-run=server", "-f", SAMPLES.toString());
    assertThat(dryRun)
        .contains(
            "ratelimitertable.limiter.dev/llm-limits created (server dry run)",
            "entityhierarchy.limiter.dev/llm-tenants created (server dry run)");

    String applied = kubectl.succeed("apply", "-f", SAMPLES.toString());

    assertThat(applied)
        .doesNotContain("dry run")
        .contains("entityhierarchy.limiter.dev/llm-tenants");
    assertThat(kubectl.succeed("get", "ratelimitertables,entityhierarchies", "-A", "-o", "name"))
        .contains(
            "ratelimitertable.limiter.dev/llm-limits", "entityhierarchy.limiter.dev/llm-tenants");
    assertThat(kubectl.succeed("apply", "--dry-run=server", "-f", SAMPLES.toString()))
        .contains("unchanged");
    // the server is shared by the JVM's real-server classes: leave no resources for another's
    // operator to find
    assertThat(kubectl.succeed("delete", "--wait=false", "-f", SAMPLES.toString()))
        .contains("deleted");
  }

  @Test
  void theKustomizeBasePassesAServerDryRun(@TempDir Path temp) throws IOException {
    Path rendered = temp.resolve("default.yaml");
    Files.writeString(rendered, kubectl.succeed("kustomize", "../config/default"));
    // A dry run creates nothing, so the objects in limiter-system need that namespace to exist
    // already.
    server
        .adminClient()
        .namespaces()
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName("limiter-system")
                .endMetadata()
                .build())
        .serverSideApply();

    assertThat(
            kubectl.succeed(
                "apply", "--server-side", "--dry-run=server", "-f", rendered.toString()))
        .contains("deployment.apps/limiter-operator serverside-applied (server dry run)");
    assertThat(kubectl.succeed("apply", "--dry-run=server", "-f", rendered.toString()))
        .contains("deployment.apps/limiter-operator created (server dry run)");
  }
}
