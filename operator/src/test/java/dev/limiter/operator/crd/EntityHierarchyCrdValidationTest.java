package dev.limiter.operator.crd;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.limiter.operator.api.EntityHierarchy;
import dev.limiter.operator.plan.hierarchy.DesiredHierarchy;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The EntityHierarchy samples pass the generated CRD's schema and resolve without problems; the
 * schema refuses what it can express (ids, names, periods, bounds, required fields). Cross-field
 * rules are the operator's (DesiredHierarchyTest).
 */
class EntityHierarchyCrdValidationTest {

  private static final Path CRD = Path.of("../crds/entityhierarchies.limiter.dev-v1.yml");
  private static CrdValidator validator;

  @BeforeAll
  static void loadCrd() throws IOException {
    validator = CrdValidator.load(CRD, "v1alpha1");
  }

  static List<Path> samples() throws IOException {
    try (Stream<Path> files = Files.list(Path.of("../config/samples"))) {
      return files
          .filter(f -> f.getFileName().toString().startsWith("entityhierarchy-"))
          .sorted()
          .toList();
    }
  }

  @ParameterizedTest
  @MethodSource("samples")
  void sampleIsValidAndResolves(Path sample) throws IOException {
    assertThat(validator.validate(CrdValidator.readYaml(sample))).isEmpty();
    EntityHierarchy hierarchy =
        Serialization.unmarshal(Files.readString(sample), EntityHierarchy.class);
    assertThat(DesiredHierarchy.resolve(hierarchy.getSpec(), "team-a/sample"))
        .isInstanceOf(DesiredHierarchy.Resolved.class);
  }

  @Test
  void thereIsASample() throws IOException {
    assertThat(samples()).isNotEmpty();
  }

