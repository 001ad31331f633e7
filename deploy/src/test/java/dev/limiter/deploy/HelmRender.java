package dev.limiter.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Renders the chart with helm-java (no cluster, no helm binary) and reads the result with fabric8.
 */
final class HelmRender {

  /** The chart, relative to the deploy module (Maven's working directory for tests). */
  static final Path CHART = Path.of("../charts/limiter-operator");

  static final String RELEASE = "limiter-operator";
  static final String RELEASE_NAMESPACE = "limiter-system";

  /** helm-java's client-only default is Kubernetes 1.20, below the chart's kubeVersion floor. */
  static final String KUBE_VERSION = "1.30.0";

  /**
   * The operator's permissions on watched namespaces, as the contract states them: both kinds it
   * reconciles, the ConfigMaps it publishes, its events. The chart's ClusterRole or Roles and the
   * ClusterRole of {@code config/rbac} must grant exactly these.
   */
  static final Set<Permission> OPERATOR_PERMISSIONS =
      Set.of(
          // Each one needed: the operator module's RbacApiServerIT takes each away on a real API
          // server and names the step that fails.
          new Permission(
              "limiter.dev", "ratelimitertables", Set.of("get", "list", "watch", "patch")),
          // update: the billing-switch intent is written locked on the version the pass read
          new Permission("limiter.dev", "ratelimitertables/status", Set.of("patch", "update")),
          new Permission("limiter.dev", "ratelimitertables/finalizers", Set.of("update")),
          new Permission(
              "limiter.dev", "entityhierarchies", Set.of("get", "list", "watch", "patch")),
          new Permission("limiter.dev", "entityhierarchies/status", Set.of("patch")),
          // Read, create and update its own ConfigMap: no watch (no informer on ConfigMaps), no
          // delete (garbage collection does it).
          new Permission("", "configmaps", Set.of("get", "create", "update")),
          new Permission("", "events", Set.of("create", "patch")));

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private HelmRender() {}

  /** The CustomResourceDefinitions every install brings, one per kind the operator reconciles. */
  static final List<CrdNames> CRDS =
      List.of(
          new CrdNames(
              "ratelimitertables.limiter.dev", "RateLimiterTable", "ratelimitertables", "rlt"),
          new CrdNames(
              "entityhierarchies.limiter.dev", "EntityHierarchy", "entityhierarchies", "eh"));

  /**
   * The generated CRDs, {@code crds/} at the root of the project, that the chart and kustomize
   * copy.
   */
  static final Path GENERATED_CRDS = Path.of("../crds");

  /** One verb set granted on one resource of one API group. */
  record Permission(String apiGroup, String resource, Set<String> verbs) {}

  /** How a CRD of group limiter.dev names its kind. */
  record CrdNames(String name, String kind, String plural, String shortName) {}

  /** File names of the generated CRDs, sorted. */
  static List<String> generatedCrdFiles() {
    return fileNames(GENERATED_CRDS);
  }

