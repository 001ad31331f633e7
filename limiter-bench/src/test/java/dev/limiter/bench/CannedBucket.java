package dev.limiter.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;
import software.amazon.awssdk.protocols.jsoncore.JsonNodeParser;

/**
 * The one bucket item of a benchmark, kept as the limiter's UpdateItems leave it, for {@link
 * CannedDynamoDb#answer(String, CannedDynamoDb.Responder)}: local reservation sizes and keeps its
 * segments from the times a write returns, so a fixed answer (a stale bucket) would admit nothing
 * locally.
 *
 * <p>It understands the UpdateItem of a bucket write as the limiter sends it and nothing else: an
 * update of {@code SET} clauses {@code #a = :v}, {@code #a = if_not_exists(#b, :v)} and {@code #a =
 * #b + :v} or {@code - :v} (the idle branch {@code t = :v}, the busy branch {@code t = t + :c}, a
 * reservation's {@code r}, and {@code kind}, {@code lw}, {@code pw}, {@code ttl}), every operand
 * read from the item before the update as DynamoDB does; a condition that is an {@code AND} of
 * terms or of parenthesized {@code OR}s of {@code attribute_not_exists(#a)} and comparisons; values
 * of type S, or N that fit a long; {@code ReturnValues} {@code UPDATED_NEW}. An applied write is
 * answered with the attributes it set, their new values, as DynamoDB answers {@code UPDATED_NEW}.
 *
 * <p>Below the limit a benchmark is never refused, so it meets no failed condition but for a branch
 * the limiter guessed wrong (idle against a busy bucket, or the other way). The condition is
 * evaluated anyway, so that such a write is not applied wrongly: it is answered as DynamoDB answers
 * it, {@code ConditionalCheckFailedException} with the item as it was ({@code ALL_OLD}), and
 * counted ({@link #conditionFailures()}). Anything else — another table or item than the first
 * write's, another request field, clause, function, operator or type — throws {@link
 * IllegalStateException}, so that a benchmark whose requests it does not model fails rather than
 * measures a wrong answer. The parsed expressions are kept per text (the limiter sends a few
 * shapes), since its CPU counts in the benchmark's.
 */
public final class CannedBucket implements CannedDynamoDb.Responder {

  private static final JsonNodeParser JSON = JsonNodeParser.create();
  private static final Set<String> FIELDS =
      Set.of(
          "TableName",
          "Key",
          "UpdateExpression",
          "ConditionExpression",
          "ExpressionAttributeNames",
          "ExpressionAttributeValues",
          "ReturnValues",
          "ReturnValuesOnConditionCheckFailure");
  private static final Pattern CLAUSE =
      Pattern.compile(
          "\\G(?:SET |, )(#\\w+) = (?:(:\\w+)|if_not_exists\\((#\\w+), (:\\w+)\\)"
              + "|(#\\w+) ([+-]) (:\\w+))");
  private static final Pattern NOT_EXISTS = Pattern.compile("attribute_not_exists\\((#\\w+)\\)");
  private static final Pattern COMPARISON =
      Pattern.compile("([#:]\\w+) (=|<>|<=|>=|<|>) ([#:]\\w+)");
  private static final String CONDITION_FAILED =
      "{\"__type\":\"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException\","
          + "\"message\":\"The conditional request failed\"";

  private final String tableName;
  private final Map<String, List<Clause>> updates = new HashMap<>();
  private final Map<String, List<List<Term>>> conditions = new HashMap<>();

  /** The item: its key's attributes and what the writes set, by attribute name. */
  private final Map<String, Value> item = new LinkedHashMap<>();

  private Map<String, Value> key;
  private long applied;
  private long conditionFailures;

  /** The bucket item of {@code tableName} that the first write names. */
  public CannedBucket(String tableName) {
    this.tableName = tableName;
  }

  /** An attribute value: its DynamoDB type ({@code S} or {@code N}) and its text. */
  private record Value(String type, String text) {
    long number() {
      if (!type.equals("N")) {
        throw new IllegalStateException("not a number: " + this);
      }
      return Long.parseLong(text);
    }

    String json() {
      return "{\"" + type + "\":" + quoted(text) + "}";
    }
  }

  /** One {@code SET} clause: {@code target = value}, or of {@code attribute} and {@code value}. */
  private record Clause(String target, Form form, String attribute, String value) {}

  private enum Form {
    VALUE,
    IF_NOT_EXISTS,
    PLUS,
    MINUS
  }

  /**
   * One term of an {@code OR}: {@code attribute_not_exists(left)} when {@code operator} is null.
   */
  private record Term(String left, String operator, String right) {}

