package dev.limiter.operator.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.CustomResource;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

/**
 * The OpenAPI schema of a kind as the CRD the operator ships states it ({@code crds/}, on the
 * classpath under {@code META-INF/crds}), applied by the operator itself. The API server refuses
 * what breaks it, but objects can be stored without admission (a sandbox, a CRD downgrade, a hand
 * edit), so every bound it states is checked again here and reported with its field path. CEL rules
 * are not evaluated here: the planners check what they say.
 */
public final class CrdSchema {

  private static final YAMLMapper YAML = new YAMLMapper();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<Class<?>, CrdSchema> LOADED = new ConcurrentHashMap<>();
  private static final Map<String, Pattern> PATTERNS = new ConcurrentHashMap<>();
  private static final int SHOWN_CHARACTERS = 80;
  private static final int NAMED = 10;

  private final JsonNode root;

  private CrdSchema(JsonNode root) {
    this.root = root;
  }

  /**
   * One thing the schema refuses, at a Kubernetes-style field path such as {@code
   * spec.entities[0].id}.
   */
  public record Violation(String path, String message) implements Serializable {
    @Override
    public String toString() {
      return path + ": " + message;
    }
  }

  /**
   * Everything the schema refuses in {@code resource}'s spec: first what the reader had to leave
   * out (see {@link LenientResourceReader}), then what the spec's values break; a missing spec is
   * refused too.
   */
  public static List<Violation> specViolations(CustomResource<?, ?> resource) {
    List<Violation> found =
        new ArrayList<>(resource instanceof LenientlyRead read ? read.unreadable() : List.of());
    if (resource.getSpec() == null) {
      if (found.isEmpty()) {
        found.add(new Violation("spec", "is required"));
      }
      return found;
    }
    Set<String> leftOut = found.stream().map(Violation::path).collect(Collectors.toSet());
    of(resource.getClass()).violations("spec", resource.getSpec()).stream()
        .filter(violation -> !leftOut.contains(violation.path()))
        .forEach(found::add);
    return found;
  }

  /** {@code violations} in one message, the first {@value #NAMED} of them spelled out. */
  public static String describe(List<Violation> violations) {
    String named =
        violations.stream().limit(NAMED).map(Violation::toString).collect(Collectors.joining("; "));
    return violations.size() <= NAMED
        ? named
        : named + "; and " + (violations.size() - NAMED) + " more";
  }

  /** The schema of {@code kind}'s served version, from its shipped CRD. */
  public static CrdSchema of(Class<? extends HasMetadata> kind) {
    return LOADED.computeIfAbsent(kind, CrdSchema::load);
  }

