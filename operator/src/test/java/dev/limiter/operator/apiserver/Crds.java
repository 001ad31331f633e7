package dev.limiter.operator.apiserver;

import dev.limiter.testkit.kube.Kubectl;
import dev.limiter.testkit.kube.RealApiServer;

/** The CRDs of {@code crds/}, installed on a real API server. */
final class Crds {

  private Crds() {}

  /** Applies {@code crds/} and waits until both CRDs are Established (served). */
  static void install(RealApiServer server) {
    Kubectl kubectl = Kubectl.against(server);
    kubectl.succeed("apply", "--server-side", "-f", "../crds");
    kubectl.succeed(
        "wait",
        "--for=condition=Established",
        "--timeout=60s",
        "crd/ratelimitertables.limiter.dev",
        "crd/entityhierarchies.limiter.dev");
  }
}
