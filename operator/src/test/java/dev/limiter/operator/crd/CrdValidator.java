package dev.limiter.operator.crd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;
import com.networknt.schema.path.NodePath;
import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.SimpleType;
import dev.cel.common.values.NullValue;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Validates custom resources against one version of a CRD the way kube-apiserver does on create and
 * update.
 *
 * <p>Unit tests run without an API server, so this emulates the server's steps on a copy of the
 * resource: prune {@code null}s of non-nullable fields, apply the schema's {@code default}s (the
 * server does both before validating, so rules see defaulted fields), check the OpenAPI schema
 * (types, required, enum, bounds, lengths, patterns, item and property counts, duplicate keys in
 * {@code x-kubernetes-list-type: map} lists; fields the schema does not declare are reported as
 * kubectl's default strict field validation does), and, unless the schema found a wrong type, a
 * missing field, a value outside an enum or too long a string, list or map (the server then skips
 * every rule), evaluate every {@code x-kubernetes-validations} CEL rule on the value at its schema
 * node. Transition rules, those that use {@code oldSelf}, run only on update and only where the old
 * object has a value at the same path (list items are matched only in {@code
 * x-kubernetes-list-type: map} lists, by their keys).
 *
 * <p>Not emulated: {@code format} checks, {@code x-kubernetes-int-or-string} (such fields accept
 * any value), {@code x-kubernetes-embedded-resource} metadata checks, {@code metadata} validation,
 * {@code messageExpression} and {@code reason} (the plain {@code message} is used), {@code
 * optionalOldSelf}, validation ratcheting of unchanged fields, CEL cost limits, integral numbers
 * written as decimals ({@code 5.0}: refused here for an integer field, accepted by the server,
 * whose CEL rules then fail on them), and Kubernetes' own CEL libraries (lists, regex find,
 * quantity, url, ip); the CEL environment has the standard functions plus the strings and sets
 * extensions. Rules are type-checked with {@code self} and {@code oldSelf} as {@code dyn}, so a
 * rule the server would reject for a type error can still compile here. Structural messages use the
 * schema validator's wording, with Kubernetes-style field paths such as {@code spec.billing.mode};
 * rule failures read like the server's, {@code <path>: Invalid value: "<type>": <message>}. {@code
 * CrdAdmissionApiServerIT} sends the validation tests' cases to a real kube-apiserver and checks
 * that it refuses the same fields.
 */
public final class CrdValidator {

  private static final YAMLMapper YAML = new YAMLMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final String RULES = "x-kubernetes-validations";
  private static final String PRESERVE_UNKNOWN = "x-kubernetes-preserve-unknown-fields";

  /**
   * Schema keywords whose violation stops kube-apiserver from evaluating any CEL rule of the
   * object.
   */
  private static final java.util.Set<String> BLOCKING =
      java.util.Set.of(
          "type",
          "required",
          "enum",
          "maxLength",
          "maxItems",
          "maxProperties",
          "additionalProperties");

  private static final CelOptions CEL_OPTIONS =
      CelOptions.current().enableHeterogeneousNumericComparisons(true).build();
  private static final Cel CEL =
      CelFactory.standardCelBuilder()
          .setOptions(CEL_OPTIONS)
          .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
          .addCompilerLibraries(CelExtensions.strings(), CelExtensions.sets(CEL_OPTIONS))
          .addRuntimeLibraries(CelExtensions.strings(), CelExtensions.sets(CEL_OPTIONS))
          .addVar("self", SimpleType.DYN)
          .addVar("oldSelf", SimpleType.DYN)
          .build();

  private final JsonNode schema;
  private final Schema structural;
  private final Map<String, CompiledRule> rules = new HashMap<>();

  private CrdValidator(JsonNode schema) {
    this.schema = schema;
    this.structural =
        SchemaRegistry.withDefaultDialect(Dialects.getOpenApi30())
            .getSchema(structuralSchema(schema));
    compileRules(schema);
  }

  /**
   * Reads the {@code openAPIV3Schema} of {@code version} from a CRD file and compiles all its CEL
   * rules.
   *
   * @throws IllegalArgumentException if the CRD has no such version or a rule does not compile
   */
  public static CrdValidator load(Path crdFile, String version) throws IOException {
    for (JsonNode served : readYaml(crdFile).path("spec").path("versions")) {
      if (version.equals(served.path("name").asText())) {
        return new CrdValidator(served.path("schema").path("openAPIV3Schema"));
      }
    }
    throw new IllegalArgumentException(crdFile + " has no version " + version);
  }

