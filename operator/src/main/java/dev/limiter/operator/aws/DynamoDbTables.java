package dev.limiter.operator.aws;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.ContinuousBackupsDescription;
import software.amazon.awssdk.services.dynamodb.model.ContributorInsightsAction;
import software.amazon.awssdk.services.dynamodb.model.ContributorInsightsMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeContributorInsightsResponse;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveDescription;
import software.amazon.awssdk.services.dynamodb.model.UpdateTableRequest;

/**
 * The DynamoDB control-plane calls the operator makes. AWS's errors come through unchanged as SDK
 * exceptions ({@code ResourceInUseException}, {@code LimitExceededException}, …): the planner, not
 * this port, decides what they mean.
 */
public interface DynamoDbTables {

  /** DescribeTable; empty when the table does not exist. */
  Optional<TableDescription> describeTable(String tableName);

  /** DescribeTimeToLive. */
  TimeToLiveDescription describeTimeToLive(String tableName);

  /** DescribeContinuousBackups (point-in-time recovery). */
  ContinuousBackupsDescription describeContinuousBackups(String tableName);

  /** ListTagsOfResource, all pages. */
  Map<String, String> listTags(String tableArn);

  /** CreateTable; returns the new table's description. */
  TableDescription createTable(CreateTableRequest request);

  /** UpdateTable; returns the table's description after the call. */
  TableDescription updateTable(UpdateTableRequest request);

  /** UpdateTimeToLive on {@code attribute}. */
  void updateTimeToLive(String tableName, String attribute, boolean enabled);

  /** UpdateContinuousBackups: point-in-time recovery on or off. */
  void updatePointInTimeRecovery(String tableName, boolean enabled);

  /** TagResource. */
  void tagResource(String tableArn, Map<String, String> tags);

  /** UntagResource. */
  void untagResource(String tableArn, Collection<String> tagKeys);

  /** DeleteTable. */
  void deleteTable(String tableName);

  /** DescribeContributorInsights of the table ({@code indexName} null) or one of its GSIs. */
  DescribeContributorInsightsResponse describeContributorInsights(
      String tableName, String indexName);

  /**
   * UpdateContributorInsights of the table ({@code indexName} null) or one of its GSIs; {@code
   * mode} is sent with ENABLE only.
   */
  void updateContributorInsights(
      String tableName,
      String indexName,
      ContributorInsightsAction action,
      ContributorInsightsMode mode);
}
