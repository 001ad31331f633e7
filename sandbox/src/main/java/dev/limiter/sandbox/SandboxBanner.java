package dev.limiter.sandbox;

import dev.limiter.testkit.kube.KubeBinaries;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/**
 * What the sandbox prints once it is up: which Kubernetes API it runs on, what that one lacks and
 * how to get the real one when it is the mock, and the kubectl commands that work on it.
 *
 * @param kube the API it runs on, {@link KubeMode#REAL} or {@link KubeMode#MOCK}
 * @param requestedPort the {@code --port} given, 0 for none
 * @param kubernetesUrl where the Kubernetes API listens
 * @param kubernetesDescription what serves it
 * @param dynamoDbEndpoint where DynamoDB Local listens
 * @param kubeconfig the kubeconfig written for it
 * @param namespaces the namespaces created for the samples
 */
record SandboxBanner(
    KubeMode kube,
    int requestedPort,
    URI kubernetesUrl,
    String kubernetesDescription,
    URI dynamoDbEndpoint,
    Path kubeconfig,
    List<String> namespaces) {

  /** The lines to print, each ending with a line separator. */
  String text() {
    StringBuilder text = new StringBuilder();
    line(
        text,
        "Sandbox up: Kubernetes API %s (%s), DynamoDB Local %s, operator running.",
        kubernetesUrl,
        kubernetesDescription,
        dynamoDbEndpoint);
    if (kube == KubeMode.REAL) {
      line(
          text,
          "  A real API server: the CRDs' schemas and CEL rules are enforced at admission,"
              + " kubectl describe shows events, RBAC is on.");
      if (requestedPort != 0) {
        line(
            text,
            "  --port %d is the embedded mock's; the real API server took a free port.",
            requestedPort);
      }
    } else {
      line(
          text,
          "  The embedded mock admits anything (no schema or CEL validation: kubectl needs"
              + " --validate=false) and kubectl describe shows no events.");
      line(
          text,
          "  For a real kube-apiserver + etcd: build them once with %s (needs Go) and start again,"
              + " or --kube=real.",
          KubeBinaries.SCRIPT);
    }
    if (!namespaces.isEmpty()) {
      line(text, "  Namespaces for the samples: %s.", String.join(", ", namespaces));
    }
    line(text, "  export KUBECONFIG=%s", kubeconfig);
    line(
        text,
        kube == KubeMode.REAL
            ? "  kubectl apply -f config/samples/"
            : "  kubectl apply --validate=false -f config/samples/");
    line(
        text, "  kubectl get rlt -A; kubectl describe rlt -n team-a llm-limits; kubectl get cm -A");
    return text.toString();
  }

  private static void line(StringBuilder text, String format, Object... args) {
    text.append(String.format(format, args)).append(System.lineSeparator());
  }
}
