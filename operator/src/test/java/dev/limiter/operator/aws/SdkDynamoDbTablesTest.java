package dev.limiter.operator.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.limiter.runtime.BillingSettings;
import dev.limiter.runtime.LimiterTableSchema;
import dev.limiter.testkit.DynamoDbLocal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ContributorInsightsAction;
import software.amazon.awssdk.services.dynamodb.model.ContributorInsightsMode;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexUpdate;
import software.amazon.awssdk.services.dynamodb.model.ListTagsOfResourceRequest;
import software.amazon.awssdk.services.dynamodb.model.ListTagsOfResourceResponse;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughput;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;
import software.amazon.awssdk.services.dynamodb.model.Tag;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;
import software.amazon.awssdk.services.dynamodb.model.UpdateTableRequest;

class SdkDynamoDbTablesTest {

  private final SdkDynamoDbTables tables = new SdkDynamoDbTables(DynamoDbLocal.shared().client());

  private static String uniqueName() {
    return "sdk-" + UUID.randomUUID();
  }

  private TableDescription createProvisioned(String name) {
    return tables.createTable(
        LimiterTableSchema.createTableRequest(name, BillingSettings.provisioned(10, 10)));
  }

  @Test
  void createsTableAndDescribesIt() {
    String name = uniqueName();

    TableDescription created = createProvisioned(name);

    assertThat(created.tableName()).isEqualTo(name);
    assertThat(created.provisionedThroughput().readCapacityUnits()).isEqualTo(10);
    TableDescription described = tables.describeTable(name).orElseThrow();
    assertThat(described.tableStatus()).isEqualTo(TableStatus.ACTIVE);
    assertThat(described.tableArn()).endsWith(":table/" + name);
    assertThat(described.keySchema()).isEqualTo(LimiterTableSchema.keySchema());
    assertThat(described.globalSecondaryIndexes())
        .singleElement()
        .satisfies(
            index -> {
              assertThat(index.indexName()).isEqualTo(LimiterTableSchema.INDEX_NAME);
              assertThat(index.provisionedThroughput().writeCapacityUnits()).isEqualTo(10);
            });
  }

  @Test
  void describingAMissingTableIsEmpty() {
    assertThat(tables.describeTable(uniqueName())).isEmpty();
  }

  @Test
  void updatesThroughputOfTableAndIndex() {
    String name = uniqueName();
    createProvisioned(name);

    TableDescription updated =
        tables.updateTable(
            UpdateTableRequest.builder()
                .tableName(name)
                .provisionedThroughput(throughput(20, 5))
                .globalSecondaryIndexUpdates(
                    GlobalSecondaryIndexUpdate.builder()
                        .update(
                            u ->
                                u.indexName(LimiterTableSchema.INDEX_NAME)
                                    .provisionedThroughput(throughput(3, 4)))
                        .build())
                .build());

    assertThat(updated.provisionedThroughput().readCapacityUnits()).isEqualTo(20);
    TableDescription described = tables.describeTable(name).orElseThrow();
    assertThat(described.provisionedThroughput().readCapacityUnits()).isEqualTo(20);
    assertThat(described.provisionedThroughput().writeCapacityUnits()).isEqualTo(5);
    assertThat(
            described.globalSecondaryIndexes().get(0).provisionedThroughput().readCapacityUnits())
        .isEqualTo(3);
    assertThat(
            described.globalSecondaryIndexes().get(0).provisionedThroughput().writeCapacityUnits())
        .isEqualTo(4);
  }

  @Test
  void switchesBillingMode() {
    String name = uniqueName();
    createProvisioned(name);

    TableDescription updated =
        tables.updateTable(
            UpdateTableRequest.builder()
                .tableName(name)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .build());

    assertThat(updated.billingModeSummary().billingMode()).isEqualTo(BillingMode.PAY_PER_REQUEST);
    assertThat(tables.describeTable(name).orElseThrow().billingModeSummary().billingMode())
        .isEqualTo(BillingMode.PAY_PER_REQUEST);
  }

  @Test
  void turnsTimeToLiveOnAndOff() {
    String name = uniqueName();
    createProvisioned(name);
    assertThat(tables.describeTimeToLive(name).timeToLiveStatus())
        .isEqualTo(TimeToLiveStatus.DISABLED);

    tables.updateTimeToLive(name, LimiterTableSchema.TTL_ATTRIBUTE, true);

    assertThat(tables.describeTimeToLive(name).timeToLiveStatus())
        .isEqualTo(TimeToLiveStatus.ENABLED);
    assertThat(tables.describeTimeToLive(name).attributeName())
        .isEqualTo(LimiterTableSchema.TTL_ATTRIBUTE);

    tables.updateTimeToLive(name, LimiterTableSchema.TTL_ATTRIBUTE, false);

    assertThat(tables.describeTimeToLive(name).timeToLiveStatus())
        .isEqualTo(TimeToLiveStatus.DISABLED);
  }

  @Test
  void deletesTable() {
    String name = uniqueName();
    createProvisioned(name);

    tables.deleteTable(name);

    assertThat(tables.describeTable(name)).isEmpty();
  }

  @Test
  void awsErrorsComeThroughUnchanged() {
    String name = uniqueName();

    assertThatThrownBy(
            () ->
                tables.updateTable(
                    UpdateTableRequest.builder()
                        .tableName(name)
                        .provisionedThroughput(throughput(1, 1))
                        .build()))
        .isInstanceOf(ResourceNotFoundException.class);
    assertThatThrownBy(() -> tables.deleteTable(name))
        .isInstanceOf(ResourceNotFoundException.class);
  }

