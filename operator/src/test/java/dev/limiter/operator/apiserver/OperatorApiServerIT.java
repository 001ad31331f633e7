package dev.limiter.operator.apiserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.limiter.operator.api.RateLimiterTable;
import dev.limiter.testkit.DynamoDbLocal;
import dev.limiter.testkit.kube.Kubectl;
import dev.limiter.testkit.kube.RealApiServer;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The operator, authenticated as the cluster admin, against kube-apiserver 1.34 + etcd with the
 * CRDs of {@code crds/} installed, DynamoDB Local and the AWS-rules fakes. The whole user scenario
 * ({@link OperatorScenario}) runs under the chart's RBAC alone in {@link RbacApiServerIT}; as admin
 * it would repeat the same steps, so this class keeps what needs the admin: provoking a conflict.
 */
class OperatorApiServerIT {

  private static RealApiServer server;
  private static Config admin;

  @BeforeAll
  static void start() throws IOException {
    server = RealApiServer.start();
    admin = Config.fromKubeconfig(Files.readString(server.kubeconfig()));
    Crds.install(server);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void aStatusWriteRacingASpecChangeIsRetriedWithoutReportingAnError() {
    String namespace = "conflict";
    KubernetesClient client = server.adminClient();
    client
        .namespaces()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
        .create();
    RunSamples samples = new RunSamples(namespace, namespace);
    SpecChangeBeforeStatusWrite race = new SpecChangeBeforeStatusWrite();
    try (RealServerOperator operator =
        RealServerOperator.create(
            new RealServerOperator.Launch(admin, Set.of(namespace), null), race)) {
      operator.start();
      Kubectl.against(server)
          .succeed("apply", "-f", samples.directory().resolve(RunSamples.ON_DEMAND).toString());
      awaitReadyAtGeneration(client, namespace);

      race.arm(
          "/apis/limiter.dev/v1alpha1/namespaces/"
              + namespace
              + "/ratelimitertables/"
              + RunSamples.ON_DEMAND_NAME
              + "/status",
          () -> maxReadUnits(client, namespace, 1500));
      maxReadUnits(client, namespace, 1200);

      await("the operator's status write met the second change")
          .atMost(Duration.ofSeconds(30))
          .until(() -> race.fired() == 1 && operator.calls().conflicts() > 0);
      RateLimiterTable converged = awaitReadyAtGeneration(client, namespace);
      assertThat(converged.getSpec().billing().onDemand().maxReadRequestUnits()).isEqualTo(1500L);
      await("table capped at 1500 read units")
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  DynamoDbLocal.shared()
                          .inspectionClient()
                          .describeTable(b -> b.tableName(samples.onDemandTable()))
                          .table()
                          .onDemandThroughput()
                          .maxReadRequestUnits()
                      == 1500L);
      List<Event> events =
          client
              .v1()
              .events()
              .inNamespace(namespace)
              .withField("involvedObject.name", RunSamples.ON_DEMAND_NAME)
              .list()
              .getItems();
      assertThat(events)
          .as("a conflict is a reason to look again, not an error to report")
          .extracting(e -> e.getType() + " " + e.getReason() + ": " + e.getMessage())
          .noneMatch(e -> e.startsWith("Warning"));
      assertThat(converged.getStatus().conditions())
          .extracting(Condition::getReason)
          .doesNotContain("ReconcileError");
    }
  }

  private static void maxReadUnits(KubernetesClient client, String namespace, long units) {
    client
        .resources(RateLimiterTable.class)
        .inNamespace(namespace)
        .withName(RunSamples.ON_DEMAND_NAME)
        .patch(
            PatchContext.of(PatchType.JSON_MERGE),
            "{\"spec\":{\"billing\":{\"onDemand\":{\"maxReadRequestUnits\":" + units + "}}}}");
  }

  private static RateLimiterTable awaitReadyAtGeneration(
      KubernetesClient client, String namespace) {
    return await("api-limits Ready at its generation")
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(
            () ->
                client
                    .resources(RateLimiterTable.class)
                    .inNamespace(namespace)
                    .withName(RunSamples.ON_DEMAND_NAME)
                    .get(),
            t ->
                t.getStatus() != null
                    && t.getStatus().conditions() != null
                    && t.getStatus().conditions().stream()
                        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()))
                    && t.getMetadata().getGeneration().equals(t.getStatus().observedGeneration()));
  }
}
