package dev.limiter.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.lib.jse.JsePlatform;

/**
 * The Argo CD health check of limiter.dev resources, {@code config/argocd/health.lua}, on recorded
 * RateLimiterTable and EntityHierarchy objects (one file under {@code src/test/resources/argocd/}
 * per branch of the script), and the copies of it inlined in {@code config/argocd/argocd-cm.yaml}.
 *
 * <p>No Argo CD or API server is available here, so luaj evaluates the script as Argo CD's
 * gopher-lua would: the resource, converted to nested Lua tables with every number a Lua number, is
 * the global {@code obj}, and the table the script returns carries {@code status} and {@code
 * message}. A wrong health costs real attention: Degraded pages someone, Progressing hides a
 * resource that needs a person, so each case asserts both the status and the message.
 */
class ArgoCdHealthTest {

  private static final Path ARGOCD = Path.of("../config/argocd");
  private static final Path RECORDED = Path.of("src/test/resources/argocd");
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  /** Health of a resource as Argo CD shows it. */
  record Health(String status, String message) {}

  static Stream<Arguments> recordedObjects() {
    return Stream.of(
        Arguments.of("ready.yaml", "Healthy", "table team-a-llm-limits matches the spec"),
        Arguments.of(
            "ready-billing-cooldown.yaml",
            "Healthy",
            "matches the spec; switch to OnDemand deferred until 2025-05-03T08:02:11Z"),
        Arguments.of(
            "no-status.yaml", "Progressing", "waiting for the operator to observe generation 1"),
        Arguments.of(
            "stale-generation.yaml",
            "Progressing",
            "waiting for the operator to observe generation 4"),
        Arguments.of(
            "no-observed-generation.yaml",
            "Progressing",
            "waiting for the operator to observe generation 2"),
        Arguments.of("no-ready-condition.yaml", "Progressing", "waiting for the Ready condition"),
        Arguments.of("creating.yaml", "Progressing", "creating table team-a-llm-limits"),
        Arguments.of(
            "reconciling.yaml",
            "Progressing",
            "set provisioned throughput to 1 read / 360 write; stream"),
        Arguments.of("table-busy.yaml", "Progressing", "the table is busy"),
        Arguments.of(
            "aws-unreachable.yaml", "Progressing", "will retry: Unable to execute HTTP request"),
        Arguments.of("aws-unavailable.yaml", "Progressing", "will retry: Rate of requests exceeds"),
        Arguments.of("ready-unknown.yaml", "Progressing", "could not evaluate the spec yet"),
        Arguments.of("invalid-spec.yaml", "Degraded", "requestsPerSecond must be positive"),
        Arguments.of("table-conflict.yaml", "Degraded", "limiter.dev/adopt=\"true\""),
        Arguments.of(
            "incompatible-table.yaml",
            "Degraded",
            "partition key is id (S), the limiter needs pk (S)"),
        Arguments.of(
            "deferred-switch-cooldown.yaml",
            "Healthy",
            "deferred: switch to OnDemand deferred until"),
        Arguments.of(
            "deferred-aws-switch-quota.yaml",
            "Healthy",
            "deferred: switch to OnDemand deferred until 2025-05-02T22:40:00Z"),
        Arguments.of(
            "deferred-decrease-quota.yaml",
            "Healthy",
            "deferred: throughput decrease of write units"),
        Arguments.of("deferred-aws-quota.yaml", "Healthy", "deferred: set provisioned throughput"),
        Arguments.of(
            "deleting.yaml", "Progressing", "deleting: table team-a-llm-limits matches the spec"),
        Arguments.of(
            "deletion-blocked.yaml",
            "Degraded",
            "has deletion protection on; turn spec.deletionProtection off"),
        Arguments.of("throttling.yaml", "Degraded", "Runbook: the table used its capacity"),
        Arguments.of("on-demand-cap.yaml", "Degraded", "raise or remove the caps"),
        Arguments.of(
            "config-map-conflict.yaml", "Degraded", "is not owned by this RateLimiterTable"),
        Arguments.of("hot-partition-risk.yaml", "Degraded", "set shards: 5 on it"),
        Arguments.of(
            "automation-updating.yaml",
            "Progressing",
            "AutoscalingSynced: register dynamodb:table:ReadCapacityUnits"),
        Arguments.of(
            "entityhierarchy-ready.yaml",
            "Healthy",
            "3 entities written to table team-a-llm-limits"),
        Arguments.of(
            "entityhierarchy-conflict.yaml", "Degraded", "entity api-key-2 already belongs to"));
  }

