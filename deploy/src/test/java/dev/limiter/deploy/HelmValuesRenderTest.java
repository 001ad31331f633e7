package dev.limiter.deploy;

import static dev.limiter.deploy.HelmRender.OPERATOR_PERMISSIONS;
import static dev.limiter.deploy.HelmRender.RELEASE;
import static dev.limiter.deploy.HelmRender.RELEASE_NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.limiter.deploy.HelmRender.Rendered;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code helm template} with non-default values: RBAC scope, AWS settings, monitoring, pass-through
 * values.
 */
class HelmValuesRenderTest {

  @Test
  void namespaceScopeGrantsTheOperatorPermissionsOnlyInEachWatchedNamespace() {
    Rendered rendered =
        HelmRender.withValues(
            """
            rbac: {scope: Namespace}
            watchNamespaces: [team-a, team-b]
            """);

    assertThat(rendered.all(ClusterRole.class)).isEmpty();
    assertThat(rendered.all(ClusterRoleBinding.class)).isEmpty();
    assertOperatorRoleIn(rendered, "team-a");
    assertOperatorRoleIn(rendered, "team-b");
    assertThat(rendered.find(Role.class, RELEASE_NAMESPACE, RELEASE))
        .as("no operator Role outside the watched namespaces")
        .isEmpty();
    assertThat(rendered.envValue("LIMITER_WATCH_NAMESPACES")).isEqualTo("team-a,team-b");
  }

  @Test
  void namespaceScopeWithoutWatchNamespacesWatchesTheReleaseNamespace() {
    Rendered rendered = HelmRender.withValues("rbac: {scope: Namespace}");

    assertThat(rendered.all(ClusterRole.class)).isEmpty();
    assertThat(rendered.all(ClusterRoleBinding.class)).isEmpty();
    assertOperatorRoleIn(rendered, RELEASE_NAMESPACE);
    assertThat(rendered.envValue("LIMITER_WATCH_NAMESPACES")).isEqualTo(RELEASE_NAMESPACE);
  }

  @Test
  void namespaceScopeKeepsTheLeaderElectionRoleInTheReleaseNamespace() {
    Rendered rendered =
        HelmRender.withValues(
            """
            rbac: {scope: Namespace}
            watchNamespaces: [team-a]
            """);

    assertThat(rendered.find(Role.class, RELEASE_NAMESPACE, RELEASE + "-leader-election"))
        .isPresent();
    assertThat(rendered.find(RoleBinding.class, RELEASE_NAMESPACE, RELEASE + "-leader-election"))
        .isPresent();
  }

  @Test
  void clusterScopeWithWatchNamespacesKeepsOneClusterRole() {
    Rendered rendered = HelmRender.withValues("watchNamespaces: [team-a, team-b]");

    assertThat(HelmRender.permissions(rendered.one(ClusterRole.class).getRules()))
        .isEqualTo(OPERATOR_PERMISSIONS);
    assertThat(rendered.envValue("LIMITER_WATCH_NAMESPACES")).isEqualTo("team-a,team-b");
  }

  @Test
  void rbacCreateFalseRendersNoRbac() {
    Rendered rendered = HelmRender.withValues("rbac: {create: false}");

    assertThat(rendered.kinds())
        .doesNotContain("ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding");
  }

  @Test
  void irsaRoleArnAnnotatesTheServiceAccount() {
    Rendered rendered =
        HelmRender.withValues(
            """
            serviceAccount:
              annotations:
                eks.amazonaws.com/role-arn: arn:aws:iam::123456789012:role/limiter-operator
            """);

    assertThat(rendered.one(ServiceAccount.class).getMetadata().getAnnotations())
        .containsExactly(
            Map.entry(
                "eks.amazonaws.com/role-arn", "arn:aws:iam::123456789012:role/limiter-operator"));
  }

  @Test
  void existingServiceAccountIsUsedWithoutCreatingOne() {
    Rendered rendered =
        HelmRender.withValues("serviceAccount: {create: false, name: shared-operators}");

    assertThat(rendered.all(ServiceAccount.class)).isEmpty();
    assertThat(rendered.deployment().getSpec().getTemplate().getSpec().getServiceAccountName())
        .isEqualTo("shared-operators");
    assertThat(rendered.one(ClusterRoleBinding.class).getSubjects())
        .singleElement()
        .satisfies(subject -> assertThat(subject.getName()).isEqualTo("shared-operators"));
  }

