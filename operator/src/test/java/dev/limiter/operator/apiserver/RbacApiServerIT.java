package dev.limiter.operator.apiserver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limiter.testkit.kube.RealApiServer;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The chart's RBAC on a real API server: its ServiceAccount, ClusterRole/Roles and bindings as
 * {@code helm template} renders them are applied, and the operator runs with a token of that
 * ServiceAccount alone (TokenRequest), leader election on in the release namespace. The whole
 * {@link OperatorScenario} passes with the default values and with {@code rbac.scope=Namespace};
 * and taking away any one permission (one verb on one resource) makes a named step of it fail.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RbacApiServerIT {

  /** Removal runs at once: each waits mostly on the operator's poll intervals, not on the CPU. */
  private static final int PARALLEL_RUNS = 4;

  private static RealApiServer server;

  @BeforeAll
  static void start() {
    server = RealApiServer.start();
    Crds.install(server);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  @Order(1)
  void theWholeScenarioPassesWithTheDefaultValuesRbacAlone() {
    // default values: scope Cluster, every namespace watched — alone on the server, so it meets
    // nothing else
    ChartRbac rbac = ChartRbac.render("limiter-operator", "limiter-system", "{}");
    OperatorScenario.Outcome outcome = run(rbac, "cluster-a", "cluster-b", Set.of());
    Set<ApiCalls.Access> used =
        outcome.calls().stream().flatMap(c -> c.access().stream()).collect(Collectors.toSet());
    System.out.println(
        "granted and not requested by the operator (checked at admission, or unused): "
            + rbac.permissions().stream().filter(p -> !used.contains(p)).toList());
    assertThat(outcome.calls()).noneMatch(c -> c.code() == 403);
  }

  @Test
  @Order(2)
  void theWholeScenarioPassesWithNamespaceScopedRbac() {
    ChartRbac rbac =
        ChartRbac.render(
            "scoped",
            "scoped-system",
            "rbac: {scope: Namespace}\nwatchNamespaces: [scoped-a, scoped-b]\n");
    assertThat(rbac.objects()).noneMatch(o -> o.getKind().startsWith("Cluster"));
    OperatorScenario.Outcome outcome =
        run(rbac, "scoped-a", "scoped-b", Set.of("scoped-a", "scoped-b"));
    assertThat(outcome.calls()).noneMatch(c -> c.code() == 403);
  }

  @Test
  @Order(3)
  void takingAwayAnyOnePermissionMakesANamedStepFail() throws Exception {
    List<ApiCalls.Access> permissions =
        List.copyOf(ChartRbac.render("probe", "probe-system", "{}").permissions());
    ExecutorService pool = Executors.newFixedThreadPool(PARALLEL_RUNS);
    Map<String, String> outcomes = new TreeMap<>();
    try {
      List<Future<String>> runs = new ArrayList<>();
      for (int i = 0; i < permissions.size(); i++) {
        String id = "rm" + i;
        ApiCalls.Access removed = permissions.get(i);
        runs.add(pool.submit(() -> withoutPermission(id, removed)));
      }
      for (int i = 0; i < permissions.size(); i++) {
        outcomes.put(permissions.get(i).toString(), runs.get(i).get());
      }
    } finally {
      pool.shutdownNow();
    }
    System.out.println("permission taken away → what failed:");
    outcomes.forEach(
        (permission, failed) -> System.out.println("  " + permission + " → " + failed));
    assertThat(outcomes)
        .as("permissions whose removal no step noticed (unused)")
        .allSatisfy((permission, failed) -> assertThat(failed).doesNotStartWith("nothing"));
  }

  /**
   * Runs the scenario with every rule of the default values but {@code removed}; what failed, or
   * "nothing…".
   */
  private static String withoutPermission(String id, ApiCalls.Access removed) {
    ChartRbac rbac = ChartRbac.render(id, id + "-system", "{}").without(removed);
    try {
      run(rbac, id + "-a", id + "-b", Set.of(id + "-a", id + "-b"));
      return "nothing: the whole scenario passed";
    } catch (OperatorScenario.StepFailed failed) {
      return "step '"
          + failed.step()
          + "'"
          + failed.refused().map(r -> ", refused " + r).orElse("")
          + (failed.refused().isEmpty() ? ": " + rootMessage(failed) : "");
    }
  }

  /**
   * Applies {@code rbac}, then runs the scenario in {@code namespaceA} and {@code namespaceB} with
   * an operator authenticated by a token of the chart's ServiceAccount alone, watching {@code
   * watched}.
   */
  private static OperatorScenario.Outcome run(
      ChartRbac rbac, String namespaceA, String namespaceB, Set<String> watched) {
    KubernetesClient admin = server.adminClient();
    admin
        .namespaces()
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName(rbac.namespace())
                .endMetadata()
                .build())
        .serverSideApply();
    String[] token = new String[1];
    OperatorScenario scenario =
        new OperatorScenario(
            server,
            namespaceA,
            namespaceB,
            () ->
                RealServerOperator.create(
                    new RealServerOperator.Launch(
                        server.tokenConfig(token[0]), watched, rbac.namespace())));
    // the scenario's namespaces exist now: the Roles of scope Namespace go into them
    for (HasMetadata object : rbac.objects()) {
      admin.resource(object).serverSideApply();
    }
    String account = rbac.serviceAccount().getMetadata().getName();
    token[0] =
        admin
            .serviceAccounts()
            .inNamespace(rbac.namespace())
            .withName(account)
            .tokenRequest(
                new TokenRequestBuilder()
                    .withNewSpec()
                    .withExpirationSeconds(3600L)
                    .endSpec()
                    .build())
            .getStatus()
            .getToken();
    awaitBindings(admin, rbac, account, namespaceA);
    try {
      return scenario.run();
    } finally {
      scenario.clear();
    }
  }

  /**
   * The authorizer learns of new bindings through its informers: wait until it grants some of what
   * they bind.
   */
  private static void awaitBindings(
      KubernetesClient admin, ChartRbac rbac, String account, String namespaceA) {
    String user = "system:serviceaccount:" + rbac.namespace() + ":" + account;
    for (ApiCalls.Access access : rbac.permissions()) {
      boolean leases = access.resource().equals("leases");
      String namespace = leases ? rbac.namespace() : namespaceA;
      String[] resource = access.resource().split("/", 2);
      Awaitility.await(user + " may " + access)
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(100))
          .until(
              () -> {
                SubjectAccessReview review =
                    admin
                        .authorization()
                        .v1()
                        .subjectAccessReview()
                        .create(
                            new SubjectAccessReviewBuilder()
                                .withNewSpec()
                                .withUser(user)
                                .withGroups(
                                    "system:serviceaccounts",
                                    "system:serviceaccounts:" + rbac.namespace(),
                                    "system:authenticated")
                                .withNewResourceAttributes()
                                .withNamespace(namespace)
                                .withVerb(access.verb())
                                .withGroup(access.group())
                                .withResource(resource[0])
                                .withSubresource(resource.length > 1 ? resource[1] : null)
                                .endResourceAttributes()
                                .endSpec()
                                .build());
                return review.getStatus().getAllowed();
              });
    }
  }

  private static String rootMessage(Throwable failure) {
    Throwable root = failure;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    String message = String.valueOf(root.getMessage()).replace('\n', ' ');
    return root.getClass().getSimpleName()
        + ": "
        + (message.length() > 300 ? message.substring(0, 300) + "…" : message);
  }
}