  @ParameterizedTest(name = "{0} is {1}")
  @MethodSource("recordedObjects")
  void healthOfRecordedObject(String file, String status, String messageFragment) {
    Health health = evaluate(recorded(file));

    assertThat(health.status())
        .as("status of %s (message: %s)", file, health.message())
        .isEqualTo(status);
    assertThat(health.message()).as("message of %s", file).contains(messageFragment);
  }

  @Test
  void everyRecordedObjectHasACase() throws IOException {
    Set<String> covered =
        recordedObjects().map(arguments -> (String) arguments.get()[0]).collect(Collectors.toSet());
    try (Stream<Path> files = Files.list(RECORDED)) {
      assertThat(files.map(file -> file.getFileName().toString()))
          .containsExactlyInAnyOrderElementsOf(covered);
    }
  }

  @Test
  void resourceWithoutMetadataOrStatusIsProgressing() {
    Health health =
        evaluate(Map.of("apiVersion", "limiter.dev/v1alpha1", "kind", "RateLimiterTable"));

    assertThat(health)
        .isEqualTo(new Health("Progressing", "waiting for the operator to observe the resource"));
  }

  @Test
  void malformedConditionsAreIgnored() {
    Map<String, Object> resource =
        Map.of(
            "apiVersion",
            "limiter.dev/v1alpha1",
            "kind",
            "RateLimiterTable",
            "metadata",
            Map.of("name", "llm-limits", "namespace", "team-a", "generation", 2),
            "status",
            Map.of(
                "observedGeneration", 2, "conditions", List.of("Ready", Map.of("status", "True"))));

    assertThat(evaluate(resource))
        .isEqualTo(new Health("Progressing", "waiting for the Ready condition"));
  }

  @Test
  void deletionBeforeAnyStatusIsProgressing() {
    Map<String, Object> resource =
        Map.of(
            "apiVersion",
            "limiter.dev/v1alpha1",
            "kind",
            "EntityHierarchy",
            "metadata",
            Map.of(
                "name",
                "tenants",
                "namespace",
                "team-a",
                "generation",
                1,
                "deletionTimestamp",
                "2025-05-02T11:02:45Z"));

    assertThat(evaluate(resource)).isEqualTo(new Health("Progressing", "deleting"));
  }

  @Test
  void argocdConfigMapInlinesHealthLuaForBothKinds() throws IOException {
    ConfigMap argocdCm =
        SERIALIZATION.unmarshal(
            Files.readString(ARGOCD.resolve("argocd-cm.yaml")), ConfigMap.class);
    String script = script().strip();

    assertThat(argocdCm.getMetadata().getName()).isEqualTo("argocd-cm");
    assertThat(argocdCm.getData())
        .as(
            "inline scripts of argocd-cm.yaml must equal config/argocd/health.lua; paste it again"
                + " after editing")
        .containsOnlyKeys(
            "resource.customizations.health.limiter.dev_RateLimiterTable",
            "resource.customizations.health.limiter.dev_EntityHierarchy")
        .allSatisfy((key, inline) -> assertThat(inline.strip()).as(key).isEqualTo(script));
  }

  private static Health evaluate(Map<String, Object> resource) {
    Globals globals = JsePlatform.standardGlobals();
    globals.set("obj", toLua(resource));
    LuaValue result = globals.load(script(), "health.lua").call();
    assertThat(result.istable()).as("health.lua returns a table").isTrue();
    return new Health(result.get("status").tojstring(), result.get("message").tojstring());
  }

  /**
   * Converts parsed JSON/YAML the way Argo CD hands a resource to Lua: maps and lists become
   * tables, numbers Lua numbers (floating point), null nil.
   */
  private static LuaValue toLua(Object value) {
    if (value == null) {
      return LuaValue.NIL;
    }
    if (value instanceof Map<?, ?> map) {
      LuaTable table = new LuaTable();
      map.forEach((key, entry) -> table.set(String.valueOf(key), toLua(entry)));
      return table;
    }
    if (value instanceof List<?> list) {
      LuaTable table = new LuaTable();
      for (int i = 0; i < list.size(); i++) {
        table.set(i + 1, toLua(list.get(i)));
      }
      return table;
    }
    if (value instanceof Number number) {
      return LuaValue.valueOf(number.doubleValue());
    }
    if (value instanceof Boolean bool) {
      return LuaValue.valueOf(bool);
    }
    return LuaValue.valueOf(String.valueOf(value));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> recorded(String file) {
    try (InputStream in = ArgoCdHealthTest.class.getResourceAsStream("/argocd/" + file)) {
      assertThat(in).as("test resource argocd/%s", file).isNotNull();
      return SERIALIZATION.unmarshal(
          new String(in.readAllBytes(), StandardCharsets.UTF_8), Map.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String script() {
    try {
      return Files.readString(ARGOCD.resolve("health.lua"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
