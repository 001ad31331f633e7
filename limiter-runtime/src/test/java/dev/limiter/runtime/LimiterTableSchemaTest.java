package dev.limiter.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.limiter.testkit.DynamoDbLocal;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

class LimiterTableSchemaTest {

  @Test
  void createsAProvisionedTableWithItsIndexInDynamoDbLocal() {
    try (DynamoDbClient client = DynamoDbLocal.shared().client()) {
      String name = "schema-provisioned-" + ProcessHandle.current().pid();
      client.createTable(
          LimiterTableSchema.createTableRequest(
              name, new BillingSettings.Provisioned(100, 50, 10, 5)));
      TableDescription table = client.describeTable(b -> b.tableName(name)).table();
      assertThat(table.keySchema()).containsExactlyElementsOf(LimiterTableSchema.keySchema());
      assertThat(table.provisionedThroughput().readCapacityUnits()).isEqualTo(100);
      assertThat(table.provisionedThroughput().writeCapacityUnits()).isEqualTo(50);
      assertThat(table.globalSecondaryIndexes())
          .singleElement()
          .satisfies(
              index -> {
                assertThat(index.indexName()).isEqualTo(LimiterTableSchema.INDEX_NAME);
                assertThat(index.provisionedThroughput().readCapacityUnits()).isEqualTo(10);
                assertThat(index.provisionedThroughput().writeCapacityUnits()).isEqualTo(5);
              });
    }
  }

  @Test
  void onDemandRequestsCarryCapsOnlyWhenSet() {
    CreateTableRequest uncapped =
        LimiterTableSchema.createTableRequest("limits", BillingSettings.onDemand());
    assertThat(uncapped.billingMode()).isEqualTo(BillingMode.PAY_PER_REQUEST);
    assertThat(uncapped.onDemandThroughput()).isNull();
    assertThat(uncapped.provisionedThroughput()).isNull();
    assertThat(uncapped.globalSecondaryIndexes().get(0).onDemandThroughput()).isNull();

    CreateTableRequest capped =
        LimiterTableSchema.createTableRequest("limits", BillingSettings.onDemand(1000, -1));
    assertThat(capped.onDemandThroughput().maxReadRequestUnits()).isEqualTo(1000);
    assertThat(capped.onDemandThroughput().maxWriteRequestUnits()).isEqualTo(-1);
    assertThat(capped.globalSecondaryIndexes().get(0).onDemandThroughput())
        .isEqualTo(capped.onDemandThroughput());
  }

  @Test
  void billingSettingsRefuseImpossibleFigures() {
    assertThatThrownBy(() -> BillingSettings.provisioned(0, 5))
        .hasMessageContaining("readCapacityUnits");
    assertThatThrownBy(() -> BillingSettings.onDemand(0, 5))
        .hasMessageContaining("maxReadRequestUnits");
  }

  @Test
  void bucketKeysFollowTheDocumentedFormat() {
    assertThat(LimiterTableSchema.bucketKey("tenant:42/key-1", "llm-api"))
        .isEqualTo(
            Map.of(
                "pk",
                AttributeValue.fromS("E#tenant:42/key-1"),
                "sk",
                AttributeValue.fromS("B#llm-api")));
    assertThat(LimiterTableSchema.tatAttribute("tpm")).isEqualTo("t:tpm");
    assertThatThrownBy(() -> LimiterTableSchema.bucketKey("a#b", "api"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
