package dev.limiter.operator.plan.automation;

import dev.limiter.operator.api.ThrottleReading;
import dev.limiter.operator.plan.GoDurations;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.Metric;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataQuery;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataResult;
import software.amazon.awssdk.services.cloudwatch.model.MetricStat;

/**
 * The CloudWatch queries of one diagnosis window and their reading. Pure.
 *
 * <p>One GetMetricData call reads, per minute of the window, the table's read and write throttle
 * events, the per-reason events (key range: a hot partition; provisioned throughput: the table's
 * capacity; max on-demand throughput: an on-demand table's own caps), the consumed units, and each
 * GSI's throttle events. A window ends {@link #PUBLICATION_DELAY} before the pass that reads it.
 */
public final class ThrottleQueries {

  /** Resolution of every query: one minute, DynamoDB's metric period. */
  public static final int PERIOD_SECONDS = 60;

  /**
   * How late CloudWatch publishes a minute of DynamoDB's metrics, at most (typically one to two
   * minutes): a window ends this long before now, so a minute is read once it is complete.
   */
  public static final Duration PUBLICATION_DELAY = Duration.ofMinutes(3);

  private static final String NAMESPACE = "AWS/DynamoDB";

  private ThrottleQueries() {}

  /** The end of a window read at {@code now}. */
  public static Instant windowEnd(Instant now) {
    return now.minus(PUBLICATION_DELAY);
  }

  /**
   * When the window after {@code last} (null: none yet) is complete and can be read; windows follow
   * one another.
   */
  public static Instant nextReading(ThrottleReading last, Duration interval, Instant now) {
    return last == null || last.at() == null
        ? now
        : Instant.parse(last.at()).plus(interval).plus(PUBLICATION_DELAY);
  }

  /** The queries for {@code table} and its GSIs. */
  public static List<MetricDataQuery> queries(String table, List<String> indexes) {
    List<Dimension> dims = List.of(dimension("TableName", table));
    List<MetricDataQuery> queries =
        new ArrayList<>(
            List.of(
                sum("rte", "ReadThrottleEvents", dims),
                sum("wte", "WriteThrottleEvents", dims),
                sum("rkr", "ReadKeyRangeThroughputThrottleEvents", dims),
                sum("wkr", "WriteKeyRangeThroughputThrottleEvents", dims),
                sum("rpt", "ReadProvisionedThroughputThrottleEvents", dims),
                sum("wpt", "WriteProvisionedThroughputThrottleEvents", dims),
                sum("rmo", "ReadMaxOnDemandThroughputThrottleEvents", dims),
                sum("wmo", "WriteMaxOnDemandThroughputThrottleEvents", dims),
                sum("crc", "ConsumedReadCapacityUnits", dims),
                sum("cwc", "ConsumedWriteCapacityUnits", dims)));
    List<String> sorted = indexes.stream().sorted().toList();
    for (int i = 0; i < sorted.size(); i++) {
      List<Dimension> indexDims =
          List.of(
              dimension("TableName", table), dimension("GlobalSecondaryIndexName", sorted.get(i)));
      queries.add(sum("ir" + i, "ReadThrottleEvents", indexDims));
      queries.add(sum("iw" + i, "WriteThrottleEvents", indexDims));
    }
    return queries;
  }

  /** The reading of {@code results} for the window {@code [end - window, end)}. */
  public static ThrottleReading reading(
      List<MetricDataResult> results, Instant end, Duration window) {
    Map<String, List<Double>> values = new HashMap<>();
    results.forEach(result -> values.put(result.id(), result.values()));
    long indexEvents = 0;
    for (Map.Entry<String, List<Double>> entry : values.entrySet()) {
      if (entry.getKey().startsWith("ir") || entry.getKey().startsWith("iw")) {
        indexEvents += total(entry.getValue());
      }
    }
    return new ThrottleReading(
        end.toString(),
        GoDurations.format(window),
        total(values.get("rte")),
        total(values.get("wte")),
        total(values.get("rkr")) + total(values.get("wkr")),
        total(values.get("rpt")) + total(values.get("wpt")),
        indexEvents,
        perSecondPeak(values.get("crc")),
        perSecondPeak(values.get("cwc")),
        total(values.get("rmo")) + total(values.get("wmo")));
  }

  private static long total(List<Double> values) {
    return values == null ? 0 : Math.round(values.stream().mapToDouble(Double::doubleValue).sum());
  }

  /** The busiest minute's units per second, rounded up. */
  private static long perSecondPeak(List<Double> values) {
    return values == null
        ? 0
        : (long)
            Math.ceil(
                values.stream().mapToDouble(Double::doubleValue).max().orElse(0) / PERIOD_SECONDS);
  }

  private static MetricDataQuery sum(String id, String metric, List<Dimension> dimensions) {
    return MetricDataQuery.builder()
        .id(id)
        .returnData(true)
        .metricStat(
            MetricStat.builder()
                .metric(
                    Metric.builder()
                        .namespace(NAMESPACE)
                        .metricName(metric)
                        .dimensions(dimensions)
                        .build())
                .period(PERIOD_SECONDS)
                .stat("Sum")
                .build())
        .build();
  }

  private static Dimension dimension(String name, String value) {
    return Dimension.builder().name(name).value(value).build();
  }
}