  @Override
  public synchronized CannedDynamoDb.Answer answer(byte[] requestBody) {
    Map<String, JsonNode> request = JSON.parse(requestBody).asObject();
    for (String field : request.keySet()) {
      if (!FIELDS.contains(field)) {
        throw new IllegalStateException("a bucket write has no field " + field);
      }
    }
    if (!tableName.equals(text(request, "TableName"))) {
      throw new IllegalStateException("not table " + tableName + ": " + text(request, "TableName"));
    }
    if (!"UPDATED_NEW".equals(text(request, "ReturnValues"))) {
      throw new IllegalStateException("ReturnValues " + text(request, "ReturnValues"));
    }
    Map<String, Value> requestKey = values(request.get("Key"));
    if (key != null && !key.equals(requestKey)) {
      throw new IllegalStateException("not the one bucket item " + key + ": " + requestKey);
    }
    Map<String, String> names = names(request.get("ExpressionAttributeNames"));
    Map<String, Value> values = values(request.get("ExpressionAttributeValues"));
    String condition = text(request, "ConditionExpression");
    if (condition != null
        && !holds(conditions.computeIfAbsent(condition, CannedBucket::condition), names, values)) {
      conditionFailures++;
      boolean allOld = "ALL_OLD".equals(text(request, "ReturnValuesOnConditionCheckFailure"));
      return CannedDynamoDb.Answer.clientError(
          CONDITION_FAILED + (allOld && !item.isEmpty() ? ",\"Item\":" + json(item) : "") + "}");
    }
    String update = text(request, "UpdateExpression");
    if (update == null) {
      throw new IllegalStateException("a bucket write without an UpdateExpression");
    }
    Map<String, Value> updated = new LinkedHashMap<>();
    for (Clause clause : updates.computeIfAbsent(update, CannedBucket::update)) {
      updated.put(name(names, clause.target()), evaluate(clause, names, values));
    }
    if (item.isEmpty()) {
      key = requestKey;
      item.putAll(key);
    }
    item.putAll(updated);
    applied++;
    return CannedDynamoDb.Answer.ok("{\"Attributes\":" + json(updated) + "}");
  }

  /** Writes applied so far. */
  public synchronized long applied() {
    return applied;
  }

  /** Writes whose condition failed so far (answered as DynamoDB does, nothing written). */
  public synchronized long conditionFailures() {
    return conditionFailures;
  }

  /** The item's attribute {@code name} as text, or null. */
  public synchronized String attribute(String name) {
    Value value = item.get(name);
    return value == null ? null : value.text();
  }

  /** The clause's new value, from the item before the update. */
  private Value evaluate(Clause clause, Map<String, String> names, Map<String, Value> values) {
    Value value = value(values, clause.value());
    if (clause.form() == Form.VALUE) {
      return value;
    }
    Value old = item.get(name(names, clause.attribute()));
    if (clause.form() == Form.IF_NOT_EXISTS) {
      return old == null ? value : old;
    }
    if (old == null) {
      throw new IllegalStateException(
          "arithmetic on a missing attribute " + name(names, clause.attribute()));
    }
    long result =
        clause.form() == Form.PLUS
            ? Math.addExact(old.number(), value.number())
            : Math.subtractExact(old.number(), value.number());
    return new Value("N", Long.toString(result));
  }

  private boolean holds(
      List<List<Term>> condition, Map<String, String> names, Map<String, Value> values) {
    for (List<Term> anyOf : condition) {
      boolean held = false;
      for (Term term : anyOf) {
        held |= holds(term, names, values);
      }
      if (!held) {
        return false;
      }
    }
    return true;
  }

  private boolean holds(Term term, Map<String, String> names, Map<String, Value> values) {
    if (term.operator() == null) {
      return !item.containsKey(name(names, term.left()));
    }
    Value left = operand(term.left(), names, values);
    Value right = operand(term.right(), names, values);
    if (left == null || right == null || !left.type().equals(right.type())) {
      // As DynamoDB: a comparison with a missing attribute or of different types is false.
      return false;
    }
    int order =
        left.type().equals("N")
            ? Long.compare(left.number(), right.number())
            : left.text().compareTo(right.text());
    return switch (term.operator()) {
      case "=" -> order == 0;
      case "<>" -> order != 0;
      case "<" -> order < 0;
      case "<=" -> order <= 0;
      case ">" -> order > 0;
      case ">=" -> order >= 0;
      default -> throw new IllegalStateException("operator " + term.operator());
    };
  }

  private Value operand(String placeholder, Map<String, String> names, Map<String, Value> values) {
    return placeholder.startsWith("#")
        ? item.get(name(names, placeholder))
        : value(values, placeholder);
  }

