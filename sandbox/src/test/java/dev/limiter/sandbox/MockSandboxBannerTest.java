package dev.limiter.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** On the embedded mock, the sandbox says so, what that lacks, and how to get the real API server. */
class MockSandboxBannerTest {

  @Test
  void theMockSandboxSaysWhatItLacksAndHowToGetTheRealApiServer(@TempDir Path directory) {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    try (PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
         Sandbox sandbox = SandboxCommand.start(SandboxCommand.Options.parse("serve", "--kube=mock",
             "--kubeconfig", directory.resolve("kubeconfig").toString(), "--samples", "../config/samples"), out)) {
      assertThat(sandbox.kubernetes().namespaces().withName("team-b").get()).isNotNull();
    }
    assertThat(printed.toString(StandardCharsets.UTF_8))
        .containsPattern("Sandbox up: Kubernetes API http://127\\.0\\.0\\.1:\\d+ \\(the embedded fabric8 mock server\\)")
        .contains("no schema or CEL validation: kubectl needs --validate=false", "kubectl describe shows no events")
        .contains("build them once with .ci/kube-binaries (needs Go) and start again, or --kube=real")
        .contains("Namespaces for the samples: team-a, team-b.")
        .contains("  export KUBECONFIG=" + directory.resolve("kubeconfig"))
        .contains("  kubectl apply --validate=false -f config/samples/\n");
  }
}