  private static CrdSchema load(Class<?> kind) {
    @SuppressWarnings("unchecked")
    Class<? extends HasMetadata> type = (Class<? extends HasMetadata>) kind;
    String file = "/META-INF/crds/" + HasMetadata.getFullResourceName(type) + "-v1.yml";
    try (InputStream crd = CrdSchema.class.getResourceAsStream(file)) {
      if (crd == null) {
        throw new IllegalStateException("the CRD " + file + " is not on the classpath");
      }
      for (JsonNode version : YAML.readTree(crd).path("spec").path("versions")) {
        if (HasMetadata.getVersion(type).equals(version.path("name").asText())) {
          return new CrdSchema(version.path("schema").path("openAPIV3Schema"));
        }
      }
      throw new IllegalStateException(
          file + " does not serve version " + HasMetadata.getVersion(type));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Everything the schema refuses in {@code value}, the model's {@code field} (e.g. {@code spec})
   * of an object of this kind; nothing for an absent value.
   */
  public List<Violation> violations(String field, Object value) {
    List<Violation> found = new ArrayList<>();
    JsonNode tree = value instanceof JsonNode node ? node : JSON.valueToTree(value);
    if (!absent(tree)) {
      check(root.path("properties").path(field), tree, field, found, false);
    }
    return found;
  }

  /**
   * Removes from {@code value} (raw JSON of {@code field}) what no model type can hold: values of
   * the wrong JSON type, strings outside an enum, integers beyond 64 bits, undeclared fields.
   * Returns what was removed, and whether {@code value} itself can be kept (not when it is of the
   * wrong type itself).
   */
  public Pruned prune(String field, JsonNode value) {
    List<Violation> removed = new ArrayList<>();
    boolean readable = check(root.path("properties").path(field), value, field, removed, true);
    return new Pruned(readable, removed);
  }

  /** What {@link #prune} removed, and whether the value as a whole could be kept. */
  public record Pruned(boolean readable, List<Violation> removed) {}

  /**
   * Checks {@code value} against {@code schema}, descending into it. With {@code pruning}, only
   * type and enum mismatches and undeclared fields are reported, and removed from their parent;
   * otherwise every rule is. Returns whether the value's type and enum fit, i.e. whether a model
   * type can hold it.
   */
  private static boolean check(
      JsonNode schema, JsonNode value, String path, List<Violation> found, boolean pruning) {
    String type = schema.path("type").asText("");
    if (!hasType(type, value)) {
      found.add(new Violation(path, "must be " + article(type) + ", got " + shown(value)));
      return false;
    }
    if (schema.has("enum")
        && StreamSupport.stream(schema.get("enum").spliterator(), false).noneMatch(value::equals)) {
      found.add(
          new Violation(
              path,
              "must be one of "
                  + String.join(", ", texts(schema.get("enum")))
                  + ", got "
                  + shown(value)));
      return false;
    }
    if (value instanceof ObjectNode object) {
      checkObject(schema, object, path, found, pruning);
    } else if (value instanceof ArrayNode array) {
      List<Integer> unreadable = new ArrayList<>();
      for (int i = 0; i < array.size(); i++) {
        if (!absent(array.get(i))
            && !check(schema.path("items"), array.get(i), path + "[" + i + "]", found, pruning)) {
          unreadable.add(0, i);
        }
      }
      if (pruning) {
        unreadable.forEach(array::remove);
      } else {
        count(schema, array.size(), "Items", path, found);
      }
    } else if (!pruning) {
      checkScalar(schema, value, path, found);
    }
    return true;
  }

  private static void checkObject(
      JsonNode schema, ObjectNode object, String path, List<Violation> found, boolean pruning) {
    JsonNode properties = schema.path("properties");
    JsonNode additional = schema.path("additionalProperties");
    boolean open = schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
    for (Iterator<Map.Entry<String, JsonNode>> fields = object.properties().iterator();
        fields.hasNext(); ) {
      Map.Entry<String, JsonNode> field = fields.next();
      boolean keep;
      if (properties.has(field.getKey())) {
        keep =
            absent(field.getValue())
                || check(
                    properties.get(field.getKey()),
                    field.getValue(),
                    path + "." + field.getKey(),
                    found,
                    pruning);
      } else if (additional.isObject()) {
        keep =
            absent(field.getValue())
                || check(
                    additional,
                    field.getValue(),
                    path + "[" + field.getKey() + "]",
                    found,
                    pruning);
      } else {
        keep = open;
        if (!open) {
          found.add(new Violation(path + "." + field.getKey(), "unknown field"));
        }
      }
      if (!keep && pruning) {
        fields.remove();
      }
    }
    if (pruning) {
      return;
    }
    for (JsonNode required : schema.path("required")) {
      if (absent(object.get(required.asText()))) {
        found.add(new Violation(path + "." + required.asText(), "is required"));
      }
    }
    count(schema, object.size(), "Properties", path, found);
  }

  private static void checkScalar(
      JsonNode schema, JsonNode value, String path, List<Violation> found) {
    if (value.isNumber()) {
      BigDecimal number = value.decimalValue();
      if (schema.has("minimum") && number.compareTo(schema.get("minimum").decimalValue()) < 0) {
        found.add(
            new Violation(
                path,
                "must be at least " + plain(schema.get("minimum")) + ", got " + plain(value)));
      }
      if (schema.has("maximum") && number.compareTo(schema.get("maximum").decimalValue()) > 0) {
        found.add(
            new Violation(
                path, "must be at most " + plain(schema.get("maximum")) + ", got " + plain(value)));
      }
    } else if (value.isTextual()) {
      String text = value.textValue();
      int length = text.codePointCount(0, text.length());
      if (schema.has("minLength") && length < schema.get("minLength").asInt()) {
        found.add(
            new Violation(
                path,
                "must be at least "
                    + schema.get("minLength").asInt()
                    + " characters long, got "
                    + shown(value)));
      }
      if (schema.has("maxLength") && length > schema.get("maxLength").asInt()) {
        found.add(
            new Violation(
                path,
                "must be at most "
                    + schema.get("maxLength").asInt()
                    + " characters long, got "
                    + length));
      }
      String pattern = schema.path("pattern").asText(null);
      if (pattern != null
          && !PATTERNS.computeIfAbsent(pattern, Pattern::compile).matcher(text).find()) {
        found.add(new Violation(path, "must match " + pattern + ", got " + shown(value)));
      }
    }
  }

  /**
   * The minItems/maxItems ({@code what} Items) or min/maxProperties ({@code what} Properties)
   * bounds of {@code schema} on {@code size}.
   */
  private static void count(
      JsonNode schema, int size, String what, String path, List<Violation> found) {
    String noun = what.equals("Items") ? "items" : "entries";
    if (schema.has("min" + what) && size < schema.get("min" + what).asInt()) {
      found.add(
          new Violation(
              path,
              "must have at least "
                  + schema.get("min" + what).asInt()
                  + " "
                  + noun
                  + ", got "
                  + size));
    }
    if (schema.has("max" + what) && size > schema.get("max" + what).asInt()) {
      found.add(
          new Violation(
              path,
              "must have at most "
                  + schema.get("max" + what).asInt()
                  + " "
                  + noun
                  + ", got "
                  + size));
    }
  }

  private static boolean hasType(String type, JsonNode value) {
    return switch (type) {
      case "object" -> value.isObject();
      case "array" -> value.isArray();
      case "string" -> value.isTextual();
      case "boolean" -> value.isBoolean();
      case "number" -> value.isNumber();
      // A model type holds at most 64 bits; an integral double (5.0) is an integer, as JSON has one
      // number type.
      case "integer" ->
          value.isNumber() && value.canConvertToExactIntegral() && value.canConvertToLong();
      default -> true;
    };
  }

  private static String article(String type) {
    return type.equals("integer") || type.equals("object") || type.equals("array")
        ? "an " + type
        : "a " + type;
  }

  private static List<String> texts(JsonNode values) {
    List<String> texts = new ArrayList<>();
    values.forEach(v -> texts.add(v.asText()));
    return texts;
  }

  private static String plain(JsonNode number) {
    return number.decimalValue().stripTrailingZeros().toPlainString();
  }

  /** The value as the user wrote it (JSON), cut short when long. */
  private static String shown(JsonNode value) {
    String text = value.toString();
    return text.length() <= SHOWN_CHARACTERS ? text : text.substring(0, SHOWN_CHARACTERS) + "…";
  }

  private static boolean absent(JsonNode value) {
    return value == null || value.isNull() || value.isMissingNode();
  }
}
