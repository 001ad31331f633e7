package dev.limiter.operator.aws;

import java.time.Instant;
import java.util.List;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataQuery;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataResult;

/** The CloudWatch metric reads the operator makes to diagnose throttling. */
public interface TableMetrics {

  /**
   * GetMetricData for {@code queries} over {@code [start, end)}, all pages merged: one result per
   * query id that returns data, timestamps newest first as AWS returns them by default.
   */
  List<MetricDataResult> getMetricData(List<MetricDataQuery> queries, Instant start, Instant end);
}
