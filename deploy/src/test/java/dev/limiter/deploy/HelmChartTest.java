package dev.limiter.deploy;

import static dev.limiter.deploy.HelmRender.CHART;
import static dev.limiter.deploy.HelmRender.KUBE_VERSION;
import static dev.limiter.deploy.HelmRender.RELEASE;
import static dev.limiter.deploy.HelmRender.RELEASE_NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The chart as a whole: lint, values schema, Kubernetes version floor, both CRDs, install notes.
 */
class HelmChartTest {

  private static final Path CHART_CRDS = CHART.resolve("crds");

  /** Every optional feature switched away from its default, as a real production install would. */
  private static final String NON_DEFAULT_VALUES =
      """
      rbac:
        scope: Namespace
      watchNamespaces: [team-a, team-b]
      serviceMonitor:
        enabled: true
        labels:
          release: prometheus
      serviceAccount:
        annotations:
          eks.amazonaws.com/role-arn: arn:aws:iam::123456789012:role/limiter-operator
      aws:
        region: eu-west-1
        endpointUrl: http://dynamodb-local:8000
      """;

  @TempDir Path tempDir;

  @Test
  void lintStrictPassesWithDefaultValues() {
    LintResult result = new Helm(CHART).lint().strict().call();

    assertThat(result.isFailed()).as("lint messages: %s", result.getMessages()).isFalse();
    assertThat(result.getMessages())
        .noneMatch(m -> m.contains("[WARNING]") || m.contains("[ERROR]"));
  }

  @Test
  void lintStrictPassesWithNonDefaultValues() throws IOException {
    LintResult result = lintWithValues(NON_DEFAULT_VALUES);

    assertThat(result.isFailed()).as("lint messages: %s", result.getMessages()).isFalse();
    assertThat(result.getMessages())
        .noneMatch(m -> m.contains("[WARNING]") || m.contains("[ERROR]"));
  }

  @Test
  void lintStrictFailsOnValueOutsideTheSchema() throws IOException {
    LintResult result = lintWithValues("rbac: {scope: Everywhere}");

    assertThat(result.isFailed()).isTrue();
    assertThat(String.join("\n", result.getMessages())).contains("/rbac/scope");
  }

  @Test
  void lintStrictFailsOnUnknownTopLevelKey() throws IOException {
    LintResult result = lintWithValues("replica: 3");

    assertThat(result.isFailed()).isTrue();
    assertThat(String.join("\n", result.getMessages())).contains("'replica' not allowed");
  }

  @ParameterizedTest(name = "{0}={1} is refused at {2}")
  @CsvSource(
      quoteCharacter = '"',
      value = {
        "rbac.scope, Everywhere, /rbac/scope",
        "replicas, -1, /replicas",
        "replicas, two, /replicas",
        "image.pullPolicy, Sometimes, /image/pullPolicy",
        "resync, 5 minutes, /resync",
        "tables.namePrefix, prod/, /tables/namePrefix",
        "tables.adopt[0].namespace, Team_A, /tables/adopt/0",
        "serviceMonitor.enabled, maybe, /serviceMonitor/enabled",
        "podDisruptionBudget.maxUnavailable, 0, /podDisruptionBudget/maxUnavailable",
        "replica, 3, 'replica' not allowed",
        "rbac.scpoe, Cluster, 'scpoe' not allowed",
        "serviceAccount.annotaions.a, b, 'annotaions' not allowed"
      })
  void templateRejectsValuesOutsideTheSchema(String key, String value, String expectedInError) {
    assertThatThrownBy(
            () ->
                new Helm(CHART)
                    .template()
                    .withName(RELEASE)
                    .withKubeVersion(KUBE_VERSION)
                    .set(key, value)
                    .call())
        .hasMessageContaining("values don't meet the specifications of the schema")
        .hasMessageContaining(expectedInError);
  }

  @Test
  void templateRefusesKubernetesOlderThan127() {
    assertThatThrownBy(
            () -> new Helm(CHART).template().withName(RELEASE).withKubeVersion("1.26.9").call())
        .hasMessageContaining("kubeVersion")
        .hasMessageContaining(">=1.27.0-0");
  }

