package dev.limiter.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.limiter.testkit.kube.KubeBinaries;
import dev.limiter.testkit.kube.Kubectl;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's sandbox commands, as written, against the sandbox in serve mode on a real
 * kube-apiserver + etcd, with the machine's {@code kubectl} ({@code KUBECTL}, else the {@code
 * PATH}; {@code .ci/run} provides one). Fails, naming {@code .ci/kube-binaries}, where the binaries
 * are absent and cannot be built.
 */
class SandboxApiServerIT {

  private static final Path SAMPLES = Path.of("../config/samples");

  private static Sandbox sandbox;
  private static String banner;
  private static Kubectl kubectl;

  @BeforeAll
  static void start(@TempDir Path directory) {
    // as the rest of the tier: a machine with Go builds missing binaries here (the sandbox itself
    // never does)
    KubeBinaries.locate();
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    long started = System.nanoTime();
    try (PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8)) {
      sandbox =
          SandboxCommand.start(
              SandboxCommand.Options.parse(
                  "serve",
                  "--kube=real",
                  "--kubeconfig",
                  directory.resolve("kubeconfig").toString(),
                  "--samples",
                  SAMPLES.toString()),
              out);
    }
    banner = printed.toString(StandardCharsets.UTF_8);
    System.out.printf(
        "sandbox on the real API server up in %d ms:%n%s",
        Duration.ofNanos(System.nanoTime() - started).toMillis(), banner);
    kubectl = Kubectl.against(directory.resolve("kubeconfig"));
  }

  @AfterAll
  static void stop() {
    if (sandbox != null) {
      sandbox.close();
    }
  }

  @Test
  void theSandboxSaysItRunsOnTheRealApiServerAndPrintsCommandsWithoutValidateFalse() {
    assertThat(banner)
        .contains("(kube-apiserver v" + KubeBinaries.KUBERNETES_VERSION + " + etcd, started in ")
        .contains("Namespaces for the samples: team-a, team-b.")
        .contains("  kubectl apply -f config/samples/" + System.lineSeparator())
        .doesNotContain("--validate=false");
    assertThat(kubectl.succeed("version", "-o", "json"))
        .contains("\"gitVersion\": \"v" + KubeBinaries.KUBERNETES_VERSION + "\"");
  }

  @Test
  void theSamplesApplyAsWrittenAndKubectlShowsPrinterColumnsConditionsAndEvents() {
    assertThat(kubectl.succeed("apply", "-f", SAMPLES + "/").lines())
        .containsExactlyInAnyOrder(
            "entityhierarchy.limiter.dev/llm-tenants created",
            "ratelimitertable.limiter.dev/api-limits created",
            "ratelimitertable.limiter.dev/llm-limits created");

    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () -> {
              List<String> lines = kubectl.succeed("get", "rlt", "-A").lines().toList();
              assertThat(lines).hasSize(3);
              assertThat(lines.get(0).split("\\s+"))
                  .containsExactly(
                      "NAMESPACE", "NAME", "READY", "TABLE", "BILLING", "READ", "WRITE", "AGE");
              assertThat(lines.get(1).split("\\s+"))
                  .startsWith(
                      "team-a",
                      "llm-limits",
                      "True",
                      "team-a-llm-limits",
                      "Provisioned",
                      "30",
                      "300");
              assertThat(lines.get(2).split("\\s+"))
                  .startsWith("team-b", "api-limits", "True", "team-b-api-limits", "OnDemand");
            });

    String described = kubectl.succeed("describe", "rlt", "-n", "team-a", "llm-limits");
    assertThat(described)
        .containsPattern("(?m)^Status:$")
        .containsPattern("(?m)^    Type: +Ready$");
    String events = described.substring(described.indexOf("\nEvents:"));
    assertThat(events)
        .doesNotContain("<none>")
        .containsPattern("(?m)^  Normal +Reconcile +\\S+ +\\S+ +.*team-a-llm-limits");
    assertThat(
            kubectl.succeed(
                "get",
                "configmap",
                "llm-limits-limiter",
                "-n",
                "team-a",
                "-o",
                "jsonpath={.data.LIMITER_TABLE_NAME}"))
        .isEqualTo("team-a-llm-limits");
  }

  @Test
  void anInvalidSpecIsRefusedAtApplyTimeWithTheServersMessage(@TempDir Path directory)
      throws Exception {
    Path sideways =
        Files.writeString(
            directory.resolve("sideways.yaml"),
            """
            apiVersion: limiter.dev/v1alpha1
            kind: RateLimiterTable
            metadata: {name: sideways, namespace: team-b}
            spec:
              billing: {mode: Sideways}
            """);
    Kubectl.Result refused = kubectl.run("apply", "-f", sideways.toString());
    assertThat(refused.exitCode()).as("%s", refused).isNotZero();
    assertThat(refused.stderr())
        .contains("The RateLimiterTable \"sideways\" is invalid")
        .contains(
            "spec.billing.mode: Unsupported value: \"Sideways\": supported values: \"OnDemand\","
                + " \"Provisioned\"");

    Path misspelt =
        Files.writeString(
            directory.resolve("misspelt.yaml"),
            """
            apiVersion: limiter.dev/v1alpha1
            kind: RateLimiterTable
            metadata: {name: misspelt, namespace: team-b}
            spec:
              billing: {mode: OnDemand}
              deletionProtecton: false
            """);
    Kubectl.Result unknown = kubectl.run("apply", "-f", misspelt.toString());
    assertThat(unknown.exitCode()).as("%s", unknown).isNotZero();
    assertThat(unknown.stderr()).contains("unknown field \"spec.deletionProtecton\"");

    assertThat(kubectl.run("get", "rlt", "-n", "team-b", "sideways").stderr())
        .contains("\"sideways\" not found");
    assertThat(kubectl.run("get", "rlt", "-n", "team-b", "misspelt").stderr())
        .contains("\"misspelt\" not found");
  }
}
