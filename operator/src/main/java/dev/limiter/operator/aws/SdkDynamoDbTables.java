package dev.limiter.operator.aws;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ContinuousBackupsDescription;
import software.amazon.awssdk.services.dynamodb.model.ContributorInsightsAction;
import software.amazon.awssdk.services.dynamodb.model.ContributorInsightsMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeContributorInsightsResponse;
import software.amazon.awssdk.services.dynamodb.model.ListTagsOfResourceResponse;
import software.amazon.awssdk.services.dynamodb.model.PointInTimeRecoverySpecification;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.Tag;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveDescription;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveSpecification;
import software.amazon.awssdk.services.dynamodb.model.UpdateTableRequest;

/**
 * {@link DynamoDbTables} over an AWS SDK v2 {@link DynamoDbClient}: the production adapter.
 *
 * <p>Thin by design: each method is one SDK call (ListTagsOfResource one call per page), requests
 * and responses pass through unchanged, and every AWS error surfaces as the SDK's exception. The
 * only translation is DescribeTable's {@code ResourceNotFoundException}, which becomes {@link
 * Optional#empty()}. Retries are the client's business (its retry strategy), quotas and busy tables
 * the planner's.
 *
 * <p>Thread-safe as far as the client is (SDK clients are).
 */
public final class SdkDynamoDbTables implements DynamoDbTables {

  private final DynamoDbClient client;

  /** An adapter over {@code client}; the caller keeps ownership of it (and closes it). */
  public SdkDynamoDbTables(DynamoDbClient client) {
    this.client = Objects.requireNonNull(client, "client");
  }

  @Override
  public Optional<TableDescription> describeTable(String tableName) {
    try {
      return Optional.of(client.describeTable(r -> r.tableName(tableName)).table());
    } catch (ResourceNotFoundException e) {
      return Optional.empty();
    }
  }

  @Override
  public TimeToLiveDescription describeTimeToLive(String tableName) {
    return client.describeTimeToLive(r -> r.tableName(tableName)).timeToLiveDescription();
  }

  @Override
  public ContinuousBackupsDescription describeContinuousBackups(String tableName) {
    return client
        .describeContinuousBackups(r -> r.tableName(tableName))
        .continuousBackupsDescription();
  }

  /** ListTagsOfResource, following {@code NextToken} until the last page; keys in AWS's order. */
  @Override
  public Map<String, String> listTags(String tableArn) {
    Map<String, String> tags = new LinkedHashMap<>();
    String nextToken = null;
    do {
      String token = nextToken;
      ListTagsOfResourceResponse page =
          client.listTagsOfResource(r -> r.resourceArn(tableArn).nextToken(token));
      for (Tag tag : page.tags()) {
        tags.put(tag.key(), tag.value());
      }
      nextToken = page.nextToken();
    } while (nextToken != null && !nextToken.isEmpty());
    return tags;
  }

  @Override
  public TableDescription createTable(CreateTableRequest request) {
    return client.createTable(request).tableDescription();
  }

  @Override
  public TableDescription updateTable(UpdateTableRequest request) {
    return client.updateTable(request).tableDescription();
  }

  @Override
  public void updateTimeToLive(String tableName, String attribute, boolean enabled) {
    client.updateTimeToLive(
        r ->
            r.tableName(tableName)
                .timeToLiveSpecification(
                    TimeToLiveSpecification.builder()
                        .attributeName(attribute)
                        .enabled(enabled)
                        .build()));
  }

  @Override
  public void updatePointInTimeRecovery(String tableName, boolean enabled) {
    client.updateContinuousBackups(
        r ->
            r.tableName(tableName)
                .pointInTimeRecoverySpecification(
                    PointInTimeRecoverySpecification.builder()
                        .pointInTimeRecoveryEnabled(enabled)
                        .build()));
  }

  @Override
  public void tagResource(String tableArn, Map<String, String> tags) {
    List<Tag> list =
        tags.entrySet().stream()
            .map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build())
            .toList();
    client.tagResource(r -> r.resourceArn(tableArn).tags(list));
  }

  @Override
  public void untagResource(String tableArn, Collection<String> tagKeys) {
    client.untagResource(r -> r.resourceArn(tableArn).tagKeys(tagKeys));
  }

  @Override
  public void deleteTable(String tableName) {
    client.deleteTable(r -> r.tableName(tableName));
  }

  @Override
  public DescribeContributorInsightsResponse describeContributorInsights(
      String tableName, String indexName) {
    return client.describeContributorInsights(r -> r.tableName(tableName).indexName(indexName));
  }

  @Override
  public void updateContributorInsights(
      String tableName,
      String indexName,
      ContributorInsightsAction action,
      ContributorInsightsMode mode) {
    client.updateContributorInsights(
        r ->
            r.tableName(tableName)
                .indexName(indexName)
                .contributorInsightsAction(action)
                .contributorInsightsMode(action == ContributorInsightsAction.ENABLE ? mode : null));
  }
}
