package dev.limiter.deploy;

import static dev.limiter.deploy.HelmRender.OPERATOR_PERMISSIONS;
import static dev.limiter.deploy.HelmRender.RELEASE;
import static dev.limiter.deploy.HelmRender.RELEASE_NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.limiter.deploy.HelmRender.Permission;
import dev.limiter.deploy.HelmRender.Rendered;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code helm template} with default values: the production-shaped install. */
class HelmDefaultRenderTest {

  private static Rendered rendered;

  @BeforeAll
  static void render() {
    rendered = HelmRender.defaults();
  }

  @Test
  void rendersTheOperatorWithClusterWideRbacAndNoServiceMonitor() {
    assertThat(rendered.kinds())
        .containsExactlyInAnyOrder(
            "Deployment",
            "ServiceAccount",
            "ClusterRole",
            "ClusterRoleBinding",
            "Role",
            "RoleBinding",
            "Service",
            "PodDisruptionBudget");
  }

  @Test
  void deploymentRunsTwoReplicasOfTheAppVersionImage() {
    Deployment deployment = rendered.deployment();

    assertThat(deployment.getMetadata().getNamespace()).isEqualTo(RELEASE_NAMESPACE);
    assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
    assertThat(rendered.operatorContainer().getImage())
        .isEqualTo("ghcr.io/limiter-dev/limiter-operator:0.1.0");
    assertThat(rendered.operatorContainer().getImagePullPolicy()).isEqualTo("IfNotPresent");
    assertThat(rendered.operatorContainer().getCommand()).isEmpty();
    assertThat(rendered.operatorContainer().getArgs()).isEmpty();
  }

  @Test
  void deploymentCarriesTheRecommendedLabels() {
    assertThat(rendered.deployment().getMetadata().getLabels())
        .containsEntry("app.kubernetes.io/name", "limiter-operator")
        .containsEntry("app.kubernetes.io/instance", RELEASE)
        .containsEntry("app.kubernetes.io/version", "0.1.0")
        .containsEntry("app.kubernetes.io/managed-by", "Helm")
        .containsEntry("app.kubernetes.io/part-of", "limiter-operator");
    assertThat(rendered.deployment().getSpec().getTemplate().getMetadata().getLabels())
        .containsAllEntriesOf(rendered.deployment().getSpec().getSelector().getMatchLabels());
  }

  @Test
  void podSecurityContextMeetsTheRestrictedStandard() {
    PodSpec pod = rendered.deployment().getSpec().getTemplate().getSpec();

    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(65532L);
    assertThat(pod.getSecurityContext().getRunAsGroup()).isEqualTo(65532L);
    assertThat(pod.getSecurityContext().getFsGroup()).isEqualTo(65532L);
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
  }

