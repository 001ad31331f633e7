package dev.limiter.operator.crd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Every rule a CRD's schema states for the spec, each broken once: walks the {@code
 * openAPIV3Schema} of the generated CRD and, for every bound (type, enum, minimum, maximum,
 * minLength, maxLength, pattern, minItems, maxItems, maxProperties, required, CEL rule) of every
 * field, takes a base sample holding that field and breaks that one value. A keyword or CEL rule it
 * does not know how to break, or a field no base sample holds, fails the generation, so a bound
 * added to the model cannot go untested.
 */
public final class SchemaViolations {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** Keywords that shape the schema or document it, and state no rule of their own. */
  private static final Set<String> STRUCTURE =
      Set.of(
          "type",
          "description",
          "default",
          "properties",
          "items",
          "additionalProperties",
          "x-kubernetes-list-map-keys");

  private static final List<String> NOT_MATCHING = List.of("not valid!", "#", "-");

  private SchemaViolations() {}

  /**
   * One broken sample.
   *
   * @param rule the schema keyword (or CEL rule) broken, e.g. {@code maximum}
   * @param path where, as the operator names it, e.g. {@code spec.entities[0].shards}
   * @param resource the whole resource with that value broken
   * @param stored the resource as stored before, for a CEL transition rule; null otherwise
   * @param refusedAt where the API server reports it ({@link CrdValidator}'s paths: map keys as
   *     fields, a CEL rule at its node)
   */
  public record Case(
      String rule, String path, JsonNode resource, JsonNode stored, String refusedAt) {

    Case(String rule, String path, JsonNode resource) {
      this(rule, path, resource, null, path.replaceAll("\\[([^\\]0-9][^\\]]*)]", ".$1"));
    }

    @Override
    public String toString() {
      return rule + " at " + path;
    }
  }

  /**
   * How to break a CEL rule on the value at its schema node (a copy of a base sample, changed in
   * place).
   */
  private interface CelBreaker {
    /** Breaks the rule of the node at {@code path} in {@code resource}; returns the case. */
    Case apply(ObjectNode resource, List<Object> path);
  }

  /** The local reservation's window range (LocalReservationSpec). */
  private static final String WINDOW_RULE =
      "duration(self.window) == duration('0s') || (duration(self.window) >= duration('10ms')"
          + " && duration(self.window) <= duration('60s'))";

  /** The CEL rules of the CRDs and how to break each; a rule missing here fails the generation. */
  private static final Map<String, CelBreaker> CEL_RULES =
      Map.of(
          "self.min <= self.max",
          (resource, path) -> {
            ObjectNode bounds = (ObjectNode) at(resource, path);
            bounds.put("min", bounds.get("max").asLong() + 1);
            return new Case("CEL self.min <= self.max", render(path), resource);
          },
          "self.mode == 'OnDemand' || (has(self.provisioned) != has(self.plan))",
          (resource, path) -> {
            ObjectNode billing = (ObjectNode) at(resource, path);
            if (billing.has("plan")) {
              billing.set(
                  "provisioned",
                  NODES.objectNode().put("readCapacityUnits", 5).put("writeCapacityUnits", 5));
            } else {
              billing.set("plan", NODES.objectNode().put("requestsPerSecond", 100));
            }
            return new Case("CEL provisioned xor plan", render(path), resource);
          },
          "!has(oldSelf.tableName) || (has(self.tableName) && self.tableName == oldSelf.tableName)",
          (resource, path) -> {
            // What the operator knows of the old name is the table it manages, in status.
            ObjectNode stored = resource.deepCopy();
            ((ObjectNode) at(stored, path)).put("tableName", "team-a.previous");
            resource.withObject("/status").put("tableName", "team-a.previous");
            return new Case(
                "CEL tableName immutable",
                render(path) + ".tableName",
                resource,
                stored,
                render(path));
          },
          "!has(self.burst) || self.burst >= self.rate",
          (resource, path) -> {
            ObjectNode limit = (ObjectNode) at(resource, path);
            long burst =
                limit.has("burst") ? limit.get("burst").asLong() : limit.get("rate").asLong();
            limit.put("burst", burst).put("rate", burst + 1);
            return new Case("CEL burst >= rate", hierarchyPath(path), resource, null, render(path));
          },
          WINDOW_RULE,
          (resource, path) -> {
            ((ObjectNode) at(resource, path)).put("window", "90s");
            return new Case(
                "CEL window 0s or 10ms to 60s",
                hierarchyPath(path) + ".window",
                resource,
                null,
                render(path) + ".window");
          },
          "!has(self.shards) || !has(self.shardsFor)",
          (resource, path) -> {
            ObjectNode entity = (ObjectNode) at(resource, path);
            if (entity.has("shards")) {
              entity.set("shardsFor", NODES.objectNode().put("writesPerSecond", 800));
            } else {
              entity.put("shards", 1);
            }
            return new Case(
                "CEL shards xor shardsFor", hierarchyPath(path), resource, null, render(path));
          },
          "has(self.limits) || has(self.localReservation)",
          (resource, path) -> {
            ObjectNode declared = (ObjectNode) at(resource, path);
            declared.remove("limits");
            declared.remove("localReservation");
            return new Case(
                "CEL limits or localReservation",
                hierarchyPath(path),
                resource,
                null,
                render(path));
          });

