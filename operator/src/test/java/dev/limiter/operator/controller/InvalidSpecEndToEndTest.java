package dev.limiter.operator.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.limiter.operator.api.RateLimiterTable;
import dev.limiter.operator.crd.CrdValidator;
import dev.limiter.operator.crd.SchemaViolations;
import dev.limiter.operator.testing.KubeSteps;
import dev.limiter.testkit.DynamoDbLocal;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One broken spec per kind of schema rule, for both kinds ({@link SchemaViolations}; the smallest
 * case of each rule), stored on the mock API server, which has no admission: the running operator
 * reports each as Ready=False, reason InvalidSpec (not ReconcileError: no exception left the pass),
 * naming the field. The CEL transition rule needs a stored status and is left to the pure test.
 */
@EnableKubernetesMockClient(crud = true)
class InvalidSpecEndToEndTest {

  static KubernetesClient client;

  private static KubeSteps<RateLimiterTable> kube;

  private static final String NAMESPACE = "invalid";
  private static final Path BASES = Path.of("src/test/resources/schema-bases");
  private static OperatorHarness harness;

  @BeforeAll
  static void start() {
    kube = KubeSteps.tables(client, Duration.ofSeconds(120));
    harness =
        OperatorHarness.start(
            client, Clock.systemUTC(), Duration.ofMinutes(5), DynamoDbLocal.shared().endpoint());
  }

  @AfterAll
  static void stop() {
    harness.close();
  }

  @Test
  void everyKindOfRuleBrokenInAStoredObjectIsReportedAsInvalidSpec() throws IOException {
    Map<String, SchemaViolations.Case> created = new LinkedHashMap<>();
    created.putAll(
        createOnePerRule(
            "ratelimitertables",
            "RateLimiterTable",
            "../crds/ratelimitertables.limiter.dev-v1.yml",
            "ratelimitertable-provisioned.yaml",
            "ratelimitertable-plan.yaml"));
    created.putAll(
        createOnePerRule(
            "entityhierarchies",
            "EntityHierarchy",
            "../crds/entityhierarchies.limiter.dev-v1.yml",
            "entityhierarchy-shards.yaml",
            "entityhierarchy-shardsfor.yaml"));
    assertThat(created.values().stream().map(SchemaViolations.Case::rule).distinct())
        .contains(
            "type",
            "enum",
            "minimum",
            "maximum",
            "minLength",
            "maxLength",
            "pattern",
            "minItems",
            "maxItems",
            "maxProperties",
            "required",
            "CEL self.min <= self.max",
            "CEL provisioned xor plan");

    await()
        .atMost(Duration.ofSeconds(120))
        .untilAsserted(
            () -> {
              List<String> unreported = new ArrayList<>();
              created.forEach(
                  (key, broken) -> {
                    String[] kindAndName = key.split("/");
                    String kind =
                        kindAndName[0].equals("ratelimitertables")
                            ? "RateLimiterTable"
                            : "EntityHierarchy";
                    Optional<Condition> ready =
                        kube.plainCondition(
                            KubeSteps.definition(kindAndName[0], kind),
                            NAMESPACE,
                            kindAndName[1],
                            "Ready");
                    boolean reported =
                        ready
                            .filter(
                                c ->
                                    "False".equals(c.getStatus())
                                        && "InvalidSpec".equals(c.getReason())
                                        && String.valueOf(c.getMessage())
                                            .contains(broken.path() + ": "))
                            .isPresent();
                    if (!reported) {
                      unreported.add(broken + " (" + key + "): " + ready);
                    }
                  });
              assertThat(unreported)
                  .as("cases not reported as InvalidSpec naming the field")
                  .isEmpty();
            });
    assertThat(harness.tableMutations()).as("no AWS call for a refused spec").isEmpty();
  }

  /** Creates the smallest case of each rule of the CRD; returns them by {@code plural/name}. */
  private static Map<String, SchemaViolations.Case> createOnePerRule(
      String plural, String kind, String crd, String... bases) throws IOException {
    List<JsonNode> baseSamples = new ArrayList<>();
    for (String base : bases) {
      baseSamples.add(CrdValidator.readYaml(BASES.resolve(base)));
    }
    Map<String, SchemaViolations.Case> smallest =
        SchemaViolations.of(Path.of(crd), baseSamples).stream()
            .filter(broken -> broken.stored() == null)
            .collect(
                Collectors.toMap(
                    SchemaViolations.Case::rule,
                    broken -> broken,
                    (a, b) ->
                        a.resource().toString().length() <= b.resource().toString().length()
                            ? a
                            : b,
                    LinkedHashMap::new));
    Map<String, SchemaViolations.Case> created = new LinkedHashMap<>();
    int index = 0;
    for (SchemaViolations.Case broken : smallest.values()) {
      String name = kind.toLowerCase() + "-" + index++;
      ObjectNode resource = broken.resource().deepCopy();
      resource.withObject("/metadata").put("name", name).put("namespace", NAMESPACE);
      client
          .genericKubernetesResources(KubeSteps.definition(plural, kind))
          .inNamespace(NAMESPACE)
          .resource(Serialization.unmarshal(resource.toString(), GenericKubernetesResource.class))
          .create();
      created.put(plural + "/" + name, broken);
    }
    return created;
  }
}