  @Test
  void awsRegionAndEndpointBecomeOperatorEnvironment() {
    Rendered rendered =
        HelmRender.withValues(
            """
            aws:
              region: eu-west-1
              endpointUrl: http://dynamodb-local:8000
            """);

    assertThat(rendered.envValue("LIMITER_DEFAULT_REGION")).isEqualTo("eu-west-1");
    assertThat(rendered.envValue("LIMITER_ENDPOINT_URL")).isEqualTo("http://dynamodb-local:8000");
  }

  @Test
  void emptyAwsRegionAndEndpointAreLeftOut() {
    Rendered rendered = HelmRender.withValues("aws: {region: '', endpointUrl: ''}");

    assertThat(rendered.env("LIMITER_DEFAULT_REGION")).isEmpty();
    assertThat(rendered.env("LIMITER_ENDPOINT_URL")).isEmpty();
  }

  @Test
  void tableNamePrefixAndAdoptionGrantsBecomeOperatorEnvironment() {
    Rendered rendered =
        HelmRender.withValues(
            """
            tables:
              namePrefix: prod-
              adopt:
                - {namespace: ops, tables: "prod-legacy-*"}
                - {namespace: "*", tables: prod-shared}
            """);

    assertThat(rendered.envValue("LIMITER_TABLE_NAME_PREFIX")).isEqualTo("prod-");
    assertThat(rendered.envValue("LIMITER_ADOPT")).isEqualTo("ops:prod-legacy-*,*:prod-shared");
  }

  @Test
  void settingsAndExtraEnvironmentFollowTheChartsOwn() {
    Rendered rendered =
        HelmRender.withValues(
            """
            resync: 90s
            jvmOptions: -Xmx300m
            env:
              - {name: AWS_STS_REGIONAL_ENDPOINTS, value: regional}
            """);

    assertThat(rendered.envValue("LIMITER_RESYNC")).isEqualTo("90s");
    assertThat(rendered.envValue("JAVA_TOOL_OPTIONS")).isEqualTo("-Xmx300m");
    assertThat(rendered.operatorContainer().getEnv())
        .extracting(EnvVar::getName)
        .last()
        .isEqualTo("AWS_STS_REGIONAL_ENDPOINTS");
    assertThat(rendered.envValue("AWS_STS_REGIONAL_ENDPOINTS")).isEqualTo("regional");
  }

  @Test
  void imageTagAndPullSettingsOverrideTheDefaults() {
    Rendered rendered =
        HelmRender.withValues(
            """
            image: {repository: registry.example.com/limiter-operator, tag: 0.2.0-rc.1, pullPolicy: Always}
            imagePullSecrets: [{name: regcred}]
            """);

    assertThat(rendered.operatorContainer().getImage())
        .isEqualTo("registry.example.com/limiter-operator:0.2.0-rc.1");
    assertThat(rendered.operatorContainer().getImagePullPolicy()).isEqualTo("Always");
    assertThat(rendered.deployment().getSpec().getTemplate().getSpec().getImagePullSecrets())
        .extracting(secret -> secret.getName())
        .containsExactly("regcred");
  }

  @Test
  void schedulingAndPodMetadataValuesPassThrough() {
    Rendered rendered =
        HelmRender.withValues(
            """
            replicas: 3
            podAnnotations: {example.com/team: platform}
            podLabels: {example.com/tier: control}
            priorityClassName: system-cluster-critical
            nodeSelector: {kubernetes.io/os: linux}
            tolerations: [{key: dedicated, operator: Equal, value: operators, effect: NoSchedule}]
            affinity:
              nodeAffinity:
                requiredDuringSchedulingIgnoredDuringExecution:
                  nodeSelectorTerms:
                    - matchExpressions: [{key: kubernetes.io/arch, operator: In, values: [amd64]}]
            topologySpreadConstraints:
              - {maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: ScheduleAnyway}
            """);
    PodSpec pod = rendered.deployment().getSpec().getTemplate().getSpec();

    assertThat(rendered.deployment().getSpec().getReplicas()).isEqualTo(3);
    assertThat(rendered.deployment().getSpec().getTemplate().getMetadata().getAnnotations())
        .containsEntry("example.com/team", "platform");
    assertThat(rendered.deployment().getSpec().getTemplate().getMetadata().getLabels())
        .containsEntry("example.com/tier", "control")
        .containsEntry("app.kubernetes.io/name", "limiter-operator");
    assertThat(pod.getPriorityClassName()).isEqualTo("system-cluster-critical");
    assertThat(pod.getNodeSelector()).containsExactly(Map.entry("kubernetes.io/os", "linux"));
    assertThat(pod.getTolerations())
        .singleElement()
        .satisfies(t -> assertThat(t.getValue()).isEqualTo("operators"));
    assertThat(
            pod.getAffinity()
                .getNodeAffinity()
                .getRequiredDuringSchedulingIgnoredDuringExecution()
                .getNodeSelectorTerms())
        .hasSize(1);
    assertThat(pod.getTopologySpreadConstraints())
        .singleElement()
        .satisfies(c -> assertThat(c.getTopologyKey()).isEqualTo("topology.kubernetes.io/zone"));
  }

