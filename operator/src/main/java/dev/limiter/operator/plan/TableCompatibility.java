package dev.limiter.operator.plan;

import dev.limiter.runtime.BillingSettings;
import dev.limiter.runtime.LimiterTableSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;

/**
 * Whether an existing table has the limiter's key schema and indexes, as {@link LimiterTableSchema}
 * defines them: a table with any other key cannot hold a single limiter item, so every acquire on
 * it would fail. Pure.
 */
public final class TableCompatibility {

  private TableCompatibility() {}

  /**
   * What differs from the limiter's schema, one sentence each; empty when the limiter can use the
   * table.
   */
  public static List<String> differences(ObservedSchema observed) {
    Map<String, String> wantedTypes =
        LimiterTableSchema.attributeDefinitions().stream()
            .collect(
                Collectors.toMap(
                    AttributeDefinition::attributeName,
                    AttributeDefinition::attributeTypeAsString));
    List<String> differences = new ArrayList<>();
    List<KeySchemaElement> wantedKey = LimiterTableSchema.keySchema();
    compareKey(
            "partition key",
            KeyType.HASH,
            observed.keySchema(),
            observed.attributeTypes(),
            wantedKey,
            wantedTypes)
        .ifPresent(differences::add);
    compareKey(
            "sort key",
            KeyType.RANGE,
            observed.keySchema(),
            observed.attributeTypes(),
            wantedKey,
            wantedTypes)
        .ifPresent(differences::add);
    List<GlobalSecondaryIndex> wantedIndexes =
        LimiterTableSchema.globalSecondaryIndexes(BillingSettings.onDemand());
    for (GlobalSecondaryIndex wanted : wantedIndexes) {
      ObservedSchema.Index index = observed.globalIndexes().get(wanted.indexName());
      if (index == null) {
        differences.add(
            "index "
                + wanted.indexName()
                + " is missing, the limiter needs it on "
                + keys(wanted.keySchema(), wantedTypes));
        continue;
      }
      for (KeyType type : List.of(KeyType.HASH, KeyType.RANGE)) {
        compareKey(
                "index "
                    + wanted.indexName()
                    + " "
                    + (type == KeyType.HASH ? "partition key" : "sort key"),
                type,
                index.keySchema(),
                observed.attributeTypes(),
                wanted.keySchema(),
                wantedTypes)
            .ifPresent(differences::add);
      }
      if (index.projection() != wanted.projection().projectionType()) {
        differences.add(
            "index "
                + wanted.indexName()
                + " projects "
                + index.projection()
                + ", the limiter needs "
                + wanted.projection().projectionType());
      }
    }
    TreeSet<String> extra = new TreeSet<>(observed.globalIndexes().keySet());
    wantedIndexes.forEach(index -> extra.remove(index.indexName()));
    extra.forEach(
        name ->
            differences.add(
                "index "
                    + name
                    + " is not one of the limiter's ("
                    + String.join(", ", LimiterTableSchema.indexNames())
                    + ")"));
    observed.localIndexes().stream()
        .sorted()
        .forEach(
            name ->
                differences.add(
                    "local index " + name + " is not one of the limiter's (it has none)"));
    return differences;
  }

  /** The condition message for {@code table} with {@code differences}. */
  public static String message(String table, List<String> differences) {
    return "table "
        + table
        + " does not have the limiter's key schema, so no limiter can use it: "
        + String.join("; ", differences)
        + "; nothing was changed (choose another tableName, or let the operator create the table)";
  }

  private static Optional<String> compareKey(
      String what,
      KeyType type,
      List<KeySchemaElement> observed,
      Map<String, String> types,
      List<KeySchemaElement> wanted,
      Map<String, String> wantedTypes) {
    String actual = key(observed, type, types);
    String needed = key(wanted, type, wantedTypes);
    return actual.equals(needed)
        ? Optional.empty()
        : Optional.of(what + " is " + actual + ", the limiter needs " + needed);
  }

  private static String keys(List<KeySchemaElement> schema, Map<String, String> types) {
    return key(schema, KeyType.HASH, types) + " / " + key(schema, KeyType.RANGE, types);
  }

  private static String key(
      List<KeySchemaElement> schema, KeyType type, Map<String, String> types) {
    return schema.stream()
        .filter(element -> element.keyType() == type)
        .findFirst()
        .map(
            element ->
                element.attributeName()
                    + " ("
                    + types.getOrDefault(element.attributeName(), "?")
                    + ")")
        .orElse("none");
  }
}
