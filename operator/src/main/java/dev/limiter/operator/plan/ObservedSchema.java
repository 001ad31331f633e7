package dev.limiter.operator.plan;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexDescription;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.LocalSecondaryIndexDescription;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

/**
 * The key schema and indexes of an existing table: what decides whether the limiter can use it.
 *
 * @param keySchema the table's primary key
 * @param attributeTypes the type (S, N, B) of every key attribute of the table and its indexes
 * @param globalIndexes the global secondary indexes by name
 * @param localIndexes names of the local secondary indexes
 */
public record ObservedSchema(
    List<KeySchemaElement> keySchema,
    Map<String, String> attributeTypes,
    Map<String, Index> globalIndexes,
    List<String> localIndexes) {

  /** Copies the collections. */
  public ObservedSchema {
    keySchema = List.copyOf(keySchema);
    attributeTypes = Map.copyOf(attributeTypes);
    globalIndexes = Map.copyOf(globalIndexes);
    localIndexes = List.copyOf(localIndexes);
  }

  /**
   * A global secondary index.
   *
   * @param keySchema its key
   * @param projection which attributes it carries
   */
  public record Index(List<KeySchemaElement> keySchema, ProjectionType projection) {

    /** Copies the key. */
    public Index {
      keySchema = List.copyOf(keySchema);
    }
  }

  /** The schema DescribeTable reports. */
  public static ObservedSchema of(TableDescription table) {
    Map<String, String> types = new LinkedHashMap<>();
    for (AttributeDefinition attribute : table.attributeDefinitions()) {
      types.put(attribute.attributeName(), attribute.attributeTypeAsString());
    }
    Map<String, Index> indexes = new LinkedHashMap<>();
    for (GlobalSecondaryIndexDescription index : table.globalSecondaryIndexes()) {
      indexes.put(
          index.indexName(),
          new Index(
              index.keySchema(),
              index.projection() == null ? null : index.projection().projectionType()));
    }
    return new ObservedSchema(
        table.keySchema(),
        types,
        indexes,
        table.localSecondaryIndexes().stream()
            .map(LocalSecondaryIndexDescription::indexName)
            .toList());
  }
}
