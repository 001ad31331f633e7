package dev.limiter.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.limiter.deploy.HelmRender.Permission;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The kustomize bases under {@code config/} as {@code kubectl kustomize} renders them: that {@code
 * config/default} installs both CRDs, least-privilege RBAC and a restricted, probed Deployment in
 * {@code limiter-system} (the same contract as the Helm chart), that the samples and CRD bases
 * build, and that {@code config/crd/bases/} holds byte copies of {@code crds/}, since kustomize
 * cannot read outside its root.
 *
 * <p>No API server runs here, so only the rendered manifests are checked, not their admission.
 * kubectl comes from {@code KUBECTL} or the {@code PATH}; without one the rendering tests are
 * skipped and say so, while the byte comparison of the CRD copies always runs.
 */
class KustomizeTest {

  private static final Path CONFIG = Path.of("../config");
  private static final String NAMESPACE = "limiter-system";
  private static final String NAME = "limiter-operator";
  private static final Path CRD_BASES = CONFIG.resolve("crd/bases");
  private static final String IMAGE = "ghcr.io/limiter-dev/limiter-operator";
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private static final Set<String> KINDS = Set.of("ratelimitertables", "entityhierarchies");

  /**
   * What config/rbac/limiter_editor_role.yaml lets namespace admins and editors do: all but write
   * status.
   */
  private static final Set<Permission> EDITOR_PERMISSIONS =
      KINDS.stream()
          .flatMap(
              plural ->
                  Stream.of(
                      new Permission(
                          "limiter.dev",
                          plural,
                          Set.of(
                              "get",
                              "list",
                              "watch",
                              "create",
                              "update",
                              "patch",
                              "delete",
                              "deletecollection")),
                      new Permission("limiter.dev", plural + "/status", Set.of("get"))))
          .collect(Collectors.toSet());

  /** What config/rbac/limiter_viewer_role.yaml lets namespace viewers do: read, status included. */
  private static final Set<Permission> VIEWER_PERMISSIONS =
      KINDS.stream()
          .flatMap(plural -> Stream.of(plural, plural + "/status"))
          .map(resource -> new Permission("limiter.dev", resource, Set.of("get", "list", "watch")))
          .collect(Collectors.toSet());

