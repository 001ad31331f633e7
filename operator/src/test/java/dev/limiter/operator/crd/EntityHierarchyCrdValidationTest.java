package dev.limiter.operator.crd;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
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
      return files.filter(f -> f.getFileName().toString().startsWith("entityhierarchy-")).sorted().toList();
    }
  }

  @ParameterizedTest
  @MethodSource("samples")
  void sampleIsValidAndResolves(Path sample) throws IOException {
    assertThat(validator.validate(CrdValidator.readYaml(sample))).isEmpty();
    EntityHierarchy hierarchy = Serialization.unmarshal(Files.readString(sample), EntityHierarchy.class);
    assertThat(DesiredHierarchy.resolve(hierarchy.getSpec(), "team-a/sample")).isInstanceOf(DesiredHierarchy.Resolved.class);
  }

  @Test
  void thereIsASample() throws IOException {
    assertThat(samples()).isNotEmpty();
  }

  @Test
  void theSchemaRefusesWhatItCanExpress() throws IOException {
    assertRefused(spec -> ((ObjectNode) spec.path("entities").get(0)).put("id", "bad#id"), "spec.entities[0].id");
    assertRefused(spec -> ((ObjectNode) spec.path("entities").get(0)).put("shards", 0), "spec.entities[0].shards");
    assertRefused(spec -> ((ObjectNode) spec.path("entities").get(0)).put("shards", 257), "spec.entities[0].shards");
    assertRefused(spec -> ((ObjectNode) spec.path("resources").get(0).path("limits").get(0)).put("period", "1 minute"),
        "spec.resources[0].limits[0].period");
    assertRefused(spec -> ((ObjectNode) spec.path("resources").get(0).path("limits").get(0)).put("rate", 0),
        "spec.resources[0].limits[0].rate");
    assertRefused(spec -> ((ObjectNode) spec.path("resources").get(0)).put("name", "llm api"), "spec.resources[0].name");
    assertRefused(spec -> ((ObjectNode) spec.path("system")).put("onUnavailable", "Maybe"), "spec.system.onUnavailable");
    assertRefused(spec -> ((ObjectNode) spec).remove("tableRef"), "spec.tableRef");
    assertRefused(spec -> ((ObjectNode) spec.path("entities").get(0).path("children").get(0)).put("cascade", "yes"),
        "spec.entities[0].children[0].cascade");
  }

  private static void assertRefused(Consumer<JsonNode> change, String field) throws IOException {
    JsonNode resource = CrdValidator.readYaml(samples().get(0));
    change.accept(resource.path("spec"));
    assertThat(validator.validate(resource)).as("errors after changing %s", field).isNotEmpty()
        .anySatisfy(error -> assertThat(error).startsWith(field));
  }
}
