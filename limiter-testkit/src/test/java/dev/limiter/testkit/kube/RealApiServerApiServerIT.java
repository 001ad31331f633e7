package dev.limiter.testkit.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RealApiServerApiServerIT {

  private static RealApiServer server;

  @BeforeAll
  static void start() {
    server = RealApiServer.start();
    System.out.println("RealApiServer started in " + server.startupTime().toMillis() + " ms");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void theAdminClientTalksToKubernetes134() {
    assertThat(server.adminClient().getKubernetesVersion().getGitVersion())
        .isEqualTo("v" + KubeBinaries.KUBERNETES_VERSION);
    assertThat(server.adminClient().namespaces().withName("default").get()).isNotNull();
    assertThat(server.kubeconfig()).exists();
  }

  @Test
  void kubectlWorksWithTheKubeconfig() {
    assertThat(Kubectl.against(server).succeed("get", "namespace", "default", "-o", "name"))
        .isEqualTo("namespace/default\n");
  }

  @Test
  void aServiceAccountTokenAuthenticatesAndRbacGrantsOnlyWhatIsBound() {
    KubernetesClient admin = server.adminClient();
    admin
        .namespaces()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName("rbac-check").endMetadata().build())
        .create();
    ServiceAccount account =
        admin
            .serviceAccounts()
            .inNamespace("rbac-check")
            .resource(
                new ServiceAccountBuilder()
                    .withNewMetadata()
                    .withName("reader")
                    .endMetadata()
                    .build())
            .create();
    TokenRequest token =
        admin
            .serviceAccounts()
            .inNamespace("rbac-check")
            .withName(account.getMetadata().getName())
            .tokenRequest(
                new TokenRequestBuilder()
                    .withNewSpec()
                    .withExpirationSeconds(600L)
                    .endSpec()
                    .build());

    try (KubernetesClient reader =
        new KubernetesClientBuilder()
            .withConfig(server.tokenConfig(token.getStatus().getToken()))
            .build()) {
      assertThatThrownBy(() -> reader.configMaps().inNamespace("rbac-check").list())
          .isInstanceOf(KubernetesClientException.class)
          .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(403));

      admin
          .rbac()
          .roles()
          .inNamespace("rbac-check")
          .resource(
              new RoleBuilder()
                  .withNewMetadata()
                  .withName("configmap-reader")
                  .endMetadata()
                  .addNewRule()
                  .withApiGroups("")
                  .withResources("configmaps")
                  .withVerbs("get", "list")
                  .endRule()
                  .build())
          .create();
      admin
          .rbac()
          .roleBindings()
          .inNamespace("rbac-check")
          .resource(
              new RoleBindingBuilder()
                  .withNewMetadata()
                  .withName("reader-configmaps")
                  .endMetadata()
                  .withNewRoleRef()
                  .withApiGroup("rbac.authorization.k8s.io")
                  .withKind("Role")
                  .withName("configmap-reader")
                  .endRoleRef()
                  .addNewSubject()
                  .withKind("ServiceAccount")
                  .withName("reader")
                  .withNamespace("rbac-check")
                  .endSubject()
                  .build())
          .create();

      // the authorizer sees a new binding through its informer, a moment after the create returns
      Awaitility.await("the binding takes effect")
          .atMost(Duration.ofSeconds(10))
          .ignoreExceptions()
          .until(() -> reader.configMaps().inNamespace("rbac-check").list().getItems() != null);
      assertThatThrownBy(() -> reader.secrets().inNamespace("rbac-check").list())
          .isInstanceOf(KubernetesClientException.class)
          .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(403));
    }
  }

  @Test
  void closingStopsBothProcessesAndRemovesTheDirectory() throws InterruptedException {
    Set<Long> before = descendants();
    RealApiServer other = RealApiServer.start();
    Path directory = other.kubeconfig().getParent();
    Set<Long> started = descendants();
    started.removeAll(before);
    assertThat(started).isNotEmpty();

    other.close();

    assertThat(Files.exists(directory)).isFalse();
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (started.stream().anyMatch(RealApiServerApiServerIT::alive)
        && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(started).noneMatch(RealApiServerApiServerIT::alive);
    assertThat(server.adminClient().raw("/readyz")).isEqualTo("ok");
  }

  private static Set<Long> descendants() {
    return ProcessHandle.current()
        .descendants()
        .map(ProcessHandle::pid)
        .collect(Collectors.toCollection(HashSet::new));
  }

  private static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }
}