  /**
   * What the schema can express, each broken once in the first sample: the field and the change.
   */
  static Stream<Arguments> refusals() {
    return Stream.of(
        refusal(
            "spec.entities[0].id",
            spec -> ((ObjectNode) spec.path("entities").get(0)).put("id", "bad#id")),
        refusal(
            "spec.entities[0].shards",
            spec -> ((ObjectNode) spec.path("entities").get(0)).put("shards", 0)),
        refusal(
            "spec.entities[0].shards",
            spec -> ((ObjectNode) spec.path("entities").get(0)).put("shards", 257)),
        refusal(
            "spec.resources[0].limits[0].period",
            spec ->
                ((ObjectNode) spec.path("resources").get(0).path("limits").get(0))
                    .put("period", "1 minute")),
        refusal(
            "spec.resources[0].limits[0].rate",
            spec ->
                ((ObjectNode) spec.path("resources").get(0).path("limits").get(0)).put("rate", 0)),
        refusal(
            "spec.resources[0].name",
            spec -> ((ObjectNode) spec.path("resources").get(0)).put("name", "llm api")),
        refusal(
            "spec.system.onUnavailable",
            spec -> ((ObjectNode) spec.path("system")).put("onUnavailable", "Maybe")),
        refusal("spec.tableRef", spec -> ((ObjectNode) spec).remove("tableRef")),
        refusal(
            "spec.entities[0].children[0].cascade",
            spec ->
                ((ObjectNode) spec.path("entities").get(0).path("children").get(0))
                    .put("cascade", "yes")),
        refusal(
            "spec.resources[0].limits[0]",
            spec ->
                ((ObjectNode) spec.path("resources").get(0).path("limits").get(0))
                    .put("rate", 600)
                    .put("burst", 599)),
        refusal(
            "spec.entities[0]",
            spec ->
                ((ObjectNode) spec.path("entities").get(0))
                    .put("shards", 8)
                    .putObject("shardsFor")
                    .put("writesPerSecond", 800)),
        refusal(
            "spec.entities[1]",
            spec ->
                ((ArrayNode) spec.path("entities")).add(spec.path("entities").get(0).deepCopy())),
        refusal(
            "spec.resources[0].limits[2]",
            spec ->
                ((ArrayNode) spec.path("resources").get(0).path("limits"))
                    .addObject()
                    .put("name", "rpm")
                    .put("rate", 1)
                    .put("period", "1s")),
        refusal(
            "spec.entities[0].localReservation.window", reservation(r -> r.put("window", "61s"))),
        refusal(
            "spec.entities[0].localReservation.window", reservation(r -> r.put("window", "5ms"))),
        refusal(
            "spec.entities[0].localReservation.window", reservation(r -> r.put("window", "2m"))),
        refusal(
            "spec.entities[0].localReservation.window", reservation(r -> r.put("window", "1.5s"))),
        refusal(
            "spec.entities[0].localReservation.window", reservation(r -> r.put("window", "1h"))),
        refusal("spec.entities[0].localReservation.window", reservation(r -> r.remove("window"))),
        refusal(
            "spec.entities[0].localReservation.maxSharePercent",
            reservation(r -> r.put("maxSharePercent", 51))),
        refusal(
            "spec.entities[0].localReservation.maxSharePercent",
            reservation(r -> r.put("maxSharePercent", 0))),
        refusal(
            "spec.entities[0].localReservation.instances",
            reservation(r -> r.put("instances", 10_001))),
        refusal(
            "spec.resources[0].localReservation.window",
            spec ->
                ((ObjectNode) spec.path("resources").get(0))
                    .putObject("localReservation")
                    .put("window", "100s")),
        refusal(
            "spec.system.localReservation.instances",
            spec ->
                ((ObjectNode) spec.path("system"))
                    .putObject("localReservation")
                    .put("window", "1s")
                    .put("instances", 0)),
        refusal(
            "spec.resources[0]",
            spec -> ((ObjectNode) spec.path("resources").get(0)).remove("limits")),
        refusal(
            "spec.entities[0].shardsFor.writesPerSecond",
            spec -> {
              ObjectNode entity = (ObjectNode) spec.path("entities").get(0);
              entity.remove("shards");
              entity.putObject("shardsFor").put("writesPerSecond", 204_801);
            }));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusals")
  void theSchemaRefusesWhatItCanExpress(String field, Consumer<JsonNode> change)
      throws IOException {
    assertRefused(change, field);
  }

  /**
   * Every resource this test expects the API server to refuse, with the field it names, for the
   * real-server tier ({@code CrdAdmissionApiServerIT}).
   */
  static Stream<AdmissionCase> refused() {
    return refusals()
        .map(Arguments::get)
        .map(
            args -> {
              @SuppressWarnings("unchecked")
              Consumer<JsonNode> change = (Consumer<JsonNode>) args[1];
              JsonNode resource = firstSample();
              change.accept(resource.path("spec"));
              return new AdmissionCase((String) args[0], resource, null, (String) args[0]);
            });
  }

  /** Windows at and inside the bounds, in every form the pattern allows. */
  static Stream<String> admittedWindows() {
    return Stream.of("0s", "0ms", "10ms", "999ms", "1s", "1s500ms", "60s", "1m", "59s999ms");
  }

  @ParameterizedTest
  @MethodSource("admittedWindows")
  void aWindowOfZeroOrTenMillisecondsToAMinuteIsAdmitted(String window) {
    JsonNode resource = firstSample();
    reservation(r -> r.put("window", window)).accept(resource.path("spec"));
    assertThat(validator.validate(resource)).isEmpty();
  }

  /**
   * Every resource this test expects the API server to admit, for the real-server tier ({@code
   * CrdAdmissionApiServerIT}).
   */
  static Stream<AdmissionCase> admitted() {
    return Stream.concat(
        admittedWindows()
            .map(
                window -> {
                  JsonNode resource = firstSample();
                  reservation(r -> r.put("window", window)).accept(resource.path("spec"));
                  return new AdmissionCase(
                      "local reservation window " + window, resource, null, null);
                }),
        Stream.of(
            new AdmissionCase(
                "a local reservation with its window alone",
                withReservationOfWindowOnly(),
                null,
                null),
            new AdmissionCase(
                "a resource declaring only a local reservation",
                withResourceDeclaringOnlyAReservation(),
                null,
                null)));
  }

  @Test
  void aResourceMayDeclareOnlyALocalReservationAndResolves() {
    JsonNode resource = withResourceDeclaringOnlyAReservation();
    assertThat(validator.validate(resource)).isEmpty();
    EntityHierarchy hierarchy = Serialization.unmarshal(resource.toString(), EntityHierarchy.class);
    assertThat(DesiredHierarchy.resolve(hierarchy.getSpec(), "team-a/sample"))
        .isInstanceOf(DesiredHierarchy.Resolved.class);
  }

  /** The first sample with its first resource's limits replaced by a local reservation alone. */
  private static JsonNode withResourceDeclaringOnlyAReservation() {
    JsonNode resource = firstSample();
    ObjectNode first = (ObjectNode) resource.path("spec").path("resources").get(0);
    first.remove("limits");
    first.putObject("localReservation").put("window", "500ms");
    return resource;
  }

  private static JsonNode withReservationOfWindowOnly() {
    JsonNode resource = firstSample();
    ((ObjectNode) resource.path("spec").path("entities").get(0))
        .putObject("localReservation")
        .put("window", "250ms");
    return resource;
  }

  /** A change to the first root entity's local reservation (the first sample declares one). */
  private static Consumer<JsonNode> reservation(Consumer<ObjectNode> change) {
    return spec ->
        change.accept((ObjectNode) spec.path("entities").get(0).path("localReservation"));
  }

  private static Arguments refusal(String field, Consumer<JsonNode> change) {
    return Arguments.of(field, change);
  }

  private static JsonNode firstSample() {
    try {
      return CrdValidator.readYaml(samples().get(0));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void assertRefused(Consumer<JsonNode> change, String field) throws IOException {
    JsonNode resource = firstSample();
    change.accept(resource.path("spec"));
    assertThat(validator.validate(resource))
        .as("errors after changing %s", field)
        .isNotEmpty()
        .anySatisfy(error -> assertThat(error).startsWith(field));
  }
}
