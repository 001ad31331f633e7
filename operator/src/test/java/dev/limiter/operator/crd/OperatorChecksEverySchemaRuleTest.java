package dev.limiter.operator.crd;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.limiter.operator.api.EntityHierarchy;
import dev.limiter.operator.api.RateLimiterTable;
import dev.limiter.operator.aws.AwsAccess;
import dev.limiter.operator.aws.Sleeper;
import dev.limiter.operator.reconcile.HierarchyPacing;
import dev.limiter.operator.reconcile.HierarchyReconciliation;
import dev.limiter.operator.reconcile.TableReconciliation;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every rule the generated CRDs state for a spec, broken one at a time ({@link SchemaViolations}),
 * is refused by the API server's checks ({@link CrdValidator}: the case is a real violation) and,
 * when such an object is stored anyway, reported by the operator's reconcile pass as Ready=False,
 * reason InvalidSpec, with the field's path, without reaching AWS and without an exception. The
 * objects are read from JSON the way the informers read them.
 */
class OperatorChecksEverySchemaRuleTest {

  private static final Path TABLE_CRD = Path.of("../crds/ratelimitertables.limiter.dev-v1.yml");
  private static final Path HIERARCHY_CRD = Path.of("../crds/entityhierarchies.limiter.dev-v1.yml");
  private static final Path BASES = Path.of("src/test/resources/schema-bases");
  private static final Instant NOW = Instant.parse("2026-12-01T08:00:00Z");

  /** AWS must not be reached for a refused spec. */
  private static final AwsAccess UNREACHABLE =
      new AwsAccess(unreachable(), unreachable(), unreachable(), unreachable(), unreachable());

  private static CrdValidator tableSchema;
  private static CrdValidator hierarchySchema;

  @BeforeAll
  static void loadCrds() throws IOException {
    tableSchema = CrdValidator.load(TABLE_CRD, "v1alpha1");
    hierarchySchema = CrdValidator.load(HIERARCHY_CRD, "v1alpha1");
  }

  static List<JsonNode> tableBases() {
    return bases("ratelimitertable-provisioned.yaml", "ratelimitertable-plan.yaml");
  }

  static List<JsonNode> hierarchyBases() {
    return bases("entityhierarchy-shards.yaml", "entityhierarchy-shardsfor.yaml");
  }

  static Stream<SchemaViolations.Case> tableCases() throws IOException {
    return SchemaViolations.of(TABLE_CRD, tableBases()).stream();
  }

  static Stream<SchemaViolations.Case> hierarchyCases() throws IOException {
    return SchemaViolations.of(HIERARCHY_CRD, hierarchyBases()).stream();
  }

  @Test
  void theBasesAreValid() {
    for (JsonNode base : tableBases()) {
      assertThat(tableSchema.validate(base)).isEmpty();
      assertThat(tableReady(base)).isEmpty();
    }
    for (JsonNode base : hierarchyBases()) {
      assertThat(hierarchySchema.validate(base)).isEmpty();
      assertThat(hierarchyReady(base).getReason()).isEqualTo("TableNotReady");
    }
  }

  @Test
  void everyKindOfRuleIsCovered() throws IOException {
    assertThat(tableCases().map(SchemaViolations.Case::rule))
        .contains(
            "type",
            "enum",
            "minimum",
            "maximum",
            "minLength",
            "maxLength",
            "pattern",
            "maxItems",
            "maxProperties",
            "required",
            "CEL self.min <= self.max",
            "CEL provisioned xor plan",
            "CEL tableName immutable");
    assertThat(hierarchyCases().map(SchemaViolations.Case::rule))
        .contains(
            "type",
            "enum",
            "minimum",
            "maximum",
            "pattern",
            "minItems",
            "maxItems",
            "required",
            "CEL burst >= rate",
            "CEL shards xor shardsFor",
            "list map keys");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("tableCases")
  void aTableSpecBreakingARuleIsInvalidSpecNamingTheField(SchemaViolations.Case broken) {
    assertThat(tableSchema.validateUpdate(broken.resource(), broken.stored()))
        .as("the API server refuses it")
        .anySatisfy(error -> assertThat(error).startsWith(broken.refusedAt()));
    Optional<Condition> ready = tableReady(broken.resource());
    assertThat(ready)
        .as("Ready")
        .hasValueSatisfying(
            condition -> {
              assertThat(condition.getStatus()).isEqualTo("False");
              assertThat(condition.getReason()).isEqualTo("InvalidSpec");
              assertThat(condition.getMessage()).contains(broken.path() + ": ");
            });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hierarchyCases")
  void aHierarchySpecBreakingARuleIsInvalidSpecNamingTheField(SchemaViolations.Case broken) {
    assertThat(hierarchySchema.validateUpdate(broken.resource(), broken.stored()))
        .as("the API server refuses it")
        .anySatisfy(error -> assertThat(error).startsWith(broken.refusedAt()));
    Condition ready = hierarchyReady(broken.resource());
    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getReason()).isEqualTo("InvalidSpec");
    assertThat(ready.getMessage()).contains(broken.path() + ": ");
  }

  /**
   * The Ready condition of a table pass over {@code resource}, if the pass refused the spec (a
   * valid one would reach AWS).
   */
  private static Optional<Condition> tableReady(JsonNode resource) {
    RateLimiterTable table = Serialization.unmarshal(resource.toString(), RateLimiterTable.class);
    TableReconciliation.Result result;
    try {
      result = new TableReconciliation(UNREACHABLE, "us-east-1").reconcile(table, NOW);
    } catch (AwsReached e) {
      return Optional.empty();
    }
    return result.status().conditions().stream()
        .filter(c -> c.getType().equals("Ready"))
        .findFirst();
  }

  /**
   * The Ready condition of a hierarchy pass over {@code resource}, with its table not ready (no
   * AWS).
   */
  private static Condition hierarchyReady(JsonNode resource) {
    EntityHierarchy hierarchy = Serialization.unmarshal(resource.toString(), EntityHierarchy.class);
    HierarchyReconciliation.Result result =
        new HierarchyReconciliation(
                unreachable(),
                HierarchyPacing.DEFAULT,
                Clock.fixed(NOW, ZoneOffset.UTC),
                Sleeper.THREAD)
            .reconcile(hierarchy, Optional.empty(), "the table is not ready", NOW);
    return result.status().conditions().stream()
        .filter(c -> c.getType().equals("Ready"))
        .findFirst()
        .orElseThrow();
  }

  private static List<JsonNode> bases(String... files) {
    return Stream.of(files)
        .map(
            file -> {
              try {
                return CrdValidator.readYaml(BASES.resolve(file));
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            })
        .toList();
  }

  /** Thrown when a pass reaches for AWS. */
  private static final class AwsReached extends RuntimeException {
    AwsReached(String region) {
      super("the pass reached AWS in " + region);
    }
  }

  private static <T> Function<String, T> unreachable() {
    return region -> {
      throw new AwsReached(region);
    };
  }
}