  static List<String> generatedCrdFiles() {
    return HelmRender.generatedCrdFiles();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("generatedCrdFiles")
  void crdBaseIsAByteCopyOfTheGeneratedCrd(String file) throws IOException {
    Path copy = CRD_BASES.resolve(file);

    assertThat(copy)
        .as("config/crd/bases/%s is missing: copy crds/%s to config/crd/bases/", file, file)
        .isRegularFile();
    assertThat(Files.readAllBytes(copy))
        .as(
            "config/crd/bases/%s differs from crds/%s: copy crds/%s to config/crd/bases/",
            file, file, file)
        .isEqualTo(Files.readAllBytes(HelmRender.GENERATED_CRDS.resolve(file)));
  }

  @Test
  void crdBasesHoldNothingButTheGeneratedCrds() {
    assertThat(HelmRender.fileNames(CRD_BASES))
        .as("config/crd/bases/ must hold exactly the files of crds/")
        .containsExactlyElementsOf(HelmRender.generatedCrdFiles());
  }

  @Test
  void crdBaseRendersEveryCrdProtectedFromArgoCdPruning() {
    List<HasMetadata> rendered = kustomize("crd");

    HelmRender.assertTheOperatorsCrds(rendered);
    assertThat(rendered)
        .allSatisfy(
            crd ->
                assertThat(crd.getMetadata().getAnnotations())
                    .as("annotations of %s", crd.getMetadata().getName())
                    .containsEntry("argocd.argoproj.io/sync-options", "Prune=false,Delete=false"));
  }

  @Test
  void defaultInstallsExactlyTheOperatorAndNoSamples() {
    assertThat(kustomize("default"))
        .extracting(HasMetadata::getKind, resource -> resource.getMetadata().getName())
        .containsExactlyInAnyOrder(
            tuple("Namespace", NAMESPACE),
            tuple("CustomResourceDefinition", "ratelimitertables.limiter.dev"),
            tuple("CustomResourceDefinition", "entityhierarchies.limiter.dev"),
            tuple("ServiceAccount", NAME),
            tuple("ClusterRole", NAME),
            tuple("ClusterRoleBinding", NAME),
            tuple("ClusterRole", NAME + "-editor"),
            tuple("ClusterRole", NAME + "-viewer"),
            tuple("Role", NAME + "-leader-election"),
            tuple("RoleBinding", NAME + "-leader-election"),
            tuple("Deployment", NAME),
            tuple("Service", NAME + "-metrics"),
            tuple("PodDisruptionBudget", NAME));
  }

  @Test
  void everythingNamespacedIsInLimiterSystemAndPartOfTheOperator() {
    List<HasMetadata> rendered = kustomize("default");

    assertThat(rendered)
        .filteredOn(KustomizeTest::namespaced)
        .isNotEmpty()
        .allSatisfy(
            resource ->
                assertThat(resource.getMetadata().getNamespace())
                    .as("%s %s", resource.getKind(), resource.getMetadata().getName())
                    .isEqualTo(NAMESPACE));
    assertThat(rendered)
        .filteredOn(resource -> !namespaced(resource))
        .allSatisfy(resource -> assertThat(resource.getMetadata().getNamespace()).isNull());
    assertThat(rendered)
        .allSatisfy(
            resource ->
                assertThat(resource.getMetadata().getLabels())
                    .as("labels of %s %s", resource.getKind(), resource.getMetadata().getName())
                    .containsEntry("app.kubernetes.io/part-of", NAME));
  }

  @Test
  void clusterRoleGrantsExactlyWhatTheOperatorUses() {
    ClusterRole role = named(kustomize("default"), ClusterRole.class, NAME);

    assertThat(HelmRender.permissions(role.getRules()))
        .as("the chart's contract, HelmRender.OPERATOR_PERMISSIONS")
        .isEqualTo(HelmRender.OPERATOR_PERMISSIONS);
    assertThat(role.getRules())
        .allSatisfy(
            rule -> {
              assertThat(rule.getResourceNames()).isNullOrEmpty();
              assertThat(rule.getNonResourceURLs()).isNullOrEmpty();
            });
    assertThat(role.getAggregationRule()).isNull();
  }

  @Test
  void clusterRoleIsBoundToTheOperatorServiceAccount() {
    List<HasMetadata> rendered = kustomize("default");
    ClusterRoleBinding binding = named(rendered, ClusterRoleBinding.class, NAME);
    ServiceAccount account = named(rendered, ServiceAccount.class, NAME);

    assertThat(binding.getRoleRef().getKind()).isEqualTo("ClusterRole");
    assertThat(binding.getRoleRef().getName()).isEqualTo(NAME);
    assertThat(binding.getSubjects())
        .singleElement()
        .satisfies(
            subject -> {
              assertThat(subject.getKind()).isEqualTo("ServiceAccount");
              assertThat(subject.getName()).isEqualTo(account.getMetadata().getName());
              assertThat(subject.getNamespace()).isEqualTo(NAMESPACE);
            });
  }

  @Test
  void leaderElectionRoleCoversOnlyLeasesInLimiterSystem() {
    List<HasMetadata> rendered = kustomize("default");
    Role role = named(rendered, Role.class, NAME + "-leader-election");
    RoleBinding binding = named(rendered, RoleBinding.class, NAME + "-leader-election");

    assertThat(role.getMetadata().getNamespace()).isEqualTo(NAMESPACE);
    assertThat(HelmRender.permissions(role.getRules()))
        .containsExactly(
            new Permission(
                "coordination.k8s.io", "leases", Set.of("get", "create", "update", "patch")));
    assertThat(binding.getRoleRef().getKind()).isEqualTo("Role");
    assertThat(binding.getRoleRef().getName()).isEqualTo(role.getMetadata().getName());
    assertThat(binding.getSubjects())
        .singleElement()
        .satisfies(
            subject -> {
              assertThat(subject.getName()).isEqualTo(NAME);
              assertThat(subject.getNamespace()).isEqualTo(NAMESPACE);
            });
  }

  @Test
  void userRolesAggregateIntoTheBuiltInRoles() {
    List<HasMetadata> rendered = kustomize("default");
    ClusterRole editor = named(rendered, ClusterRole.class, NAME + "-editor");
    ClusterRole viewer = named(rendered, ClusterRole.class, NAME + "-viewer");

    assertThat(editor.getMetadata().getLabels())
        .containsEntry("rbac.authorization.k8s.io/aggregate-to-admin", "true")
        .containsEntry("rbac.authorization.k8s.io/aggregate-to-edit", "true")
        .doesNotContainKey("rbac.authorization.k8s.io/aggregate-to-view");
    assertThat(HelmRender.permissions(editor.getRules())).isEqualTo(EDITOR_PERMISSIONS);
    assertThat(viewer.getMetadata().getLabels())
        .containsEntry("rbac.authorization.k8s.io/aggregate-to-view", "true")
        .doesNotContainKey("rbac.authorization.k8s.io/aggregate-to-admin")
        .doesNotContainKey("rbac.authorization.k8s.io/aggregate-to-edit");
    assertThat(HelmRender.permissions(viewer.getRules())).isEqualTo(VIEWER_PERMISSIONS);
    assertThat(Stream.of(editor, viewer))
        .allSatisfy(
            role ->
                assertThat(role.getRules())
                    .allSatisfy(
                        rule -> {
                          assertThat(rule.getResourceNames()).isNullOrEmpty();
                          assertThat(rule.getNonResourceURLs()).isNullOrEmpty();
                        }));
  }

  @Test
  void noRuleUsesAWildcard() {
    Stream<PolicyRule> rules =
        kustomize("default").stream()
            .flatMap(
                resource -> {
                  if (resource instanceof ClusterRole role) {
                    return role.getRules().stream();
                  }
                  return resource instanceof Role role ? role.getRules().stream() : Stream.empty();
                });

    assertThat(rules.toList())
        .hasSizeGreaterThan(6)
        .allSatisfy(
            rule -> {
              assertThat(rule.getApiGroups()).doesNotContain("*");
              assertThat(rule.getResources()).noneMatch(resource -> resource.contains("*"));
              assertThat(rule.getVerbs()).doesNotContain("*");
            });
  }

  @Test
  void deploymentRunsTwoRestrictedReplicasOfTheOperator() {
    Deployment deployment = named(kustomize("default"), Deployment.class, NAME);
    PodSpec pod = deployment.getSpec().getTemplate().getSpec();
    Container container = operatorContainer(deployment);

    assertThat(deployment.getMetadata().getNamespace()).isEqualTo(NAMESPACE);
    assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
    assertThat(pod.getServiceAccountName()).isEqualTo(NAME);
    assertThat(container.getImage()).isEqualTo(IMAGE + ":0.1.0");
    assertThat(container.getCommand()).isNullOrEmpty();
    assertThat(container.getPorts())
        .singleElement()
        .satisfies(
            port -> {
              assertThat(port.getName()).isEqualTo("http");
              assertThat(port.getContainerPort()).isEqualTo(8080);
            });
    assertThat(container.getResources().getRequests())
        .containsEntry("cpu", new Quantity("100m"))
        .containsEntry("memory", new Quantity("256Mi"));
    assertThat(container.getResources().getLimits())
        .containsOnly(Map.entry("memory", new Quantity("512Mi")));
  }

  @Test
  void deploymentMeetsTheRestrictedPodSecurityStandard() {
    Deployment deployment = named(kustomize("default"), Deployment.class, NAME);
    PodSpec pod = deployment.getSpec().getTemplate().getSpec();
    PodSecurityContext podSecurity = pod.getSecurityContext();
    SecurityContext containerSecurity = operatorContainer(deployment).getSecurityContext();

    assertThat(podSecurity.getRunAsNonRoot()).isTrue();
    assertThat(podSecurity.getRunAsUser()).isEqualTo(65532L);
    assertThat(podSecurity.getRunAsGroup()).isEqualTo(65532L);
    assertThat(podSecurity.getFsGroup()).isEqualTo(65532L);
    assertThat(podSecurity.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(containerSecurity.getAllowPrivilegeEscalation()).isFalse();
    assertThat(containerSecurity.getReadOnlyRootFilesystem()).isTrue();
    assertThat(containerSecurity.getPrivileged()).isNotEqualTo(Boolean.TRUE);
    assertThat(containerSecurity.getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(containerSecurity.getCapabilities().getAdd()).isNullOrEmpty();
    assertThat(operatorContainer(deployment).getVolumeMounts())
        .singleElement()
        .satisfies(mount -> assertThat(mount.getMountPath()).isEqualTo("/tmp"));
    assertThat(pod.getVolumes())
        .singleElement()
        .satisfies(volume -> assertThat(volume.getEmptyDir()).isNotNull());
  }

  @Test
  void deploymentProbesTheOperatorsHealthEndpoints() {
    Container container = operatorContainer(named(kustomize("default"), Deployment.class, NAME));

    assertProbe(container.getStartupProbe(), "/healthz");
    assertProbe(container.getLivenessProbe(), "/healthz");
    assertProbe(container.getReadinessProbe(), "/readyz");
  }

  @Test
  void deploymentConfiguresTheOperatorThroughItsEnvironment() {
    List<EnvVar> env =
        operatorContainer(named(kustomize("default"), Deployment.class, NAME)).getEnv();

    assertThat(env)
        .extracting(EnvVar::getName)
        .containsExactly(
            "POD_NAMESPACE", "LIMITER_DEFAULT_REGION", "LIMITER_RESYNC", "JAVA_TOOL_OPTIONS");
    assertThat(env.get(0).getValueFrom().getFieldRef().getFieldPath())
        .isEqualTo("metadata.namespace");
    assertThat(env.subList(1, 4))
        .extracting(EnvVar::getValue)
        .containsExactly("us-east-1", "5m", "-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError");
  }

  @Test
  void serviceAndDisruptionBudgetSelectTheOperatorPods() {
    List<HasMetadata> rendered = kustomize("default");
    Deployment deployment = named(rendered, Deployment.class, NAME);
    Map<String, String> podLabels = deployment.getSpec().getTemplate().getMetadata().getLabels();
    Service service = named(rendered, Service.class, NAME + "-metrics");
    PodDisruptionBudget budget = named(rendered, PodDisruptionBudget.class, NAME);

    assertThat(deployment.getSpec().getSelector().getMatchLabels())
        .isNotEmpty()
        .doesNotContainKey("app.kubernetes.io/part-of");
    assertThat(podLabels).containsAllEntriesOf(deployment.getSpec().getSelector().getMatchLabels());
    assertThat(service.getSpec().getType()).isEqualTo("ClusterIP");
    assertThat(podLabels).containsAllEntriesOf(service.getSpec().getSelector());
    assertThat(service.getSpec().getPorts())
        .singleElement()
        .satisfies(
            port -> {
              assertThat(port.getName()).isEqualTo("http");
              assertThat(port.getPort()).isEqualTo(8080);
              assertThat(port.getTargetPort()).isEqualTo(new IntOrString("http"));
            });
    assertThat(budget.getSpec().getMaxUnavailable()).isEqualTo(new IntOrString(1));
    assertThat(podLabels).containsAllEntriesOf(budget.getSpec().getSelector().getMatchLabels());
  }

  @Test
  void defaultLetsUsersOverrideTheImage() throws IOException {
    Map<?, ?> kustomization =
        SERIALIZATION.unmarshal(
            Files.readString(CONFIG.resolve("default/kustomization.yaml")), Map.class);

    assertThat((List<?>) kustomization.get("images"))
        .singleElement()
        .satisfies(image -> assertThat(((Map<?, ?>) image).get("name")).isEqualTo(IMAGE));
  }

  @Test
  void samplesBuildIntoTheTwoRateLimiterTablesAndTheEntityHierarchy() {
    List<HasMetadata> rendered = kustomize("samples");

    assertThat(rendered)
        .extracting(
            HasMetadata::getKind,
            resource -> resource.getMetadata().getNamespace(),
            resource -> resource.getMetadata().getName())
        .containsExactlyInAnyOrder(
            tuple("RateLimiterTable", "team-b", "api-limits"),
            tuple("RateLimiterTable", "team-a", "llm-limits"),
            tuple("EntityHierarchy", "team-a", "llm-tenants"));
    assertThat(rendered)
        .allSatisfy(
            resource ->
                assertThat(resource.getMetadata().getAnnotations())
                    .as(
                        "annotations of %s %s",
                        resource.getKind(), resource.getMetadata().getName())
                    .containsEntry(
                        "argocd.argoproj.io/sync-options",
                        "SkipDryRunOnMissingResource=true,Delete=false"));
  }

  @Test
  void sampleEntityHierarchyReferencesASampleRateLimiterTableInItsNamespace() {
    List<HasMetadata> rendered = kustomize("samples");
    GenericKubernetesResource hierarchy =
        rendered.stream()
            .filter(resource -> resource.getKind().equals("EntityHierarchy"))
            .map(GenericKubernetesResource.class::cast)
            .findFirst()
            .orElseThrow(() -> new AssertionError("no EntityHierarchy among the samples"));

    assertThat(rendered)
        .filteredOn(resource -> resource.getKind().equals("RateLimiterTable"))
        .extracting(
            resource -> resource.getMetadata().getNamespace(),
            resource -> resource.getMetadata().getName())
        .contains(
            tuple(
                hierarchy.getMetadata().getNamespace(), hierarchy.get("spec", "tableRef", "name")));
  }

  @Test
  void argoCdApplicationsInstallTheKustomizeBases() throws IOException {
    GenericKubernetesResource operator = application("application.yaml");
    GenericKubernetesResource samples = application("application-samples.yaml");

    assertThat((String) operator.get("spec", "source", "path")).isEqualTo("config/default");
    assertThat((String) operator.get("spec", "destination", "namespace")).isEqualTo(NAMESPACE);
    assertThat((List<String>) operator.get("spec", "syncPolicy", "syncOptions"))
        .contains("ServerSideApply=true", "CreateNamespace=true");
    assertThat((String) samples.get("spec", "source", "path")).isEqualTo("config/samples");
    assertThat((Boolean) samples.get("spec", "syncPolicy", "automated", "prune")).isFalse();
    assertThat(Stream.of(operator, samples))
        .allSatisfy(
            application -> {
              Path source = Path.of("..", (String) application.get("spec", "source", "path"));
              assertThat(Stream.of("kustomization.yaml", "Kustomization").map(source::resolve))
                  .as("a kustomization in %s", source)
                  .anyMatch(Files::isRegularFile);
            });
  }

  private static void assertProbe(Probe probe, String path) {
    assertThat(probe).as("probe on %s", path).isNotNull();
    assertThat(probe.getHttpGet().getPath()).isEqualTo(path);
    assertThat(probe.getHttpGet().getPort()).isEqualTo(new IntOrString("http"));
  }

  private static Container operatorContainer(Deployment deployment) {
    return deployment.getSpec().getTemplate().getSpec().getContainers().stream()
        .filter(container -> container.getName().equals("operator"))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no container named operator"));
  }

  private static boolean namespaced(HasMetadata resource) {
    return !List.of("Namespace", "CustomResourceDefinition", "ClusterRole", "ClusterRoleBinding")
        .contains(resource.getKind());
  }

  private static <T extends HasMetadata> T named(
      List<HasMetadata> resources, Class<T> type, String name) {
    return resources.stream()
        .filter(type::isInstance)
        .map(type::cast)
        .filter(resource -> resource.getMetadata().getName().equals(name))
        .findFirst()
        .orElseThrow(
            () -> new AssertionError("no " + type.getSimpleName() + " " + name + " in the output"));
  }

  private static GenericKubernetesResource application(String file) throws IOException {
    GenericKubernetesResource application =
        SERIALIZATION.unmarshal(
            Files.readString(CONFIG.resolve("argocd").resolve(file)),
            GenericKubernetesResource.class);
    assertThat(application.getKind()).isEqualTo("Application");
    return application;
  }

  /**
   * {@code kubectl kustomize ../config/<directory>}, parsed; skips the test when there is no
   * kubectl.
   */
  private static List<HasMetadata> kustomize(String directory) {
    Path kubectl = kubectl().orElse(null);
    Assumptions.assumeTrue(
        kubectl != null,
        "kubectl not found (set KUBECTL or put kubectl on the PATH): the kustomize bases were not"
            + " rendered");
    String output = run(kubectl.toString(), "kustomize", CONFIG.resolve(directory).toString());
    Object parsed = SERIALIZATION.unmarshal(output);
    if (parsed instanceof List<?> list) {
      return list.stream().map(HasMetadata.class::cast).toList();
    }
    return List.of((HasMetadata) parsed);
  }

  private static Optional<Path> kubectl() {
    String configured = System.getenv("KUBECTL");
    if (configured != null && !configured.isBlank()) {
      Path path = Path.of(configured);
      assertThat(Files.isExecutable(path))
          .as("KUBECTL=%s is not an executable file", configured)
          .isTrue();
      return Optional.of(path);
    }
    String searchPath = Optional.ofNullable(System.getenv("PATH")).orElse("");
    return Stream.of(searchPath.split(File.pathSeparator))
        .filter(directory -> !directory.isBlank())
        .map(directory -> Path.of(directory, "kubectl"))
        .filter(Files::isExecutable)
        .findFirst();
  }

  private static String run(String... command) {
    try {
      Process process = new ProcessBuilder(command).start();
      CompletableFuture<String> errors =
          CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
      String output = read(process.getInputStream());
      assertThat(process.waitFor(2, TimeUnit.MINUTES))
          .as("%s finished", String.join(" ", command))
          .isTrue();
      assertThat(process.exitValue())
          .as("exit code of %s; stderr: %s", String.join(" ", command), errors.join())
          .isZero();
      return output;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String read(InputStream in) {
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