  /**
   * The path as the hierarchy's own checks name it (DesiredHierarchy): without the leading {@code
   * spec.}.
   */
  private static String hierarchyPath(List<Object> path) {
    return render(path).substring("spec.".length());
  }

  /**
   * Every case for the CRD in {@code crdFile}, breaking the bases (whole resources) one value at a
   * time.
   */
  public static List<Case> of(Path crdFile, List<JsonNode> bases) throws IOException {
    JsonNode crd = CrdValidator.readYaml(crdFile);
    JsonNode schema =
        crd.path("spec")
            .path("versions")
            .get(0)
            .path("schema")
            .path("openAPIV3Schema")
            .path("properties")
            .path("spec");
    List<Case> cases = new ArrayList<>();
    walk(schema, new ArrayList<>(List.of("spec")), bases, cases);
    return cases;
  }

  private static void walk(
      JsonNode schema, List<Object> path, List<JsonNode> bases, List<Case> cases) {
    ObjectNode base = baseHolding(bases, path);
    JsonNode value = at(base, path);
    for (Map.Entry<String, JsonNode> keyword : schema.properties()) {
      String rule = keyword.getKey();
      JsonNode bound = keyword.getValue();
      switch (rule) {
        case "type" -> cases.add(replaced(base, path, "type", wrongType(bound.asText())));
        case "enum" -> cases.add(replaced(base, path, "enum", NODES.textNode("NotOneOfThem")));
        case "minimum" ->
            cases.add(
                replaced(
                    base,
                    path,
                    rule,
                    number(schema, bound.decimalValue().subtract(BigDecimal.ONE))));
        case "maximum" ->
            cases.add(
                replaced(
                    base, path, rule, number(schema, bound.decimalValue().add(BigDecimal.ONE))));
        case "minLength" ->
            cases.add(
                replaced(
                    base,
                    path,
                    rule,
                    NODES.textNode(value.asText().substring(0, bound.asInt() - 1))));
        case "maxLength" ->
            cases.add(
                replaced(
                    base, path, rule, NODES.textNode(padded(value.asText(), bound.asInt() + 1))));
        case "pattern" ->
            cases.add(replaced(base, path, rule, NODES.textNode(notMatching(bound.asText()))));
        case "minItems" -> cases.add(replaced(base, path, rule, NODES.arrayNode()));
        case "maxItems" ->
            cases.add(replaced(base, path, rule, copies(value.get(0), schema, bound.asInt() + 1)));
        case "x-kubernetes-list-type" -> {
          if (!bound.asText().equals("map")) {
            throw new IllegalStateException(
                "no way known to break list type " + bound.asText() + " at " + render(path));
          }
          ObjectNode broken = base.deepCopy();
          ArrayNode list = (ArrayNode) at(broken, path);
          list.add(list.get(0).deepCopy());
          List<Object> duplicate = child(path, list.size() - 1);
          cases.add(
              new Case("list map keys", hierarchyPath(duplicate), broken, null, render(duplicate)));
        }
        case "maxProperties" -> cases.add(replaced(base, path, rule, entries(bound.asInt() + 1)));
        case "required" ->
            bound.forEach(
                field -> {
                  ObjectNode broken = base.deepCopy();
                  ((ObjectNode) at(broken, path)).remove(field.asText());
                  cases.add(new Case("required", render(path) + "." + field.asText(), broken));
                });
        case "x-kubernetes-validations" ->
            bound.forEach(
                celRule -> {
                  CelBreaker breaker = CEL_RULES.get(celRule.path("rule").asText());
                  if (breaker == null) {
                    throw new IllegalStateException(
                        "no way known to break the CEL rule at "
                            + render(path)
                            + ": "
                            + celRule.path("rule").asText()
                            + "; add it to SchemaViolations.CEL_RULES");
                  }
                  cases.add(breaker.apply(base.deepCopy(), path));
                });
        case "properties" ->
            bound
                .properties()
                .forEach(
                    property ->
                        walk(property.getValue(), child(path, property.getKey()), bases, cases));
        case "items" -> walk(bound, child(path, 0), bases, cases);
        case "additionalProperties" ->
            walk(bound, child(path, new MapKey(firstKey(value))), bases, cases);
        default -> {
          if (!STRUCTURE.contains(rule)) {
            throw new IllegalStateException(
                "no way known to break the schema keyword "
                    + rule
                    + " at "
                    + render(path)
                    + "; teach SchemaViolations");
          }
        }
      }
    }
  }

