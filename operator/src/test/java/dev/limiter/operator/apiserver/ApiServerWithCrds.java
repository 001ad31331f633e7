package dev.limiter.operator.apiserver;

import dev.limiter.testkit.kube.Kubectl;
import dev.limiter.testkit.kube.RealApiServer;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;

/**
 * The JVM's real kube-apiserver ({@link RealApiServer#shared()}) with {@code crds/} applied by
 * kubectl and both CRDs {@code Established}, and the samples' namespaces created; set up once, for
 * every real-server test class.
 */
public final class ApiServerWithCrds {

  /** The CRDs the operator ships. */
  public static final Path CRDS = Path.of("../crds");

  /** The CRDs' names. */
  public static final List<String> NAMES =
      List.of("ratelimitertables.limiter.dev", "entityhierarchies.limiter.dev");

  private static boolean installed;

  private ApiServerWithCrds() {}

  /** The server, with the CRDs installed on first use. */
  public static synchronized RealApiServer server() {
    RealApiServer server = RealApiServer.shared();
    if (!installed) {
      Kubectl.against(server).succeed("apply", "--server-side", "-f", CRDS.toString());
      KubernetesClient client = server.adminClient();
      for (String name : NAMES) {
        Awaitility.await(name + " Established")
            .atMost(Duration.ofSeconds(30))
            .pollInterval(Duration.ofMillis(100))
            .until(
                () ->
                    isTrue(
                        client
                            .apiextensions()
                            .v1()
                            .customResourceDefinitions()
                            .withName(name)
                            .get(),
                        "Established"));
      }
      for (String namespace : List.of("team-a", "team-b")) {
        client
            .namespaces()
            .resource(
                new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
            .serverSideApply();
      }
      installed = true;
    }
    return server;
  }

  /** Whether the CRD has condition {@code type} with status True. */
  public static boolean isTrue(CustomResourceDefinition crd, String type) {
    return crd != null
        && crd.getStatus() != null
        && crd.getStatus().getConditions().stream()
            .anyMatch(
                condition ->
                    condition.getType().equals(type) && condition.getStatus().equals("True"));
  }

  /** The CRD's conditions, for failure messages. */
  public static List<String> conditions(CustomResourceDefinition crd) {
    return crd.getStatus().getConditions().stream().map(ApiServerWithCrds::describe).toList();
  }

  private static String describe(CustomResourceDefinitionCondition condition) {
    return condition.getType()
        + "="
        + condition.getStatus()
        + " ("
        + condition.getReason()
        + ": "
        + condition.getMessage()
        + ")";
  }
}
