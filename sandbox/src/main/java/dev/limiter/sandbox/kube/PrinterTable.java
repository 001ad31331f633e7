package dev.limiter.sandbox.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Server-side printing of custom resources: turns an object or a list into the {@code
 * meta.k8s.io/v1} {@code Table} that {@code kubectl get} asks for, with a Name column followed by
 * the CRD's {@code additionalPrinterColumns} — what a real API server does and the mock server does
 * not.
 */
final class PrinterTable {

  private record Column(CustomResourceColumnDefinition definition, SimpleJsonPath path) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<Column> columns;
  private final Clock clock;

  PrinterTable(List<CustomResourceColumnDefinition> definitions, Clock clock) {
    this.columns =
        definitions.stream()
            .map(d -> new Column(d, SimpleJsonPath.compile(d.getJsonPath())))
            .toList();
    this.clock = clock;
  }

  /** The Table for {@code body}, a single object or a {@code …List}. */
  String render(JsonNode body) {
    ObjectNode table = JSON.createObjectNode();
    table.put("kind", "Table");
    table.put("apiVersion", "meta.k8s.io/v1");
    table
        .putObject("metadata")
        .put("resourceVersion", body.path("metadata").path("resourceVersion").asText(""));
    ArrayNode definitions = table.putArray("columnDefinitions");
    definitions
        .addObject()
        .put("name", "Name")
        .put("type", "string")
        .put("format", "name")
        .put("priority", 0)
        .put("description", "Name must be unique within a namespace.");
    for (Column column : columns) {
      CustomResourceColumnDefinition d = column.definition();
      definitions
          .addObject()
          .put("name", d.getName())
          .put("type", d.getType())
          .put("format", d.getFormat() == null ? "" : d.getFormat())
          .put("priority", d.getPriority() == null ? 0 : d.getPriority())
          .put("description", d.getDescription() == null ? "" : d.getDescription());
    }
    ArrayNode rows = table.putArray("rows");
    List<JsonNode> objects = new ArrayList<>();
    if (body.has("items")) {
      body.get("items").forEach(objects::add);
    } else {
      objects.add(body);
    }
    for (JsonNode object : objects) {
      ObjectNode row = rows.addObject();
      ArrayNode cells = row.putArray("cells");
      cells.add(object.path("metadata").path("name").asText());
      for (Column column : columns) {
        cells.add(cell(column, object));
      }
      ObjectNode partial = row.putObject("object");
      partial.put("kind", "PartialObjectMetadata").put("apiVersion", "meta.k8s.io/v1");
      partial.set("metadata", object.path("metadata"));
    }
    return table.toString();
  }

  private JsonNode cell(Column column, JsonNode object) {
    JsonNode value = column.path().first(object);
    if (value == null || value.isNull()) {
      return JSON.nullNode();
    }
    if ("date".equals(column.definition().getType())) {
      return JSON.getNodeFactory().textNode(age(value.asText()));
    }
    return value.isValueNode() ? value : JSON.getNodeFactory().textNode(value.toString());
  }

  private String age(String timestamp) {
    try {
      return humanDuration(Duration.between(Instant.parse(timestamp), clock.instant()));
    } catch (DateTimeParseException e) {
      return "<invalid>";
    }
  }

  /**
   * Kubernetes' {@code duration.HumanDuration}: two significant units while they help, one after.
   */
  static String humanDuration(Duration d) {
    long seconds = Math.max(0, d.getSeconds());
    if (seconds < 120) {
      return seconds + "s";
    }
    long minutes = seconds / 60;
    if (minutes < 10) {
      return seconds % 60 == 0 ? minutes + "m" : minutes + "m" + seconds % 60 + "s";
    }
    if (minutes < 180) {
      return minutes + "m";
    }
    long hours = minutes / 60;
    if (hours < 8) {
      return minutes % 60 == 0 ? hours + "h" : hours + "h" + minutes % 60 + "m";
    }
    if (hours < 48) {
      return hours + "h";
    }
    long days = hours / 24;
    if (hours < 192) {
      return hours % 24 == 0 ? days + "d" : days + "d" + hours % 24 + "h";
    }
    return days < 730 ? days + "d" : days / 365 + "y" + (days % 365 == 0 ? "" : days % 365 + "d");
  }
}
