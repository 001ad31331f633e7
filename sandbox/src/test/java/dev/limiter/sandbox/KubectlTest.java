package dev.limiter.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.limiter.testkit.kube.Kubectl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real {@code kubectl} against the sandbox: the one named by {@code KUBECTL} (what {@code
 * .ci/run} installs when the machine has none) or the first on the {@code PATH}. Skipped, saying
 * so, when neither exists.
 */
class KubectlTest {

  private static Sandbox sandbox;
  private static Kubectl kubectl;

  @BeforeAll
  static void start(@TempDir Path directory) {
    assumeTrue(
        Kubectl.find().isPresent(),
        "no kubectl: set KUBECTL or put kubectl on the PATH (.ci/run installs one) to run this"
            + " test");
    sandbox = Sandbox.start(0);
    kubectl = Kubectl.against(sandbox.writeKubeconfig(directory.resolve("kubeconfig")));
  }

  @AfterAll
  static void stop() {
    if (sandbox != null) {
      sandbox.close();
    }
  }

  @Test
  void appliedSampleIsListedWithItsPrinterColumns() throws Exception {
    assertThat(kubectl("version", "-o", "json")).contains("v1.32.0-limiter-sandbox");
    assertThat(kubectl("api-resources", "--api-group=limiter.dev"))
        .contains("ratelimitertables", "rlt", "RateLimiterTable");

    assertThat(
            kubectl(
                "apply",
                "--validate=false",
                "-f",
                "../config/samples/ratelimitertable-provisioned.yaml"))
        .contains("ratelimitertable.limiter.dev/llm-limits created");

    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () -> {
              List<String> lines = kubectl("get", "rlt", "-n", "team-a").lines().toList();
              assertThat(lines.get(0).split("\\s+"))
                  .containsExactly("NAME", "READY", "TABLE", "BILLING", "READ", "WRITE", "AGE");
              assertThat(lines.get(1).split("\\s+"))
                  .startsWith(
                      "llm-limits", "True", "team-a-llm-limits", "Provisioned", "30", "300");
            });
    assertThat(
            kubectl(
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
  void anObjectTheSchemaWouldRefuseIsReportedAndTheSandboxKeepsReconciling(@TempDir Path directory)
      throws Exception {
    // The sandbox has no admission: this is stored as is, and the operator must report it, not
    // stop.
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
    assertThat(kubectl("apply", "--validate=false", "-f", sideways.toString()))
        .contains("ratelimitertable.limiter.dev/sideways created");
    assertThat(
            kubectl(
                "apply",
                "--validate=false",
                "-f",
                "../config/samples/ratelimitertable-ondemand.yaml"))
        .contains("created");

    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () -> {
              String ready =
                  "jsonpath={.status.conditions[?(@.type==\"Ready\")]['status','reason','message']}";
              assertThat(kubectl("get", "rlt", "sideways", "-n", "team-b", "-o", ready))
                  .startsWith(
                      "False InvalidSpec spec.billing.mode: must be one of OnDemand, Provisioned,"
                          + " got \"Sideways\"");
            });
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () ->
                assertThat(
                        kubectl(
                            "get",
                            "rlt",
                            "api-limits",
                            "-n",
                            "team-b",
                            "-o",
                            "jsonpath={.status.conditions[?(@.type==\"Ready\")].status}"))
                    .isEqualTo("True"));
  }

  private static String kubectl(String... args) {
    return kubectl.succeed(args);
  }
}