  private static List<Clause> update(String expression) {
    List<Clause> clauses = new ArrayList<>();
    Matcher clause = CLAUSE.matcher(expression);
    int end = 0;
    while (clause.find()) {
      end = clause.end();
      if (clause.group(2) != null) {
        clauses.add(new Clause(clause.group(1), Form.VALUE, null, clause.group(2)));
      } else if (clause.group(3) != null) {
        clauses.add(
            new Clause(clause.group(1), Form.IF_NOT_EXISTS, clause.group(3), clause.group(4)));
      } else {
        Form sign = clause.group(6).equals("+") ? Form.PLUS : Form.MINUS;
        clauses.add(new Clause(clause.group(1), sign, clause.group(5), clause.group(7)));
      }
    }
    if (clauses.isEmpty() || end != expression.length()) {
      throw new IllegalStateException("an update this bucket does not model: " + expression);
    }
    return List.copyOf(clauses);
  }

  private static List<List<Term>> condition(String expression) {
    List<List<Term>> allOf = new ArrayList<>();
    for (String conjunct : expression.split(" AND ")) {
      String terms =
          conjunct.startsWith("(") && conjunct.endsWith(")")
              ? conjunct.substring(1, conjunct.length() - 1)
              : conjunct;
      List<Term> anyOf = new ArrayList<>();
      for (String term : terms.split(" OR ")) {
        Matcher notExists = NOT_EXISTS.matcher(term);
        Matcher comparison = COMPARISON.matcher(term);
        if (notExists.matches()) {
          anyOf.add(new Term(notExists.group(1), null, null));
        } else if (comparison.matches()) {
          anyOf.add(new Term(comparison.group(1), comparison.group(2), comparison.group(3)));
        } else {
          throw new IllegalStateException(
              "a condition this bucket does not model: " + term + " in " + expression);
        }
      }
      allOf.add(List.copyOf(anyOf));
    }
    return List.copyOf(allOf);
  }

  private static String name(Map<String, String> names, String placeholder) {
    String name = names.get(placeholder);
    if (name == null) {
      throw new IllegalStateException("no ExpressionAttributeNames entry " + placeholder);
    }
    return name;
  }

  private static Value value(Map<String, Value> values, String placeholder) {
    Value value = values.get(placeholder);
    if (value == null) {
      throw new IllegalStateException("no ExpressionAttributeValues entry " + placeholder);
    }
    return value;
  }

  private static String text(Map<String, JsonNode> request, String field) {
    JsonNode node = request.get(field);
    if (node == null) {
      return null;
    }
    if (!node.isString()) {
      throw new IllegalStateException(field + " is not a string: " + node);
    }
    return node.asString();
  }

  private static Map<String, String> names(JsonNode node) {
    Map<String, String> names = new HashMap<>();
    if (node != null) {
      node.asObject().forEach((placeholder, name) -> names.put(placeholder, name.asString()));
    }
    return names;
  }

  private static Map<String, Value> values(JsonNode node) {
    if (node == null || !node.isObject()) {
      throw new IllegalStateException("attribute values missing or not an object: " + node);
    }
    Map<String, Value> values = new LinkedHashMap<>();
    node.asObject()
        .forEach(
            (name, typed) -> {
              Map<String, JsonNode> value = typed.asObject();
              if (value.size() != 1) {
                throw new IllegalStateException("attribute value " + name + ": " + typed);
              }
              Map.Entry<String, JsonNode> only = value.entrySet().iterator().next();
              if (!Set.of("S", "N").contains(only.getKey()) || !only.getValue().isString()) {
                throw new IllegalStateException("a type this bucket does not model: " + typed);
              }
              Value parsed = new Value(only.getKey(), only.getValue().asString());
              if (parsed.type().equals("N")) {
                parsed.number();
              }
              values.put(name, parsed);
            });
    return values;
  }

  private static String json(Map<String, Value> attributes) {
    StringBuilder json = new StringBuilder("{");
    for (Map.Entry<String, Value> attribute : attributes.entrySet()) {
      if (json.length() > 1) {
        json.append(',');
      }
      json.append(quoted(attribute.getKey())).append(':').append(attribute.getValue().json());
    }
    return json.append('}').toString();
  }

  private static String quoted(String text) {
    StringBuilder quoted = new StringBuilder(text.length() + 2).append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x20) {
        throw new IllegalStateException("a control character in " + text);
      }
      if (c == '"' || c == '\\') {
        quoted.append('\\');
      }
      quoted.append(c);
    }
    return quoted.append('"').toString();
  }
}
