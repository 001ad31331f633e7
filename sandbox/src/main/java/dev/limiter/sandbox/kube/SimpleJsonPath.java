package dev.limiter.sandbox.kube;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The part of Kubernetes JSONPath that printer columns use: dotted fields ({@code
 * .status.tableName}) and equality filters on list elements ({@code
 * .status.conditions[?(@.type=="Ready")].status}). Anything else is refused when the path is
 * compiled, not guessed at.
 */
final class SimpleJsonPath {

  private static final Pattern STEP =
      Pattern.compile("\\.([A-Za-z0-9_-]+)|\\[\\?\\(@\\.([A-Za-z0-9_-]+)==\"([^\"]*)\"\\)\\]");

  private sealed interface Step permits Field, Filter {}

  private record Field(String name) implements Step {}

  private record Filter(String field, String value) implements Step {}

  private final List<Step> steps;

  private SimpleJsonPath(List<Step> steps) {
    this.steps = steps;
  }

  /**
   * Compiles {@code path}; throws {@link IllegalArgumentException} for syntax outside the subset.
   */
  static SimpleJsonPath compile(String path) {
    List<Step> steps = new ArrayList<>();
    Matcher matcher = STEP.matcher(path);
    int at = 0;
    while (at < path.length()) {
      if (!matcher.find(at) || matcher.start() != at) {
        throw new IllegalArgumentException("unsupported JSONPath '" + path + "' at offset " + at);
      }
      steps.add(
          matcher.group(1) != null
              ? new Field(matcher.group(1))
              : new Filter(matcher.group(2), matcher.group(3)));
      at = matcher.end();
    }
    return new SimpleJsonPath(steps);
  }

  /** The first value the path selects in {@code root}, or null when it selects none. */
  JsonNode first(JsonNode root) {
    List<JsonNode> current = List.of(root);
    for (Step step : steps) {
      List<JsonNode> next = new ArrayList<>();
      for (JsonNode node : current) {
        if (step instanceof Field field && node.has(field.name())) {
          next.add(node.get(field.name()));
        } else if (step instanceof Filter filter && node.isArray()) {
          node.forEach(
              element -> {
                if (element.path(filter.field()).asText().equals(filter.value())) {
                  next.add(element);
                }
              });
        }
      }
      current = next;
    }
    return current.isEmpty() ? null : current.get(0);
  }
}
