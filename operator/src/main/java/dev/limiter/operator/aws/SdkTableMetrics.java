package dev.limiter.operator.aws;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricDataResponse;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataQuery;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataResult;

/**
 * {@link TableMetrics} over an AWS SDK v2 {@link CloudWatchClient}: the production adapter.
 *
 * <p>Thin by design: one GetMetricData call per page, queries pass through unchanged, and every AWS
 * error surfaces as the SDK's exception. The only work is merging pages: AWS splits a long series
 * over pages, repeating the query's id on each, and the port promises one result per id.
 *
 * <p>Thread-safe as far as the client is (SDK clients are).
 */
public final class SdkTableMetrics implements TableMetrics {

  private final CloudWatchClient client;

  /** An adapter over {@code client}; the caller keeps ownership of it (and closes it). */
  public SdkTableMetrics(CloudWatchClient client) {
    this.client = Objects.requireNonNull(client, "client");
  }

  /**
   * GetMetricData, following {@code NextToken}; results in the order their ids first appear, each
   * id's timestamps, values and messages concatenated page after page, and its status code the last
   * page's ({@code PartialData} on every page but the last).
   */
  @Override
  public List<MetricDataResult> getMetricData(
      List<MetricDataQuery> queries, Instant start, Instant end) {
    Map<String, MetricDataResult> results = new LinkedHashMap<>();
    String nextToken = null;
    do {
      String token = nextToken;
      GetMetricDataResponse page =
          client.getMetricData(
              r -> r.metricDataQueries(queries).startTime(start).endTime(end).nextToken(token));
      for (MetricDataResult result : page.metricDataResults()) {
        results.merge(result.id(), result, SdkTableMetrics::append);
      }
      nextToken = page.nextToken();
    } while (nextToken != null && !nextToken.isEmpty());
    return List.copyOf(results.values());
  }

  private static MetricDataResult append(MetricDataResult earlier, MetricDataResult later) {
    return earlier.toBuilder()
        .timestamps(concat(earlier.timestamps(), later.timestamps()))
        .values(concat(earlier.values(), later.values()))
        .messages(concat(earlier.messages(), later.messages()))
        .statusCode(later.statusCodeAsString())
        .build();
  }

  private static <T> List<T> concat(List<T> first, List<T> second) {
    List<T> all = new ArrayList<>(first);
    all.addAll(second);
    return all;
  }
}