  /** Reads the first YAML document of a file, such as a sample resource. */
  public static JsonNode readYaml(Path file) throws IOException {
    return YAML.readTree(file.toFile());
  }

  /**
   * Validates a resource being created.
   *
   * @param resource the whole resource: a {@link JsonNode}, a {@link Map} or any
   *     Jackson-serialisable model
   * @return the errors, empty when the server would accept the resource
   */
  public List<String> validate(Object resource) {
    return validateUpdate(resource, null);
  }

  /**
   * Validates an update of {@code oldResource} to {@code resource}, transition rules included.
   *
   * @param oldResource the stored resource, or {@code null} for a create
   * @return the errors, empty when the server would accept the update
   */
  public List<String> validateUpdate(Object resource, Object oldResource) {
    JsonNode object = admitted(resource);
    JsonNode old = oldResource == null ? null : admitted(oldResource);
    List<String> errors = new ArrayList<>();
    List<Error> schemaErrors = structural.validate(object);
    schemaErrors.forEach(error -> errors.add(describe(error)));
    checkListMapKeys(schema, object, "", errors);
    // As kube-apiserver: no CEL rule runs on an object with a wrong type, a missing required field,
    // a value
    // outside an enum, or too long a string, list or map (it then adds a note, at no field, that
    // some rules were
    // not checked; left out here). Other schema errors (bounds, patterns, minimum lengths) leave
    // the rules on.
    if (schemaErrors.stream().noneMatch(error -> BLOCKING.contains(error.getKeyword()))) {
      checkRules(schema, object, old, "", errors);
    }
    return errors;
  }

  /**
   * The resource as the server would validate it: a copy with nulls pruned and defaults applied.
   */
  private JsonNode admitted(Object resource) {
    JsonNode copy =
        resource instanceof JsonNode node ? node.deepCopy() : YAML.valueToTree(resource);
    applyDefaults(schema, copy);
    return copy;
  }

  private static void applyDefaults(JsonNode schema, JsonNode value) {
    if (value instanceof ObjectNode object) {
      schema
          .path("properties")
          .properties()
          .forEach(
              property -> {
                String name = property.getKey();
                JsonNode fieldSchema = property.getValue();
                if (object.path(name).isNull() && !fieldSchema.path("nullable").asBoolean(false)) {
                  object.remove(name);
                }
                if (!object.has(name) && fieldSchema.has("default")) {
                  object.set(name, fieldSchema.get("default").deepCopy());
                }
                applyDefaults(fieldSchema, object.get(name));
              });
      JsonNode additional = schema.path("additionalProperties");
      if (additional.isObject()) {
        object.forEach(entry -> applyDefaults(additional, entry));
      }
    } else if (value != null && value.isArray()) {
      value.forEach(item -> applyDefaults(schema.path("items"), item));
    }
  }

  /**
   * The schema as plain OpenAPI 3.0 for the schema validator, with Kubernetes' implicit rules made
   * explicit.
   */
  private static JsonNode structuralSchema(JsonNode crdSchema) {
    ObjectNode root = crdSchema.deepCopy();
    allowTypeMeta(root);
    prepare(root, true);
    return root;
  }

  /**
   * Kubernetes accepts apiVersion, kind and metadata on every resource without the schema declaring
   * them.
   */
  private static void allowTypeMeta(ObjectNode schema) {
    ObjectNode properties = schema.withObject("/properties");
    properties.putIfAbsent("apiVersion", NODES.objectNode().put("type", "string"));
    properties.putIfAbsent("kind", NODES.objectNode().put("type", "string"));
    properties.putIfAbsent(
        "metadata", NODES.objectNode().put("type", "object").put(PRESERVE_UNKNOWN, true));
  }

