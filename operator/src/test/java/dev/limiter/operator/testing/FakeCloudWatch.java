package dev.limiter.operator.testing;

import dev.limiter.operator.aws.TableAlarms;
import dev.limiter.operator.aws.TableMetrics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.cloudwatch.model.CloudWatchException;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.InvalidParameterCombinationException;
import software.amazon.awssdk.services.cloudwatch.model.InvalidParameterValueException;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataQuery;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataResult;
import software.amazon.awssdk.services.cloudwatch.model.MetricStat;
import software.amazon.awssdk.services.cloudwatch.model.MissingRequiredParameterException;
import software.amazon.awssdk.services.cloudwatch.model.PutMetricAlarmRequest;
import software.amazon.awssdk.services.cloudwatch.model.ResourceNotFoundException;
import software.amazon.awssdk.services.cloudwatch.model.StateValue;
import software.amazon.awssdk.services.cloudwatch.model.StatusCode;
import software.amazon.awssdk.services.cloudwatch.model.Tag;

/**
 * <strong>A fake of AWS behaviour: in-memory CloudWatch alarms and a scripted metrics
 * feed.</strong> There is no local CloudWatch to wrap, so this class is the whole service for tests
 * and the local sandbox; it fails with CloudWatch's SDK exception types and (as far as known) its
 * error codes and wording. It is not production code (it lives in the test sources and reaches the
 * sandbox through the operator's test-jar): against real AWS use the SDK adapter.
 *
 * <p>Time is the injected {@link Clock}, never the wall clock: {@code
 * AlarmConfigurationUpdatedTimestamp} and {@code StateUpdatedTimestamp} are on it.
 *
 * <p>The rules of alarms, each checked before anything changes (a refused call changes nothing):
 *
 * <ol>
 *   <li><b>PutMetricAlarm is create-or-update by name.</b> An existing alarm's configuration is
 *       overwritten entirely; its {@code StateValue} is kept (a new alarm starts {@code
 *       INSUFFICIENT_DATA}) and so are its tags: {@code Tags} apply on create only.
 *   <li><b>AlarmName</b> is required ({@code MissingParameter}) and 1–255 characters ({@code
 *       ValidationError}).
 *   <li><b>EvaluationPeriods</b> is required ({@code MissingParameter}) and at least 1 ({@code
 *       ValidationError}); <b>ComparisonOperator</b> is required ({@code MissingParameter}).
 *   <li><b>One metric form.</b> Exactly one of the single-metric form ({@code MetricName} and
 *       {@code Namespace}) and the {@code Metrics} form ({@code InvalidParameterCombination} when
 *       both or neither).
 *       <ul>
 *         <li>Single-metric form: {@code MetricName} and {@code Namespace} both ({@code
 *             MissingParameter}); exactly one of {@code Statistic} and {@code ExtendedStatistic}
 *             ({@code MissingParameter} / {@code InvalidParameterCombination}); {@code Period}
 *             required ({@code MissingParameter}) and 10, 20, 30 or a multiple of 60 ({@code
 *             InvalidParameterValue}).
 *         <li>{@code Metrics} form: exactly one query returns data ({@code ReturnData} unset counts
 *             as true, as on AWS), else {@code ValidationError} "Exactly one element of the metrics
 *             list should return data."; {@code Statistic}, {@code ExtendedStatistic}, {@code
 *             Period}, {@code Dimensions} and {@code Unit} must not also be set at top level
 *             ({@code InvalidParameterCombination}).
 *       </ul>
 *   <li><b>Lists:</b> at most {@value #MAX_ACTIONS} {@code AlarmActions}, {@code OKActions} and
 *       {@code InsufficientDataActions} each, at most {@value #MAX_DIMENSIONS} {@code Dimensions}
 *       ({@code ValidationError}).
 *   <li><b>DescribeAlarms(prefix)</b> returns the metric alarms whose names start with the prefix,
 *       sorted by name, with every field that was put, the state, an ARN and the clock's {@code
 *       AlarmConfigurationUpdatedTimestamp}.
 *   <li><b>DeleteAlarms</b> silently skips unknown names. AWS takes at most {@value
 *       #MAX_DELETE_NAMES} names per call; the {@link TableAlarms} port takes any number and its
 *       SDK adapter splits them, so this fake accepts any number and records one {@code
 *       DeleteAlarms} mutation per {@value #MAX_DELETE_NAMES} names, as the adapter's calls would
 *       be. An empty collection makes no call.
 * </ol>
 *
 * <p>The rules of {@link #getMetricData}: at most {@value #MAX_QUERIES} queries ({@code
 * InvalidParameterValue}); each id matches {@code ^[a-z][a-zA-Z0-9_]*$} and is unique ({@code
 * ValidationError}); start before end ({@code InvalidParameterValue}); each query has exactly one
 * of {@code MetricStat} and {@code Expression} ({@code InvalidParameterCombination}); the {@code
 * MetricStat} period is at least 1 ({@code InvalidParameterValue}). Each query that returns data
 * ({@code ReturnData} unset means true) aggregates the points {@link #record recorded} for exactly
 * its metric (namespace, name and the dimensions as a set) in {@code [start, end)} into buckets of
 * the period aligned to {@code start}, with stat {@code Sum}, {@code Average}, {@code Maximum},
 * {@code Minimum} or {@code SampleCount}; empty buckets are left out, timestamps come newest first
 * and the status is {@code Complete}; the label is the query's, else the metric name. Not
 * reproduced: metric math {@code Expression}s and other stats (percentiles, trimmed means) throw
 * {@link UnsupportedOperationException}; {@code MetricStat.Unit} is ignored; there is no paging,
 * retention or period rounding by data age.
 *
 * <p>Test hooks: {@link #record} feeds metrics, {@link #setAlarmState} plays the alarm evaluator,
 * {@link #tags} reads an alarm's tags, and {@link #mutations()} lists the mutating calls made
 * through the port, so a test can assert that an unchanged spec made none. Alarms that {@link
 * FakeTableScaling} creates for its target-tracking policies are made by Application Auto Scaling,
 * not through the port, so they are not listed.
 *
 * <p>Thread-safe: every method synchronises on the instance.
 */