  static List<String> generatedCrdFiles() {
    return HelmRender.generatedCrdFiles();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("generatedCrdFiles")
  void chartCrdIsAByteCopyOfTheGeneratedCrd(String file) throws IOException {
    Path copy = CHART_CRDS.resolve(file);

    assertThat(copy)
        .as("%s is missing; copy it: cp crds/%s charts/limiter-operator/crds/", copy, file)
        .isRegularFile();
    assertThat(Files.readAllBytes(copy))
        .as(
            "%s differs from crds/%s; copy it: cp crds/%s charts/limiter-operator/crds/",
            copy, file, file)
        .isEqualTo(Files.readAllBytes(HelmRender.GENERATED_CRDS.resolve(file)));
  }

  @Test
  void chartHasNoCrdBeyondTheGeneratedOnes() {
    assertThat(HelmRender.fileNames(CHART_CRDS))
        .as("helm installs every file in charts/limiter-operator/crds/; remove those not in crds/")
        .containsExactlyElementsOf(HelmRender.generatedCrdFiles());
  }

  /**
   * Helm 3's {@code helm show crds} concatenates the CRD files without a {@code ---} between them
   * (helm/helm#11261), and the generated files start with a comment, not {@code ---}: its output is
   * not one valid YAML stream, so each file is found in it and parsed on its own. {@code helm
   * install} reads the files one by one and is not affected.
   */
  @Test
  void helmInstallsTheCrdOfEveryKindTheOperatorReconciles() throws IOException {
    String shown = new Helm(CHART).show().crds().call();
    List<HasMetadata> crds = new ArrayList<>();
    for (String file : HelmRender.fileNames(CHART_CRDS)) {
      String crd = Files.readString(CHART_CRDS.resolve(file));
      assertThat(shown).as("helm show crds includes %s", file).contains(crd.strip());
      crds.addAll(HelmRender.parse(crd));
    }

    HelmRender.assertTheOperatorsCrds(crds);
  }

  @Test
  void notesTellHowToCheckTheOperatorAndWhereTheIamPolicyIs() {
    String notes =
        new Helm(CHART)
            .install()
            .withName(RELEASE)
            .withNamespace(RELEASE_NAMESPACE)
            .withKubeVersion(KUBE_VERSION)
            .dryRun()
            .clientOnly()
            .call()
            .getOutput();

    assertThat(notes)
        .contains("kubectl get rlt -A")
        .contains("kubectl get eh -A")
        .contains("kubectl -n limiter-system logs deployment/limiter-operator")
        .contains("docs/iam-policy.json")
        .contains("RateLimiterTables and EntityHierarchies in all namespaces");
  }

  /**
   * {@code helm lint --strict} of a copy of the chart whose values.yaml is the defaults overlaid
   * with {@code overridesYaml}: helm lint reads values only from the chart, not from a values file.
   */
  private LintResult lintWithValues(String overridesYaml) throws IOException {
    Path copy = tempDir.resolve("limiter-operator");
    copyTree(CHART, copy);
    Map<String, Object> values =
        HelmRender.parseMap(Files.readString(CHART.resolve("values.yaml")));
    Files.writeString(
        copy.resolve("values.yaml"),
        HelmRender.toYaml(merge(values, HelmRender.parseMap(overridesYaml))));
    return new Helm(copy).lint().strict().call();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> merge(
      Map<String, Object> base, Map<String, Object> overrides) {
    Map<String, Object> merged = new LinkedHashMap<>(base);
    overrides.forEach(
        (key, value) ->
            merged.merge(
                key,
                value,
                (old, replacement) ->
                    old instanceof Map && replacement instanceof Map
                        ? merge((Map<String, Object>) old, (Map<String, Object>) replacement)
                        : replacement));
    return merged;
  }

  private static void copyTree(Path source, Path target) throws IOException {
    try (Stream<Path> paths = Files.walk(source)) {
      for (Path path : paths.toList()) {
        Path destination = target.resolve(source.relativize(path).toString());
        if (Files.isDirectory(path)) {
          Files.createDirectories(destination);
        } else {
          Files.copy(path, destination);
        }
      }
    }
  }
}