  /**
   * Drops Kubernetes extensions and {@code format}, and forbids undeclared fields of objects that
   * neither preserve unknown fields nor are maps. Branches of allOf/anyOf/oneOf/not only restrict
   * values and may list a subset of the properties, so they stay open.
   */
  private static void prepare(ObjectNode schema, boolean closeObjects) {
    if (schema.path("x-kubernetes-embedded-resource").asBoolean(false)) {
      allowTypeMeta(schema);
    }
    boolean preserveUnknown = schema.path(PRESERVE_UNKNOWN).asBoolean(false);
    schema.remove(
        schema.properties().stream()
            .map(Map.Entry::getKey)
            .filter(keyword -> keyword.startsWith("x-kubernetes-") || keyword.equals("format"))
            .toList());
    schema.path("properties").forEach(property -> prepare((ObjectNode) property, closeObjects));
    for (String keyword : List.of("items", "additionalProperties")) {
      if (schema.get(keyword) instanceof ObjectNode child) {
        prepare(child, closeObjects);
      }
    }
    for (String keyword : List.of("allOf", "anyOf", "oneOf")) {
      schema.path(keyword).forEach(branch -> prepare((ObjectNode) branch, false));
    }
    if (schema.get("not") instanceof ObjectNode negated) {
      prepare(negated, false);
    }
    boolean isObject = "object".equals(schema.path("type").asText()) || schema.has("properties");
    if (closeObjects && isObject && !preserveUnknown && !schema.has("additionalProperties")) {
      schema.put("additionalProperties", false);
    }
  }

  private static String describe(Error error) {
    String path = fieldPath(error.getInstanceLocation());
    return switch (error.getKeyword()) {
      case "required" -> join(path, error.getProperty()) + ": Required value";
      case "additionalProperties" -> join(path, error.getProperty()) + ": unknown field";
      default -> display(path) + ": " + error.getMessage();
    };
  }

  private static String fieldPath(NodePath location) {
    String path = "";
    for (int i = 0; i < location.getNameCount(); i++) {
      Object element = location.getElement(i);
      path =
          element instanceof Integer index
              ? path + "[" + index + "]"
              : join(path, element.toString());
    }
    return path;
  }

  private static String join(String path, String field) {
    return path.isEmpty() ? field : path + "." + field;
  }

  private static String display(String path) {
    return path.isEmpty() ? "(root)" : path;
  }

  private void compileRules(JsonNode schemaNode) {
    for (JsonNode rule : schemaNode.path(RULES)) {
      rules.computeIfAbsent(rule.path("rule").asText(), CrdValidator::compile);
    }
    schemaNode.path("properties").forEach(this::compileRules);
    for (String keyword : List.of("items", "additionalProperties")) {
      if (schemaNode.path(keyword).isObject()) {
        compileRules(schemaNode.get(keyword));
      }
    }
  }

  private static CompiledRule compile(String expression) {
    try {
      CelAbstractSyntaxTree ast = CEL.compile(expression).getAst();
      boolean transition =
          ast.getReferenceMap().values().stream().anyMatch(ref -> ref.name().equals("oldSelf"));
      return new CompiledRule(CEL.createProgram(ast), transition);
    } catch (CelValidationException | CelEvaluationException e) {
      throw new IllegalArgumentException("CEL rule does not compile: " + expression, e);
    }
  }

  /**
   * Reports every item of an {@code x-kubernetes-list-type: map} list whose keys an earlier item
   * has, as the server does ({@code spec.entities[1]: Duplicate value: {"id":"a"}}), descending
   * into every value.
   */
  private static void checkListMapKeys(
      JsonNode schemaNode, JsonNode value, String path, List<String> errors) {
    if (value instanceof ObjectNode object) {
      schemaNode
          .path("properties")
          .properties()
          .forEach(
              property -> {
                if (object.get(property.getKey()) != null) {
                  checkListMapKeys(
                      property.getValue(),
                      object.get(property.getKey()),
                      join(path, property.getKey()),
                      errors);
                }
              });
    } else if (value != null && value.isArray()) {
      boolean keyed = "map".equals(schemaNode.path("x-kubernetes-list-type").asText());
      java.util.Set<JsonNode> seen = new java.util.HashSet<>();
      for (int i = 0; i < value.size(); i++) {
        JsonNode item = value.get(i);
        if (keyed && item.isObject()) {
          ObjectNode keys = NODES.objectNode();
          schemaNode
              .path("x-kubernetes-list-map-keys")
              .forEach(key -> keys.set(key.asText(), item.get(key.asText())));
          if (!seen.add(keys)) {
            errors.add(path + "[" + i + "]: Duplicate value: " + keys);
          }
        }
        checkListMapKeys(schemaNode.path("items"), item, path + "[" + i + "]", errors);
      }
    }
  }

