package dev.limiter.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class SandboxBannerTest {

  private static final URI DYNAMODB = URI.create("http://127.0.0.1:8000");
  private static final Path KUBECONFIG = Path.of("/tmp/limiter-sandbox/kubeconfig");

  @Test
  void onTheMockItSaysWhatTheMockLacksAndHowToGetTheRealApiServer() {
    String text =
        new SandboxBanner(
                KubeMode.MOCK,
                0,
                URI.create("http://127.0.0.1:6443"),
                "the embedded fabric8 mock server",
                DYNAMODB,
                KUBECONFIG,
                List.of("team-a", "team-b"))
            .text();

    assertThat(text.lines())
        .containsExactly(
            "Sandbox up: Kubernetes API http://127.0.0.1:6443 (the embedded fabric8 mock server),"
                + " DynamoDB Local http://127.0.0.1:8000, operator running.",
            "  The embedded mock admits anything (no schema or CEL validation: kubectl needs"
                + " --validate=false) and kubectl describe shows no events.",
            "  For a real kube-apiserver + etcd: build them once with .ci/kube-binaries (needs Go)"
                + " and start again, or --kube=real.",
            "  Namespaces for the samples: team-a, team-b.",
            "  export KUBECONFIG=/tmp/limiter-sandbox/kubeconfig",
            "  kubectl apply --validate=false -f config/samples/",
            "  kubectl get rlt -A; kubectl describe rlt -n team-a llm-limits; kubectl get cm -A");
  }

  @Test
  void onTheRealApiServerTheSamplesApplyWithoutValidateFalseAndAPortForTheMockIsExplained() {
    String text =
        new SandboxBanner(
                KubeMode.REAL,
                6443,
                URI.create("https://127.0.0.1:40123"),
                "kube-apiserver v1.34.4 + etcd, started in 4.2 s",
                DYNAMODB,
                KUBECONFIG,
                List.of())
            .text();

    assertThat(text.lines())
        .containsExactly(
            "Sandbox up: Kubernetes API https://127.0.0.1:40123 (kube-apiserver v1.34.4 + etcd,"
                + " started in 4.2 s), DynamoDB Local http://127.0.0.1:8000, operator running.",
            "  A real API server: the CRDs' schemas and CEL rules are enforced at admission,"
                + " kubectl describe shows events, RBAC is on.",
            "  --port 6443 is the embedded mock's; the real API server took a free port.",
            "  export KUBECONFIG=/tmp/limiter-sandbox/kubeconfig",
            "  kubectl apply -f config/samples/",
            "  kubectl get rlt -A; kubectl describe rlt -n team-a llm-limits; kubectl get cm -A");
  }
}