  @Test
  void containerSecurityContextMeetsTheRestrictedStandard() {
    var securityContext = rendered.operatorContainer().getSecurityContext();

    assertThat(securityContext.getAllowPrivilegeEscalation()).isFalse();
    assertThat(securityContext.getReadOnlyRootFilesystem()).isTrue();
    assertThat(securityContext.getRunAsNonRoot()).isTrue();
    assertThat(securityContext.getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(securityContext.getCapabilities().getAdd()).isEmpty();
    assertThat(securityContext.getPrivileged()).isNotEqualTo(Boolean.TRUE);
  }

  @Test
  void tmpIsAWritableEmptyDirSinceTheRootFilesystemIsReadOnly() {
    PodSpec pod = rendered.deployment().getSpec().getTemplate().getSpec();

    assertThat(rendered.operatorContainer().getVolumeMounts())
        .anySatisfy(
            mount -> {
              assertThat(mount.getMountPath()).isEqualTo("/tmp");
              assertThat(mount.getReadOnly()).isNotEqualTo(Boolean.TRUE);
              assertThat(pod.getVolumes())
                  .anySatisfy(
                      volume -> {
                        assertThat(volume.getName()).isEqualTo(mount.getName());
                        assertThat(volume.getEmptyDir()).isNotNull();
                      });
            });
  }

  @Test
  void probesUseHealthzAndReadyzOnTheHttpPort() {
    Container container = rendered.operatorContainer();

    assertThat(container.getPorts())
        .singleElement()
        .satisfies(
            port -> {
              assertThat(port.getName()).isEqualTo("http");
              assertThat(port.getContainerPort()).isEqualTo(8080);
              assertThat(port.getProtocol()).isEqualTo("TCP");
            });
    assertProbe(container.getLivenessProbe(), "/healthz");
    assertProbe(container.getReadinessProbe(), "/readyz");
    assertProbe(container.getStartupProbe(), "/healthz");
  }

  @Test
  void podNamespaceComesFromTheDownwardApiForLeaderElection() {
    EnvVar podNamespace = rendered.env("POD_NAMESPACE").orElseThrow();

    assertThat(podNamespace.getValue()).isNull();
    assertThat(podNamespace.getValueFrom().getFieldRef().getFieldPath())
        .isEqualTo("metadata.namespace");
  }

  @Test
  void environmentHasTheDefaultSettingsAndNoAwsOverrides() {
    assertThat(rendered.envValue("LIMITER_RESYNC")).isEqualTo("5m");
    assertThat(rendered.envValue("LIMITER_WATCH_NAMESPACES"))
        .as("empty means all namespaces")
        .isEmpty();
    assertThat(rendered.envValue("JAVA_TOOL_OPTIONS"))
        .isEqualTo("-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError");
    assertThat(rendered.env("LIMITER_DEFAULT_REGION")).isEmpty();
    assertThat(rendered.env("LIMITER_ENDPOINT_URL")).isEmpty();
    assertThat(rendered.env("LIMITER_TABLE_NAME_PREFIX")).as("no table-name prefix").isEmpty();
    assertThat(rendered.env("LIMITER_ADOPT")).as("no namespace may adopt a table").isEmpty();
  }

  @Test
  void resourcesDefaultToTheContract() {
    var resources = rendered.operatorContainer().getResources();

    assertThat(resources.getRequests())
        .isEqualTo(Map.of("cpu", new Quantity("100m"), "memory", new Quantity("256Mi")));
    assertThat(resources.getLimits()).isEqualTo(Map.of("memory", new Quantity("512Mi")));
  }

  @Test
  void serviceAccountIsCreatedWithItsTokenAndWithoutAnnotations() {
    ServiceAccount account = rendered.one(ServiceAccount.class);

    assertThat(account.getMetadata().getName()).isEqualTo(RELEASE);
    assertThat(account.getMetadata().getAnnotations()).isNullOrEmpty();
    assertThat(account.getAutomountServiceAccountToken()).isTrue();
    assertThat(rendered.deployment().getSpec().getTemplate().getSpec().getServiceAccountName())
        .isEqualTo(RELEASE);
    assertThat(
            rendered
                .deployment()
                .getSpec()
                .getTemplate()
                .getSpec()
                .getAutomountServiceAccountToken())
        .isTrue();
  }

  @Test
  void clusterRoleGrantsExactlyTheOperatorsPermissions() {
    assertThat(HelmRender.permissions(rendered.one(ClusterRole.class).getRules()))
        .isEqualTo(OPERATOR_PERMISSIONS);
  }

  @Test
  void clusterRoleBindingBindsTheClusterRoleToTheServiceAccount() {
    ClusterRoleBinding binding = rendered.one(ClusterRoleBinding.class);

    assertThat(binding.getRoleRef().getKind()).isEqualTo("ClusterRole");
    assertThat(binding.getRoleRef().getName())
        .isEqualTo(rendered.one(ClusterRole.class).getMetadata().getName());
    assertThat(binding.getSubjects())
        .singleElement()
        .satisfies(HelmDefaultRenderTest::isTheOperatorsServiceAccount);
  }

  @Test
  void noRbacRuleUsesWildcardsOrTouchesSecrets() {
    List<PolicyRule> rules = rendered.allRbacRules().toList();

    assertThat(rules)
        .isNotEmpty()
        .allSatisfy(
            rule -> {
              assertThat(rule.getApiGroups()).doesNotContain("*");
              assertThat(rule.getResources()).doesNotContain("*", "secrets");
              assertThat(rule.getVerbs()).doesNotContain("*");
              assertThat(rule.getNonResourceURLs()).isEmpty();
            });
  }

  @Test
  void leaderElectionRoleInTheReleaseNamespaceManagesLeases() {
    Role role =
        rendered.find(Role.class, RELEASE_NAMESPACE, RELEASE + "-leader-election").orElseThrow();
    RoleBinding binding =
        rendered
            .find(RoleBinding.class, RELEASE_NAMESPACE, RELEASE + "-leader-election")
            .orElseThrow();

    assertThat(HelmRender.permissions(role.getRules()))
        .containsExactly(
            new Permission(
                "coordination.k8s.io", "leases", Set.of("get", "create", "update", "patch")));
    assertThat(role.getRules()).allSatisfy(rule -> assertThat(rule.getResourceNames()).isEmpty());
    assertThat(binding.getRoleRef().getKind()).isEqualTo("Role");
    assertThat(binding.getRoleRef().getName()).isEqualTo(role.getMetadata().getName());
    assertThat(binding.getSubjects())
        .singleElement()
        .satisfies(HelmDefaultRenderTest::isTheOperatorsServiceAccount);
  }

  @Test
  void podDisruptionBudgetAllowsOnePodDown() {
    PodDisruptionBudget budget = rendered.one(PodDisruptionBudget.class);

    assertThat(budget.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
    assertThat(budget.getSpec().getMinAvailable()).isNull();
    assertThat(budget.getSpec().getSelector().getMatchLabels())
        .isEqualTo(rendered.deployment().getSpec().getSelector().getMatchLabels());
  }

  @Test
  void serviceExposesTheHttpPortOfTheOperatorPods() {
    Service service = rendered.one(Service.class);

    assertThat(service.getSpec().getType()).isEqualTo("ClusterIP");
    assertThat(service.getSpec().getSelector())
        .isEqualTo(rendered.deployment().getSpec().getSelector().getMatchLabels());
    assertThat(service.getSpec().getPorts())
        .singleElement()
        .satisfies(
            (ServicePort port) -> {
              assertThat(port.getName()).isEqualTo("http");
              assertThat(port.getPort()).isEqualTo(8080);
              assertThat(port.getTargetPort().getStrVal()).isEqualTo("http");
            });
  }

  private static void assertProbe(Probe probe, String path) {
    assertThat(probe).as("probe on %s", path).isNotNull();
    assertThat(probe.getHttpGet().getPath()).isEqualTo(path);
    assertThat(probe.getHttpGet().getPort().getStrVal()).isEqualTo("http");
  }

  private static void isTheOperatorsServiceAccount(Subject subject) {
    assertThat(subject.getKind()).isEqualTo("ServiceAccount");
    assertThat(subject.getName()).isEqualTo(RELEASE);
    assertThat(subject.getNamespace()).isEqualTo(RELEASE_NAMESPACE);
  }
}