  /**
   * Evaluates the rules of a schema node on its value, then descends to the values of the child
   * nodes.
   */
  private void checkRules(
      JsonNode schemaNode, JsonNode value, JsonNode old, String path, List<String> errors) {
    if (absent(value)) {
      return;
    }
    for (JsonNode rule : schemaNode.path(RULES)) {
      evaluate(rule, schemaNode.path("type").asText("object"), value, old, path, errors);
    }
    if (value.isObject()) {
      schemaNode
          .path("properties")
          .properties()
          .forEach(
              property ->
                  checkRules(
                      property.getValue(),
                      value.get(property.getKey()),
                      child(old, property.getKey()),
                      join(path, property.getKey()),
                      errors));
      JsonNode additional = schemaNode.path("additionalProperties");
      if (additional.isObject()) {
        value
            .properties()
            .forEach(
                entry ->
                    checkRules(
                        additional,
                        entry.getValue(),
                        child(old, entry.getKey()),
                        path + "[" + entry.getKey() + "]",
                        errors));
      }
    } else if (value.isArray()) {
      for (int i = 0; i < value.size(); i++) {
        checkRules(
            schemaNode.path("items"),
            value.get(i),
            correlatedItem(schemaNode, value.get(i), old),
            path + "[" + i + "]",
            errors);
      }
    }
  }

  private void evaluate(
      JsonNode rule, String type, JsonNode value, JsonNode old, String path, List<String> errors) {
    String expression = rule.path("rule").asText();
    CompiledRule compiled = rules.get(expression);
    if (compiled.transition() && absent(old)) {
      return;
    }
    Map<String, Object> variables = new HashMap<>();
    variables.put("self", celValue(value));
    if (!absent(old)) {
      variables.put("oldSelf", celValue(old));
    }
    String where =
        display(path + rule.path("fieldPath").asText("")) + ": Invalid value: \"" + type + "\": ";
    try {
      Object result = compiled.program().eval(variables);
      if (!(result instanceof Boolean valid)) {
        errors.add(where + "rule \"" + expression + "\" returned " + result + ", not a bool");
      } else if (!valid) {
        errors.add(where + rule.path("message").asText("failed rule: " + expression));
      }
    } catch (CelEvaluationException e) {
      // kube-apiserver reports a rule that cannot be evaluated (a string duration() cannot parse)
      // at the rule's node, whatever its fieldPath says.
      errors.add(
          display(path)
              + ": Invalid value: \""
              + type
              + "\": rule \""
              + expression
              + "\" failed: "
              + e.getMessage());
    }
  }

  private static JsonNode child(JsonNode old, String field) {
    return absent(old) ? null : old.get(field);
  }

  /**
   * The old item with the same keys, for transition rules inside lists of type map; none elsewhere.
   */
  private static JsonNode correlatedItem(JsonNode listSchema, JsonNode item, JsonNode oldList) {
    if (absent(oldList) || !"map".equals(listSchema.path("x-kubernetes-list-type").asText())) {
      return null;
    }
    JsonNode keys = listSchema.path("x-kubernetes-list-map-keys");
    for (JsonNode candidate : oldList) {
      boolean sameKeys = true;
      for (JsonNode key : keys) {
        sameKeys &= Objects.equals(candidate.get(key.asText()), item.get(key.asText()));
      }
      if (sameKeys) {
        return candidate;
      }
    }
    return null;
  }

  private static boolean absent(JsonNode value) {
    return value == null || value.isNull() || value.isMissingNode();
  }

  /**
   * JSON as CEL sees it: objects as maps so that {@code has()} and field selection work on {@code
   * dyn}.
   */
  private static Object celValue(JsonNode node) {
    return switch (node.getNodeType()) {
      case OBJECT -> {
        Map<String, Object> map = new LinkedHashMap<>();
        node.properties().forEach(entry -> map.put(entry.getKey(), celValue(entry.getValue())));
        yield map;
      }
      case ARRAY -> {
        List<Object> list = new ArrayList<>();
        node.forEach(item -> list.add(celValue(item)));
        yield list;
      }
      case STRING -> node.textValue();
      case BOOLEAN -> node.booleanValue();
      case NUMBER ->
          node.isIntegralNumber() && node.canConvertToLong()
              ? (Object) node.longValue()
              : node.doubleValue();
      case NULL -> NullValue.NULL_VALUE;
      default -> throw new IllegalArgumentException("not a JSON value: " + node);
    };
  }

  private record CompiledRule(CelRuntime.Program program, boolean transition) {}
}