  @Test
  void dynamoDbLocalHasNoTaggingWhichIsWhyFakeDynamoDbTablesExists() {
    String name = uniqueName();
    TableDescription created = createProvisioned(name);

    assertThatThrownBy(() -> tables.listTags(created.tableArn()))
        .isInstanceOfSatisfying(
            AwsServiceException.class,
            e ->
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("UnknownOperationException"));
  }

  /**
   * TagResource and UntagResource reach the server (DynamoDB Local does not know them either): made
   * for real so that the operation log behind {@code IamPolicyTest} sees the adapter use them.
   */
  @Test
  void tagAndUntagAreSentAsTheyAre() {
    String name = uniqueName();
    TableDescription created = createProvisioned(name);

    assertThatThrownBy(() -> tables.tagResource(created.tableArn(), Map.of("team", "a")))
        .isInstanceOfSatisfying(
            AwsServiceException.class, SdkDynamoDbTablesTest::isUnknownOperation);
    assertThatThrownBy(() -> tables.untagResource(created.tableArn(), List.of("team")))
        .isInstanceOfSatisfying(
            AwsServiceException.class, SdkDynamoDbTablesTest::isUnknownOperation);
  }

  /** As {@link #tagAndUntagAreSentAsTheyAre()}, for point-in-time recovery. */
  @Test
  void pointInTimeRecoveryCallsAreSentAsTheyAre() {
    String name = uniqueName();
    createProvisioned(name);

    assertThatThrownBy(() -> tables.describeContinuousBackups(name))
        .isInstanceOfSatisfying(
            AwsServiceException.class, SdkDynamoDbTablesTest::isUnknownOperation);
    assertThatThrownBy(() -> tables.updatePointInTimeRecovery(name, true))
        .isInstanceOfSatisfying(
            AwsServiceException.class, SdkDynamoDbTablesTest::isUnknownOperation);
  }

  /**
   * As {@link #tagAndUntagAreSentAsTheyAre()}, for Contributor Insights on the table and its index.
   */
  @Test
  void contributorInsightsCallsAreSentAsTheyAre() {
    String name = uniqueName();
    createProvisioned(name);

    assertThatThrownBy(() -> tables.describeContributorInsights(name, null))
        .isInstanceOfSatisfying(
            AwsServiceException.class, SdkDynamoDbTablesTest::isUnknownOperation);
    assertThatThrownBy(
            () -> tables.describeContributorInsights(name, LimiterTableSchema.INDEX_NAME))
        .isInstanceOfSatisfying(
            AwsServiceException.class, SdkDynamoDbTablesTest::isUnknownOperation);
    assertThatThrownBy(
            () ->
                tables.updateContributorInsights(
                    name,
                    null,
                    ContributorInsightsAction.ENABLE,
                    ContributorInsightsMode.THROTTLED_KEYS))
        .isInstanceOfSatisfying(
            AwsServiceException.class, SdkDynamoDbTablesTest::isUnknownOperation);
    assertThatThrownBy(
            () ->
                tables.updateContributorInsights(
                    name, LimiterTableSchema.INDEX_NAME, ContributorInsightsAction.DISABLE, null))
        .isInstanceOfSatisfying(
            AwsServiceException.class, SdkDynamoDbTablesTest::isUnknownOperation);
  }

  private static void isUnknownOperation(AwsServiceException e) {
    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("UnknownOperationException");
  }

  @Test
  void listTagsFollowsNextTokenAcrossPages() {
    List<ListTagsOfResourceRequest> requests = new ArrayList<>();
    DynamoDbClient paging =
        new DynamoDbClient() {
          @Override
          public ListTagsOfResourceResponse listTagsOfResource(ListTagsOfResourceRequest request) {
            requests.add(request);
            if (request.nextToken() == null) {
              return ListTagsOfResourceResponse.builder()
                  .tags(tag("a", "1"), tag("b", "2"))
                  .nextToken("page2")
                  .build();
            }
            if (request.nextToken().equals("page2")) {
              return ListTagsOfResourceResponse.builder()
                  .tags(tag("c", "3"))
                  .nextToken("page3")
                  .build();
            }
            return ListTagsOfResourceResponse.builder().tags(tag("d", "4")).build();
          }

          @Override
          public String serviceName() {
            return "dynamodb";
          }

          @Override
          public void close() {}
        };

    Map<String, String> tags =
        new SdkDynamoDbTables(paging).listTags("arn:aws:dynamodb:us-east-1:1:table/t");

    assertThat(tags)
        .containsExactly(
            Map.entry("a", "1"), Map.entry("b", "2"), Map.entry("c", "3"), Map.entry("d", "4"));
    assertThat(requests)
        .extracting(ListTagsOfResourceRequest::nextToken)
        .containsExactly(null, "page2", "page3");
    assertThat(requests)
        .extracting(ListTagsOfResourceRequest::resourceArn)
        .containsOnly("arn:aws:dynamodb:us-east-1:1:table/t");
  }

  private static Tag tag(String key, String value) {
    return Tag.builder().key(key).value(value).build();
  }

  private static ProvisionedThroughput throughput(long read, long write) {
    return ProvisionedThroughput.builder()
        .readCapacityUnits(read)
        .writeCapacityUnits(write)
        .build();
  }
}
