package dev.limiter.operator.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limiter.runtime.BillingSettings;
import dev.limiter.runtime.LimiterTableSchema;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

class TableCompatibilityTest {

  private static final CreateTableRequest LIMITER =
      LimiterTableSchema.createTableRequest("t", BillingSettings.onDemand());

  private static KeySchemaElement key(String name, KeyType type) {
    return KeySchemaElement.builder().attributeName(name).keyType(type).build();
  }

  private static AttributeDefinition attribute(String name, ScalarAttributeType type) {
    return AttributeDefinition.builder().attributeName(name).attributeType(type).build();
  }

  @Test
  void theRuntimesOwnSchemaIsCompatible() {
    assertThat(TableCompatibility.differences(ObservedSchemas.limiter())).isEmpty();
  }

  @Test
  void anotherPrimaryKeyIsNamedWithWhatTheLimiterNeeds() {
    CreateTableRequest byId =
        CreateTableRequest.builder()
            .keySchema(key("id", KeyType.HASH))
            .attributeDefinitions(attribute("id", ScalarAttributeType.S))
            .build();
    assertThat(TableCompatibility.differences(ObservedSchemas.of(byId)))
        .containsExactly(
            "partition key is id (S), the limiter needs pk (S)",
            "sort key is none, the limiter needs sk (S)",
            "index gsi1 is missing, the limiter needs it on gsi1pk (S) / gsi1sk (S)");
  }

  @Test
  void keyTypesCountToo() {
    CreateTableRequest numbers =
        LIMITER.toBuilder()
            .attributeDefinitions(
                attribute("pk", ScalarAttributeType.S),
                attribute("sk", ScalarAttributeType.N),
                attribute("gsi1pk", ScalarAttributeType.S),
                attribute("gsi1sk", ScalarAttributeType.S))
            .build();
    assertThat(TableCompatibility.differences(ObservedSchemas.of(numbers)))
        .containsExactly("sort key is sk (N), the limiter needs sk (S)");
  }

  @Test
  void indexesMustBeTheLimitersExactly() {
    GlobalSecondaryIndex keysOnly =
        LIMITER.globalSecondaryIndexes().get(0).toBuilder()
            .projection(Projection.builder().projectionType(ProjectionType.KEYS_ONLY).build())
            .build();
    GlobalSecondaryIndex byOwner =
        GlobalSecondaryIndex.builder()
            .indexName("by-owner")
            .keySchema(key("owner", KeyType.HASH))
            .projection(Projection.builder().projectionType(ProjectionType.ALL).build())
            .build();
    List<AttributeDefinition> attributes =
        new java.util.ArrayList<>(LIMITER.attributeDefinitions());
    attributes.add(attribute("owner", ScalarAttributeType.S));
    CreateTableRequest request =
        LIMITER.toBuilder()
            .attributeDefinitions(attributes)
            .globalSecondaryIndexes(keysOnly, byOwner)
            .build();
    assertThat(TableCompatibility.differences(ObservedSchemas.of(request)))
        .containsExactly(
            "index gsi1 projects KEYS_ONLY, the limiter needs ALL",
            "index by-owner is not one of the limiter's (gsi1)");

    GlobalSecondaryIndex swapped =
        LIMITER.globalSecondaryIndexes().get(0).toBuilder()
            .keySchema(key("gsi1sk", KeyType.HASH), key("gsi1pk", KeyType.RANGE))
            .build();
    assertThat(
            TableCompatibility.differences(
                ObservedSchemas.of(LIMITER.toBuilder().globalSecondaryIndexes(swapped).build())))
        .containsExactly(
            "index gsi1 partition key is gsi1sk (S), the limiter needs gsi1pk (S)",
            "index gsi1 sort key is gsi1pk (S), the limiter needs gsi1sk (S)");
  }

  @Test
  void theMessageSaysNothingWasChanged() {
    assertThat(
            TableCompatibility.message(
                "legacy", List.of("partition key is id (S), the limiter needs pk (S)")))
        .startsWith("table legacy does not have the limiter's key schema")
        .contains("partition key is id (S), the limiter needs pk (S)")
        .contains("nothing was changed");
  }
}
