package dev.limiter.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.protocols.jsoncore.JsonNodeParser;
import software.amazon.awssdk.thirdparty.jackson.core.JsonParser;
import software.amazon.awssdk.thirdparty.jackson.core.JsonToken;

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
 * measures a wrong answer. Its CPU and allocation count in the benchmark's, so it reads the request
 * as a stream from the canned client's buffer rather than as a tree, and keeps the parsed
 * expressions per text (the limiter sends a few shapes).
 */
public final class CannedBucket implements CannedDynamoDb.Responder {

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
      try {
        return Long.parseLong(text);
      } catch (NumberFormatException e) {
        throw new IllegalStateException("a number this bucket does not model: " + text, e);
      }
    }

    void appendTo(StringBuilder json) {
      json.append("{\"").append(type).append("\":");
      quote(text, json);
      json.append('}');
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

  /** The fields of a bucket write's request, as read from its JSON. */
  private static final class Write {
    String table;
    Map<String, Value> key;
    String update;
    String condition;
    Map<String, String> names = Map.of();
    Map<String, Value> values = Map.of();
    String returnValues;
    String onConditionFailure;
  }

  @Override
  public synchronized CannedDynamoDb.Answer answer(byte[] body, int length) {
    Write request = read(body, length);
    if (!tableName.equals(request.table)) {
      throw new IllegalStateException("not table " + tableName + ": " + request.table);
    }
    if (!"UPDATED_NEW".equals(request.returnValues)) {
      throw new IllegalStateException("ReturnValues " + request.returnValues);
    }
    Map<String, Value> requestKey = request.key;
    if (requestKey == null || (key != null && !key.equals(requestKey))) {
      throw new IllegalStateException("not the one bucket item " + key + ": " + requestKey);
    }
    Map<String, String> names = request.names;
    Map<String, Value> values = request.values;
    String condition = request.condition;
    if (condition != null
        && !holds(conditions.computeIfAbsent(condition, CannedBucket::condition), names, values)) {
      conditionFailures++;
      boolean allOld = "ALL_OLD".equals(request.onConditionFailure);
      StringBuilder failed = new StringBuilder(512).append(CONDITION_FAILED);
      if (allOld && !item.isEmpty()) {
        append(item, failed.append(",\"Item\":"));
      }
      return CannedDynamoDb.Answer.clientError(failed.append('}').toString());
    }
    String update = request.update;
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
    StringBuilder answer = new StringBuilder(512).append("{\"Attributes\":");
    append(updated, answer);
    return CannedDynamoDb.Answer.ok(answer.append('}').toString());
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

  /**
   * Reads a bucket write's request field by field (a stream, not a tree: its allocation counts in
   * the benchmark's); a field a bucket write does not have, or a value of another shape, throws.
   */
  private static Write read(byte[] body, int length) {
    Write write = new Write();
    try (JsonParser json = JsonNodeParser.DEFAULT_JSON_FACTORY.createParser(body, 0, length)) {
      expect(json, JsonToken.START_OBJECT);
      for (String field = json.nextFieldName(); field != null; field = json.nextFieldName()) {
        switch (field) {
          case "TableName" -> write.table = string(json);
          case "Key" -> write.key = values(json);
          case "UpdateExpression" -> write.update = string(json);
          case "ConditionExpression" -> write.condition = string(json);
          case "ExpressionAttributeNames" -> write.names = names(json);
          case "ExpressionAttributeValues" -> write.values = values(json);
          case "ReturnValues" -> write.returnValues = string(json);
          case "ReturnValuesOnConditionCheckFailure" -> write.onConditionFailure = string(json);
          default -> throw new IllegalStateException("a bucket write has no field " + field);
        }
      }
      expectCurrent(json, JsonToken.END_OBJECT);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return write;
  }

  private static String string(JsonParser json) throws IOException {
    expect(json, JsonToken.VALUE_STRING);
    return json.getText();
  }

  private static Map<String, String> names(JsonParser json) throws IOException {
    expect(json, JsonToken.START_OBJECT);
    Map<String, String> names = new HashMap<>();
    for (String placeholder = json.nextFieldName();
        placeholder != null;
        placeholder = json.nextFieldName()) {
      names.put(placeholder, string(json));
    }
    expectCurrent(json, JsonToken.END_OBJECT);
    return names;
  }

  /** Attribute values by name, each an object of exactly one S or N (a number that fits a long). */
  private static Map<String, Value> values(JsonParser json) throws IOException {
    expect(json, JsonToken.START_OBJECT);
    Map<String, Value> values = new HashMap<>();
    for (String name = json.nextFieldName(); name != null; name = json.nextFieldName()) {
      expect(json, JsonToken.START_OBJECT);
      String type = json.nextFieldName();
      if (!"S".equals(type) && !"N".equals(type)) {
        throw new IllegalStateException("a type this bucket does not model: " + name + " " + type);
      }
      Value value = new Value(type, string(json));
      if (type.equals("N")) {
        value.number();
      }
      expect(json, JsonToken.END_OBJECT);
      values.put(name, value);
    }
    expectCurrent(json, JsonToken.END_OBJECT);
    return values;
  }

  private static void expect(JsonParser json, JsonToken token) throws IOException {
    json.nextToken();
    expectCurrent(json, token);
  }

  private static void expectCurrent(JsonParser json, JsonToken token) {
    if (json.currentToken() != token) {
      throw new IllegalStateException(
          "a bucket write's JSON has " + json.currentToken() + " where " + token + " belongs");
    }
  }

  private static void append(Map<String, Value> attributes, StringBuilder json) {
    json.append('{');
    boolean first = true;
    for (Map.Entry<String, Value> attribute : attributes.entrySet()) {
      if (!first) {
        json.append(',');
      }
      first = false;
      quote(attribute.getKey(), json);
      attribute.getValue().appendTo(json.append(':'));
    }
    json.append('}');
  }

  private static void quote(String text, StringBuilder quoted) {
    quoted.append('"');
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
    quoted.append('"');
  }
}