public final class FakeCloudWatch implements TableAlarms, TableMetrics {

  /** Longest alarm name. */
  public static final int MAX_ALARM_NAME_LENGTH = 255;

  /** Most actions per action list. */
  public static final int MAX_ACTIONS = 5;

  /** Most dimensions of an alarm's metric. */
  public static final int MAX_DIMENSIONS = 30;

  /** Most names one DeleteAlarms call takes. */
  public static final int MAX_DELETE_NAMES = 100;

  /** Most queries one GetMetricData call takes. */
  public static final int MAX_QUERIES = 500;

  /** Region in ARNs. */
  public static final String REGION = "us-east-1";

  /** Account in ARNs. */
  public static final String ACCOUNT = "000000000000";

  private static final String SERVICE_NAME = "CloudWatch";
  private static final Pattern QUERY_ID = Pattern.compile("^[a-z][a-zA-Z0-9_]*$");

  private final Clock clock;

  /** Alarms by name; sorted so DescribeAlarms comes out in AWS's order. */
  private final TreeMap<String, StoredAlarm> alarms = new TreeMap<>();

  private final Map<MetricKey, List<Point>> metrics = new HashMap<>();
  private final List<String> mutations = new ArrayList<>();

  /**
   * @param clock the time alarm updates and state changes are stamped with
   */
  public FakeCloudWatch(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  // ---------------------------------------------------------------- TableAlarms

  @Override
  public synchronized List<MetricAlarm> describeAlarms(String alarmNamePrefix) {
    String prefix = alarmNamePrefix == null ? "" : alarmNamePrefix;
    List<MetricAlarm> out = new ArrayList<>();
    for (StoredAlarm alarm : alarms.tailMap(prefix, true).values()) {
      if (!alarm.request.alarmName().startsWith(prefix)) {
        break;
      }
      out.add(alarm.describe());
    }
    return out;
  }

  @Override
  public synchronized void putMetricAlarm(PutMetricAlarmRequest request) {
    mutations.add("PutMetricAlarm " + request.alarmName());
    put(request);
  }

  @Override
  public synchronized void deleteAlarms(Collection<String> alarmNames) {
    List<String> names = List.copyOf(alarmNames);
    for (int from = 0; from < names.size(); from += MAX_DELETE_NAMES) {
      List<String> call = names.subList(from, Math.min(names.size(), from + MAX_DELETE_NAMES));
      mutations.add("DeleteAlarms " + String.join(",", call));
      call.forEach(alarms::remove);
    }
  }

  // ---------------------------------------------------------------- TableMetrics

  @Override
  public synchronized List<MetricDataResult> getMetricData(
      List<MetricDataQuery> queries, Instant start, Instant end) {
    if (queries.size() > MAX_QUERIES) {
      throw error(
          InvalidParameterValueException.builder(),
          "InvalidParameterValue",
          "The collection MetricDataQueries must not have a size greater than "
              + MAX_QUERIES
              + ".");
    }
    if (!start.isBefore(end)) {
      throw error(
          InvalidParameterValueException.builder(),
          "InvalidParameterValue",
          "The parameter StartTime must be less than the parameter EndTime.");
    }
    Set<String> ids = new HashSet<>();
    for (MetricDataQuery query : queries) {
      if (query.id() == null || !QUERY_ID.matcher(query.id()).matches()) {
        throw error(
            CloudWatchException.builder(),
            "ValidationError",
            "Invalid metric data query id: "
                + query.id()
                + ". The id must start with a lowercase letter and contain only letters, numbers"
                + " and underscores.");
      }
      if (!ids.add(query.id())) {
        throw error(
            CloudWatchException.builder(),
            "ValidationError",
            "The values for parameter id in MetricDataQueries are not unique.");
      }
      if ((query.metricStat() == null) == (query.expression() == null)) {
        throw error(
            InvalidParameterCombinationException.builder(),
            "InvalidParameterCombination",
            "Exactly one of MetricStat and Expression must be set in MetricDataQuery "
                + query.id()
                + ".");
      }
      if (query.expression() != null) {
        throw new UnsupportedOperationException(
            "FakeCloudWatch does not evaluate metric math; query "
                + query.id()
                + " has expression "
                + query.expression());
      }
      MetricStat stat = query.metricStat();
      if (stat.metric() == null) {
        throw missing("MetricStat.Metric");
      }
      if (stat.period() == null || stat.period() < 1) {
        throw error(
            InvalidParameterValueException.builder(),
            "InvalidParameterValue",
            "The parameter MetricStat.Period of query " + query.id() + " must be at least 1.");
      }
      Stat.of(stat.stat());
    }

    List<MetricDataResult> results = new ArrayList<>();
    for (MetricDataQuery query : queries) {
      if (Boolean.FALSE.equals(query.returnData())) {
        continue;
      }
      results.add(aggregate(query, start, end));
    }
    return results;
  }

  // ---------------------------------------------------------------- test hooks

  /**
   * Records one datapoint of a metric, as if published with PutMetricData.
   *
   * @param namespace the metric's namespace, for example {@code AWS/DynamoDB}
   * @param metricName the metric's name, for example {@code ReadThrottleEvents}
   * @param dimensions the metric's dimensions; a query must name exactly these to see the point
   * @param at the datapoint's timestamp
   * @param value the datapoint's value
   */
  public synchronized void record(
      String namespace,
      String metricName,
      Map<String, String> dimensions,
      Instant at,
      double value) {
    MetricKey key = new MetricKey(namespace, metricName, Map.copyOf(dimensions));
    metrics.computeIfAbsent(key, k -> new ArrayList<>()).add(new Point(at, value));
  }

  /**
   * Sets an alarm's state, as CloudWatch's evaluator (or SetAlarmState) would; stamps {@code
   * StateUpdatedTimestamp} with the clock.
   *
   * @throws ResourceNotFoundException when there is no alarm of that name (AWS's SetAlarmState)
   */
  public synchronized void setAlarmState(String alarmName, StateValue state) {
    StoredAlarm alarm = alarms.get(alarmName);
    if (alarm == null) {
      throw error(
          ResourceNotFoundException.builder(),
          "ResourceNotFound",
          "Alarm " + alarmName + " not found");
    }
    alarm.state = state;
    alarm.stateReason = "Set by test";
    alarm.stateUpdated = clock.instant();
  }

  /**
   * The tags of an alarm (as ListTagsForResource would give them), empty when it has none or does
   * not exist.
   */
  public synchronized Map<String, String> tags(String alarmName) {
    StoredAlarm alarm = alarms.get(alarmName);
    return alarm == null ? Map.of() : Map.copyOf(alarm.tags);
  }

  /**
   * The mutating calls made through {@link TableAlarms} so far, oldest first, refused ones
   * included: {@code "PutMetricAlarm NAME"} and {@code "DeleteAlarms NAME,NAME,…"} (one per AWS
   * call).
   */
  public synchronized List<String> mutations() {
    return List.copyOf(mutations);
  }

  /** Forgets the {@link #mutations()} recorded so far, so a test can watch one reconcile pass. */
  public synchronized void clearMutations() {
    mutations.clear();
  }

  // ---------------------------------------------------------------- for FakeTableScaling

  /** PutMetricAlarm made by Application Auto Scaling itself: same rules, not a port mutation. */
  synchronized void putServiceAlarm(PutMetricAlarmRequest request) {
    put(request);
  }

  /** DeleteAlarms made by Application Auto Scaling itself: not a port mutation. */
  synchronized void deleteServiceAlarms(Collection<String> alarmNames) {
    alarmNames.forEach(alarms::remove);
  }

  /** The ARN of an alarm of that name. */
  static String alarmArn(String alarmName) {
    return "arn:aws:cloudwatch:" + REGION + ":" + ACCOUNT + ":alarm:" + alarmName;
  }

  // ---------------------------------------------------------------- alarms

  /** Validates and stores; caller holds the lock. */
  private void put(PutMetricAlarmRequest request) {
    validate(request);
    Instant now = clock.instant();
    StoredAlarm alarm = alarms.get(request.alarmName());
    if (alarm == null) {
      alarm = new StoredAlarm(now);
      if (request.hasTags()) {
        for (Tag tag : request.tags()) {
          alarm.tags.put(tag.key(), tag.value());
        }
      }
      alarms.put(request.alarmName(), alarm);
    }
    alarm.request = request;
    alarm.configurationUpdated = now;
  }

  private static void validate(PutMetricAlarmRequest request) {
    String name = request.alarmName();
    if (name == null) {
      throw missing("AlarmName");
    }
    if (name.isEmpty() || name.length() > MAX_ALARM_NAME_LENGTH) {
      throw constraint(
          name,
          "alarmName",
          "Member must have length "
              + (name.isEmpty()
                  ? "greater than or equal to 1"
                  : "less than or equal to " + MAX_ALARM_NAME_LENGTH));
    }
    if (request.evaluationPeriods() == null) {
      throw missing("EvaluationPeriods");
    }
    if (request.evaluationPeriods() < 1) {
      throw constraint(
          request.evaluationPeriods(),
          "evaluationPeriods",
          "Member must have value greater than or equal to 1");
    }
    if (request.comparisonOperator() == null) {
      throw missing("ComparisonOperator");
    }
    maxSize(
        request.hasAlarmActions() ? request.alarmActions() : List.of(),
        "alarmActions",
        MAX_ACTIONS);
    maxSize(request.hasOkActions() ? request.okActions() : List.of(), "oKActions", MAX_ACTIONS);
    maxSize(
        request.hasInsufficientDataActions() ? request.insufficientDataActions() : List.of(),
        "insufficientDataActions",
        MAX_ACTIONS);
    maxSize(
        request.hasDimensions() ? request.dimensions() : List.of(), "dimensions", MAX_DIMENSIONS);

    boolean single = request.metricName() != null || request.namespace() != null;
    boolean multi = request.hasMetrics();
    if (single == multi) {
      throw combination(
          single
              ? "The parameters MetricName and Namespace are mutually exclusive with the parameter"
                  + " Metrics."
              : "Either the parameters MetricName and Namespace or the parameter Metrics must be"
                  + " specified.");
    }
    if (single) {
      validateSingleMetric(request);
    } else {
      validateMetrics(request);
    }
  }

  private static void validateSingleMetric(PutMetricAlarmRequest request) {
    if (request.metricName() == null) {
      throw missing("MetricName");
    }
    if (request.namespace() == null) {
      throw missing("Namespace");
    }
    boolean statistic = request.statistic() != null;
    boolean extended = request.extendedStatistic() != null;
    if (statistic && extended) {
      throw combination("The parameters Statistic and ExtendedStatistic are mutually exclusive.");
    }
    if (!statistic && !extended) {
      throw missing("Statistic or ExtendedStatistic");
    }
    Integer period = request.period();
    if (period == null) {
      throw missing("Period");
    }
    if (!(period == 10 || period == 20 || period == 30 || (period > 0 && period % 60 == 0))) {
      throw error(
          InvalidParameterValueException.builder(),
          "InvalidParameterValue",
          "The parameter Period must be 10, 20, 30 or a multiple of 60.");
    }
  }

  private static void validateMetrics(PutMetricAlarmRequest request) {
    List<String> topLevel = new ArrayList<>();
    if (request.statistic() != null) {
      topLevel.add("Statistic");
    }
    if (request.extendedStatistic() != null) {
      topLevel.add("ExtendedStatistic");
    }
    if (request.period() != null) {
      topLevel.add("Period");
    }
    if (request.hasDimensions()) {
      topLevel.add("Dimensions");
    }
    if (request.unit() != null) {
      topLevel.add("Unit");
    }
    if (!topLevel.isEmpty()) {
      throw combination(
          "The parameter Metrics is mutually exclusive with the parameters "
              + String.join(", ", topLevel)
              + ".");
    }
    long returning =
        request.metrics().stream().filter(q -> !Boolean.FALSE.equals(q.returnData())).count();
    if (returning != 1) {
      throw error(
          CloudWatchException.builder(),
          "ValidationError",
          "Exactly one element of the metrics list should return data.");
    }
  }

  private static void maxSize(List<?> list, String member, int max) {
    if (list.size() > max) {
      throw constraint(list, member, "Member must have length less than or equal to " + max);
    }
  }

  // ---------------------------------------------------------------- metrics

  private MetricDataResult aggregate(MetricDataQuery query, Instant start, Instant end) {
    MetricStat stat = query.metricStat();
    Map<String, String> dimensions = new HashMap<>();
    if (stat.metric().hasDimensions()) {
      for (Dimension dimension : stat.metric().dimensions()) {
        dimensions.put(dimension.name(), dimension.value());
      }
    }
    MetricKey key =
        new MetricKey(stat.metric().namespace(), stat.metric().metricName(), dimensions);
    long period = stat.period();
    // Bucket index -> values; descending so the result comes out newest first.
    TreeMap<Long, List<Double>> buckets = new TreeMap<>(Comparator.reverseOrder());
    for (Point point : metrics.getOrDefault(key, List.of())) {
      if (point.at().isBefore(start) || !point.at().isBefore(end)) {
        continue;
      }
      long bucket = Duration.between(start, point.at()).getSeconds() / period;
      buckets.computeIfAbsent(bucket, b -> new ArrayList<>()).add(point.value());
    }
    Stat aggregation = Stat.of(stat.stat());
    List<Instant> timestamps = new ArrayList<>();
    List<Double> values = new ArrayList<>();
    buckets.forEach(
        (bucket, points) -> {
          timestamps.add(start.plusSeconds(bucket * period));
          values.add(aggregation.apply(points));
        });
    return MetricDataResult.builder()
        .id(query.id())
        .label(query.label() != null ? query.label() : stat.metric().metricName())
        .timestamps(timestamps)
        .values(values)
        .statusCode(StatusCode.COMPLETE)
        .build();
  }

  /** The statistics the feed computes. */
  private enum Stat {
    SUM,
    AVERAGE,
    MAXIMUM,
    MINIMUM,
    SAMPLE_COUNT;

    static Stat of(String name) {
      if (name == null) {
        throw missing("MetricStat.Stat");
      }
      return switch (name) {
        case "Sum" -> SUM;
        case "Average" -> AVERAGE;
        case "Maximum" -> MAXIMUM;
        case "Minimum" -> MINIMUM;
        case "SampleCount" -> SAMPLE_COUNT;
        default ->
            throw new UnsupportedOperationException(
                "FakeCloudWatch computes only Sum, Average, Maximum, Minimum and SampleCount, not "
                    + name);
      };
    }

    double apply(List<Double> points) {
      return switch (this) {
        case SUM -> points.stream().mapToDouble(Double::doubleValue).sum();
        case AVERAGE -> points.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        case MAXIMUM -> points.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        case MINIMUM -> points.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        case SAMPLE_COUNT -> points.size();
      };
    }
  }

  // ---------------------------------------------------------------- errors

  private static AwsServiceException missing(String parameter) {
    return error(
        MissingRequiredParameterException.builder(),
        "MissingParameter",
        "The parameter " + parameter + " is required.");
  }

  private static AwsServiceException combination(String message) {
    return error(
        InvalidParameterCombinationException.builder(), "InvalidParameterCombination", message);
  }

  /** AWS's wording for a violated model constraint. */
  private static AwsServiceException constraint(Object value, String member, String rule) {
    return error(
        CloudWatchException.builder(),
        "ValidationError",
        "1 validation error detected: Value '"
            + value
            + "' at '"
            + member
            + "' failed to satisfy constraint: "
            + rule);
  }

  private static AwsServiceException error(
      AwsServiceException.Builder builder, String code, String message) {
    return AwsErrors.badRequest(builder, SERVICE_NAME, code, message);
  }

  // ---------------------------------------------------------------- state

  /** One metric: namespace, name and dimensions (a map, so their order does not matter). */
  private record MetricKey(String namespace, String metricName, Map<String, String> dimensions) {}

  private record Point(Instant at, double value) {}

  /** One alarm: the last accepted PutMetricAlarm plus what CloudWatch keeps across puts. */
  private static final class StoredAlarm {
    final Map<String, String> tags = new LinkedHashMap<>();
    PutMetricAlarmRequest request;
    Instant configurationUpdated;
    StateValue state = StateValue.INSUFFICIENT_DATA;
    String stateReason = "Unchecked: Initial alarm creation";
    Instant stateUpdated;

    StoredAlarm(Instant created) {
      this.stateUpdated = created;
    }

    MetricAlarm describe() {
      PutMetricAlarmRequest r = request;
      return MetricAlarm.builder()
          .alarmName(r.alarmName())
          .alarmArn(alarmArn(r.alarmName()))
          .alarmDescription(r.alarmDescription())
          .alarmConfigurationUpdatedTimestamp(configurationUpdated)
          .actionsEnabled(r.actionsEnabled() == null ? Boolean.TRUE : r.actionsEnabled())
          .okActions(r.hasOkActions() ? r.okActions() : List.of())
          .alarmActions(r.hasAlarmActions() ? r.alarmActions() : List.of())
          .insufficientDataActions(
              r.hasInsufficientDataActions() ? r.insufficientDataActions() : List.of())
          .stateValue(state)
          .stateReason(stateReason)
          .stateUpdatedTimestamp(stateUpdated)
          .metricName(r.metricName())
          .namespace(r.namespace())
          .statistic(r.statistic())
          .extendedStatistic(r.extendedStatistic())
          .dimensions(r.hasDimensions() ? r.dimensions() : List.of())
          .period(r.period())
          .unit(r.unit())
          .evaluationPeriods(r.evaluationPeriods())
          .datapointsToAlarm(r.datapointsToAlarm())
          .threshold(r.threshold())
          .comparisonOperator(r.comparisonOperator())
          .treatMissingData(r.treatMissingData())
          .evaluateLowSampleCountPercentile(r.evaluateLowSampleCountPercentile())
          .metrics(r.metrics())
          .thresholdMetricId(r.thresholdMetricId())
          .build();
    }
  }
}