  @Test
  void serviceMonitorScrapesMetricsThroughTheService() {
    Rendered rendered =
        HelmRender.withValues(
            """
            serviceMonitor:
              enabled: true
              interval: 15s
              labels: {release: prometheus}
            """);
    GenericKubernetesResource monitor = serviceMonitor(rendered);
    Service service = rendered.one(Service.class);

    assertThat(monitor.getApiVersion()).isEqualTo("monitoring.coreos.com/v1");
    assertThat(monitor.getMetadata().getNamespace()).isEqualTo(RELEASE_NAMESPACE);
    assertThat(monitor.getMetadata().getLabels()).containsEntry("release", "prometheus");
    Map<String, String> matchLabels = monitor.get("spec", "selector", "matchLabels");
    assertThat(service.getMetadata().getLabels()).containsAllEntriesOf(matchLabels);
    List<Map<String, Object>> endpoints = monitor.get("spec", "endpoints");
    assertThat(endpoints)
        .singleElement()
        .satisfies(
            endpoint ->
                assertThat(endpoint)
                    .containsEntry("port", service.getSpec().getPorts().get(0).getName())
                    .containsEntry("path", "/metrics")
                    .containsEntry("interval", "15s"));
  }

  @Test
  void serviceMonitorBringsItsServiceEvenWhenTheServiceIsDisabled() {
    Rendered rendered =
        HelmRender.withValues(
            """
            service: {enabled: false}
            serviceMonitor: {enabled: true}
            """);

    assertThat(serviceMonitor(rendered)).isNotNull();
    assertThat(rendered.all(Service.class)).hasSize(1);
  }

  @Test
  void serviceDisabledWithoutServiceMonitorRendersNoService() {
    assertThat(HelmRender.withValues("service: {enabled: false}").all(Service.class)).isEmpty();
  }

  @Test
  void podDisruptionBudgetCanBeDisabled() {
    assertThat(
            HelmRender.withValues("podDisruptionBudget: {enabled: false}")
                .all(PodDisruptionBudget.class))
        .isEmpty();
  }

  private static GenericKubernetesResource serviceMonitor(Rendered rendered) {
    List<GenericKubernetesResource> monitors =
        rendered.all(GenericKubernetesResource.class).stream()
            .filter(r -> r.getKind().equals("ServiceMonitor"))
            .toList();
    assertThat(monitors).hasSize(1);
    return monitors.get(0);
  }

  private static void assertOperatorRoleIn(Rendered rendered, String namespace) {
    Role role =
        rendered
            .find(Role.class, namespace, RELEASE)
            .orElseThrow(() -> new AssertionError("no Role in " + namespace));
    RoleBinding binding =
        rendered
            .find(RoleBinding.class, namespace, RELEASE)
            .orElseThrow(() -> new AssertionError("no RoleBinding in " + namespace));

    assertThat(HelmRender.permissions(role.getRules())).isEqualTo(OPERATOR_PERMISSIONS);
    assertThat(binding.getRoleRef().getKind()).isEqualTo("Role");
    assertThat(binding.getRoleRef().getName()).isEqualTo(RELEASE);
    assertThat(binding.getSubjects())
        .singleElement()
        .satisfies(
            subject -> {
              assertThat(subject.getKind()).isEqualTo("ServiceAccount");
              assertThat(subject.getName()).isEqualTo(RELEASE);
              assertThat(subject.getNamespace()).isEqualTo(RELEASE_NAMESPACE);
            });
  }
}