  /** A key of a map (additionalProperties), rendered {@code [key]} as the operator names it. */
  private record MapKey(String key) {}

  private static Case replaced(ObjectNode base, List<Object> path, String rule, JsonNode value) {
    ObjectNode broken = base.deepCopy();
    List<Object> parentPath = path.subList(0, path.size() - 1);
    JsonNode parent = at(broken, parentPath);
    Object last = path.get(path.size() - 1);
    if (last instanceof Integer index) {
      ((ArrayNode) parent).set(index, value);
    } else {
      ((ObjectNode) parent).set(last instanceof MapKey key ? key.key() : (String) last, value);
    }
    return new Case(rule, render(path), broken);
  }

  /** The first base holding a value at {@code path}; fails when none does. */
  private static ObjectNode baseHolding(List<JsonNode> bases, List<Object> path) {
    for (JsonNode base : bases) {
      JsonNode value = at(base, path);
      if (value != null && !value.isMissingNode() && !value.isNull()) {
        return (ObjectNode) base;
      }
    }
    throw new IllegalStateException(
        "no base sample holds "
            + render(path)
            + "; set it in one (src/test/resources/schema-bases)");
  }

  private static JsonNode at(JsonNode node, List<Object> path) {
    JsonNode current = node;
    for (Object segment : path) {
      if (current == null) {
        return null;
      }
      current =
          segment instanceof Integer index
              ? current.get(index)
              : current.get(segment instanceof MapKey key ? key.key() : (String) segment);
    }
    return current;
  }

  private static List<Object> child(List<Object> path, Object segment) {
    List<Object> child = new ArrayList<>(path);
    child.add(segment);
    return child;
  }

  /**
   * The path as the operator names it: {@code spec.entities[0].children[0].id}, {@code
   * spec.tags[team]}.
   */
  static String render(List<Object> path) {
    StringBuilder text = new StringBuilder();
    for (Object segment : path) {
      if (segment instanceof Integer index) {
        text.append('[').append(index).append(']');
      } else if (segment instanceof MapKey key) {
        text.append('[').append(key.key()).append(']');
      } else {
        text.append(text.length() == 0 ? "" : ".").append(segment);
      }
    }
    return text.toString();
  }

  private static JsonNode wrongType(String type) {
    return switch (type) {
      case "string" -> NODES.numberNode(12345);
      case "object", "array" -> NODES.textNode("text");
      case "integer", "number" -> NODES.textNode("abc");
      case "boolean" -> NODES.textNode("yes");
      default -> throw new IllegalStateException("no wrong value known for type " + type);
    };
  }

  /**
   * {@code value} as a user would write it for the field: without a fraction for an integer (the
   * CRD says 256.0).
   */
  private static JsonNode number(JsonNode schema, BigDecimal value) {
    return "integer".equals(schema.path("type").asText())
        ? NODES.numberNode(value.toBigIntegerExact())
        : NODES.numberNode(value);
  }

  private static String padded(String text, int length) {
    return text + String.valueOf(text.charAt(text.length() - 1)).repeat(length - text.length());
  }

  private static String notMatching(String pattern) {
    Function<String, Boolean> matches =
        candidate -> Pattern.compile(pattern).matcher(candidate).find();
    return NOT_MATCHING.stream()
        .filter(candidate -> !matches.apply(candidate))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("every candidate matches " + pattern));
  }

  /**
   * {@code count} copies of {@code item} cut down to its required fields, so long lists stay light;
   * in a list of type map each copy gets keys of its own ({@code x0}, {@code x1}...), so that only
   * the count is broken.
   */
  private static ArrayNode copies(JsonNode item, JsonNode listSchema, int count) {
    JsonNode copy = item;
    if (item.isObject()) {
      ObjectNode light = NODES.objectNode();
      listSchema
          .path("items")
          .path("required")
          .forEach(field -> light.set(field.asText(), item.get(field.asText())));
      copy = light;
    }
    ArrayNode array = NODES.arrayNode();
    for (int i = 0; i < count; i++) {
      if (copy instanceof ObjectNode object && listSchema.has("x-kubernetes-list-map-keys")) {
        ObjectNode keyed = object.deepCopy();
        int index = i;
        listSchema
            .get("x-kubernetes-list-map-keys")
            .forEach(key -> keyed.put(key.asText(), "x" + index));
        array.add(keyed);
      } else {
        array.add(copy);
      }
    }
    return array;
  }

  private static ObjectNode entries(int count) {
    ObjectNode map = NODES.objectNode();
    for (int i = 0; i < count; i++) {
      map.put("key-" + i, "value");
    }
    return map;
  }

  private static String firstKey(JsonNode map) {
    return map.properties().iterator().next().getKey();
  }
}