  /** Names of the regular files in {@code directory}, sorted. */
  static List<String> fileNames(Path directory) {
    try (Stream<Path> files = Files.list(directory)) {
      return files
          .filter(Files::isRegularFile)
          .map(file -> file.getFileName().toString())
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Asserts that {@code crds} are exactly {@link #CRDS}: namespaced, group limiter.dev, serving
   * v1alpha1.
   */
  static void assertTheOperatorsCrds(List<HasMetadata> crds) {
    assertThat(crds)
        .allSatisfy(crd -> assertThat(crd).isInstanceOf(CustomResourceDefinition.class));
    assertThat(crds)
        .map(CustomResourceDefinition.class::cast)
        .map(
            crd ->
                new CrdNames(
                    crd.getMetadata().getName(),
                    crd.getSpec().getNames().getKind(),
                    crd.getSpec().getNames().getPlural(),
                    String.join(",", crd.getSpec().getNames().getShortNames())))
        .containsExactlyInAnyOrderElementsOf(CRDS);
    assertThat(crds)
        .map(CustomResourceDefinition.class::cast)
        .allSatisfy(
            crd -> {
              assertThat(crd.getSpec().getGroup()).isEqualTo("limiter.dev");
              assertThat(crd.getSpec().getScope()).isEqualTo("Namespaced");
              assertThat(crd.getSpec().getVersions())
                  .extracting(v -> v.getName())
                  .contains("v1alpha1");
            });
  }

  /** {@code helm template} of the chart with default values. */
  static Rendered defaults() {
    return withValues("{}");
  }

  /**
   * {@code helm template} of the chart with {@code valuesYaml} as a values file over the defaults.
   */
  static Rendered withValues(String valuesYaml) {
    Path values = writeTemp(valuesYaml);
    try {
      String manifest =
          new Helm(CHART)
              .template()
              .withName(RELEASE)
              .withNamespace(RELEASE_NAMESPACE)
              .withKubeVersion(KUBE_VERSION)
              .withValuesFile(values)
              .call();
      return new Rendered(parse(manifest));
    } finally {
      delete(values);
    }
  }

  /** Every document of a multi-document YAML stream, typed when fabric8 knows the kind. */
  static List<HasMetadata> parse(String yaml) {
    Object parsed = SERIALIZATION.unmarshal(yaml);
    List<?> documents = parsed instanceof List<?> list ? list : List.of(parsed);
    return documents.stream().filter(Objects::nonNull).map(HasMetadata.class::cast).toList();
  }

  /** A YAML or JSON document as a plain map. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> parseMap(String yaml) {
    return SERIALIZATION.unmarshal(yaml, Map.class);
  }

  static String toYaml(Object value) {
    return SERIALIZATION.asYaml(value);
  }

  /**
   * Rules flattened to one permission per (API group, resource), so rule grouping does not matter.
   */
  static Set<Permission> permissions(List<PolicyRule> rules) {
    Set<Permission> permissions = new HashSet<>();
    for (PolicyRule rule : rules) {
      for (String group : rule.getApiGroups()) {
        for (String resource : rule.getResources()) {
          permissions.add(new Permission(group, resource, Set.copyOf(rule.getVerbs())));
        }
      }
    }
    return permissions;
  }

  private static Path writeTemp(String content) {
    try {
      Path file = Files.createTempFile("limiter-operator-values", ".yaml");
      Files.writeString(file, content);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void delete(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The objects of one render. */
  record Rendered(List<HasMetadata> objects) {

    <T extends HasMetadata> List<T> all(Class<T> type) {
      return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    /** The only object of {@code type}; fails when there is none or more than one. */
    <T extends HasMetadata> T one(Class<T> type) {
      List<T> found = all(type);
      assertThat(found).as("rendered %s objects", type.getSimpleName()).hasSize(1);
      return found.get(0);
    }

    <T extends HasMetadata> Optional<T> find(Class<T> type, String namespace, String name) {
      return all(type).stream()
          .filter(
              o ->
                  Objects.equals(o.getMetadata().getNamespace(), namespace)
                      && o.getMetadata().getName().equals(name))
          .findFirst();
    }

    Set<String> kinds() {
      return objects.stream().map(HasMetadata::getKind).collect(Collectors.toSet());
    }

    Deployment deployment() {
      return one(Deployment.class);
    }

    Container operatorContainer() {
      List<Container> containers = deployment().getSpec().getTemplate().getSpec().getContainers();
      assertThat(containers).extracting(Container::getName).containsExactly("operator");
      return containers.get(0);
    }

    Optional<EnvVar> env(String name) {
      return operatorContainer().getEnv().stream()
          .filter(e -> e.getName().equals(name))
          .findFirst();
    }

    /** The value of a plain (not valueFrom) environment variable, which must be present. */
    String envValue(String name) {
      return env(name).orElseThrow(() -> new AssertionError("no env " + name)).getValue();
    }

    Stream<PolicyRule> allRbacRules() {
      return Stream.concat(
          all(ClusterRole.class).stream().flatMap(r -> r.getRules().stream()),
          all(Role.class).stream().flatMap(r -> r.getRules().stream()));
    }
  }
}
