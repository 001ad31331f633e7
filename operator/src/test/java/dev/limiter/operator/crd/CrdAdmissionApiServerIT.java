package dev.limiter.operator.crd;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.limiter.operator.apiserver.ApiServerWithCrds;
import dev.limiter.operator.apiserver.RealAdmission;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The CRD validation tests' cases, sent to a real kube-apiserver 1.34 with the CRDs of {@code
 * crds/}: every resource they expect refused is refused by the real server at the field they name,
 * every one they expect admitted is admitted, and the emulation those tests run on ({@link
 * CrdValidator}) agrees with the real server on each: the same verdict, and a refusal at the same
 * fields.
 */
class CrdAdmissionApiServerIT {

  private static final Path TABLE_CRD = Path.of("../crds/ratelimitertables.limiter.dev-v1.yml");
  private static final Path HIERARCHY_CRD = Path.of("../crds/entityhierarchies.limiter.dev-v1.yml");
  private static RealAdmission realServer;
  private static CrdValidator tableSchema;
  private static CrdValidator hierarchySchema;

  @BeforeAll
  static void start() throws IOException {
    realServer = new RealAdmission(ApiServerWithCrds.server().adminClient());
    tableSchema = CrdValidator.load(TABLE_CRD, "v1alpha1");
    hierarchySchema = CrdValidator.load(HIERARCHY_CRD, "v1alpha1");
  }

  static Stream<AdmissionCase> refused() throws IOException {
    Stream<AdmissionCase> everyRule =
        Stream.concat(
                SchemaViolations.of(TABLE_CRD, OperatorChecksEverySchemaRuleTest.tableBases())
                    .stream(),
                SchemaViolations.of(
                    HIERARCHY_CRD, OperatorChecksEverySchemaRuleTest.hierarchyBases())
                    .stream())
            .map(
                broken ->
                    new AdmissionCase(
                        "every rule: " + broken,
                        broken.resource(),
                        broken.stored(),
                        broken.refusedAt()));
    return Stream.of(
            RateLimiterTableCrdValidationTest.refused(),
            EntityHierarchyCrdValidationTest.refused(),
            everyRule)
        .flatMap(cases -> cases);
  }

  static Stream<AdmissionCase> admitted() throws IOException {
    Stream<AdmissionCase> bases =
        Stream.concat(
                OperatorChecksEverySchemaRuleTest.tableBases().stream(),
                OperatorChecksEverySchemaRuleTest.hierarchyBases().stream())
            .map(
                base ->
                    new AdmissionCase(
                        "base " + base.path("metadata").path("name").asText(), base, null, null));
    try (Stream<Path> files = Files.list(Path.of("../config/samples"))) {
      List<AdmissionCase> samples =
          files
              .filter(file -> file.toString().endsWith(".yaml"))
              .sorted()
              .map(
                  file -> new AdmissionCase("sample " + file.getFileName(), read(file), null, null))
              .toList();
      return Stream.of(
              RateLimiterTableCrdValidationTest.admitted(),
              EntityHierarchyCrdValidationTest.admitted(),
              bases,
              samples.stream())
          .flatMap(cases -> cases);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refused")
  void refusedByTheRealServerAtTheFieldAndByTheEmulationAtTheSameFields(AdmissionCase refused) {
    List<String> real = send(refused);
    List<String> emulated = emulation(refused).validateUpdate(refused.resource(), refused.stored());

    assertThat(real)
        .as("%s: the real server's refusals", refused)
        .anySatisfy(error -> assertThat(error).startsWith(refused.field()));
    assertThat(fields(emulated))
        .as("%s: fields the emulation refuses %s, the real server %s", refused, emulated, real)
        .isEqualTo(fields(real));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("admitted")
  void admittedByTheRealServerAndByTheEmulation(AdmissionCase admitted) {
    assertThat(send(admitted)).as("%s: the real server's refusals", admitted).isEmpty();
    assertThat(emulation(admitted).validateUpdate(admitted.resource(), admitted.stored()))
        .as("%s: the emulation's", admitted)
        .isEmpty();
  }

  private static List<String> send(AdmissionCase sent) {
    return sent.stored() == null
        ? realServer.create(sent.resource())
        : realServer.update(sent.resource(), sent.stored());
  }

  private static CrdValidator emulation(AdmissionCase sent) {
    return sent.resource().path("kind").asText().equals("RateLimiterTable")
        ? tableSchema
        : hierarchySchema;
  }

  /**
   * The fields errors name: what precedes the first {@code ": "}; without the real server's note,
   * at no field, that it skipped the CEL rules of an object its schema refuses.
   */
  private static Set<String> fields(List<String> errors) {
    Set<String> fields = new TreeSet<>();
    errors.stream()
        .filter(error -> !error.startsWith(RealAdmission.RULES_NOT_CHECKED))
        .forEach(
            error ->
                fields.add(error.contains(": ") ? error.substring(0, error.indexOf(": ")) : error));
    return fields;
  }

  private static JsonNode read(Path file) {
    try {
      return CrdValidator.readYaml(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
