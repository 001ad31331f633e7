package dev.limiter.operator.plan.automation;

import static dev.limiter.operator.api.ConditionTypes.ALARMS_SYNCED;

import dev.limiter.operator.plan.ConditionStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import software.amazon.awssdk.services.cloudwatch.model.ComparisonOperator;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.Metric;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataQuery;
import software.amazon.awssdk.services.cloudwatch.model.MetricStat;
import software.amazon.awssdk.services.cloudwatch.model.PutMetricAlarmRequest;
import software.amazon.awssdk.services.cloudwatch.model.Statistic;
import software.amazon.awssdk.services.cloudwatch.model.Tag;

/**
 * Plans the runbook's CloudWatch alarms of a table. Pure.
 *
 * <p>The set: {@code <table>/read-throttle}, {@code <table>/write-throttle}, the hot-partition
 * {@code <table>/read-key-range-throttle} and {@code <table>/write-key-range-throttle}, {@code
 * <table>/high-capacity} while the table is provisioned (consumed over provisioned units, by metric
 * math, so it follows autoscaling), and {@code <table>/index/<index>/read-throttle} / {@code
 * …/write-throttle} for each GSI. The operator's alarms under the names it used before ({@code
 * <table>-…}, which could collide between tables) are deleted once the new ones are put. An alarm
 * is put only when its definition differs from CloudWatch's (PutMetricAlarm overwrites, so an
 * unchanged alarm costs no call). The operator's alarms carry an ownership line in their
 * description; only an alarm with the resource's line that watches this table is ever deleted, so
 * the {@code TargetTracking-…} alarms of autoscaling, alarms made by hand and the alarms of another
 * table are never deleted. A wanted name held by an alarm of another resource or on another table
 * (table {@code t-gsi1}'s {@code t-gsi1-read-throttle} is also the name of table {@code t}'s index
 * alarm) is not overwritten but reported as a conflict.
 */
public final class AlarmPlanner {

  /** Evaluation period of every alarm: the runbook's 5 minutes. */
  public static final int PERIOD_SECONDS = 300;

  private static final String NAMESPACE = "AWS/DynamoDB";
  private static final String OWNER_LINE_START =
      "Managed by limiter-operator for RateLimiterTable ";
  private static final String SEPARATOR = "/";

  private AlarmPlanner() {}

  /**
   * The line that marks an alarm as the operator's for {@code owner} ({@code <namespace>/<name>}).
   */
  public static String ownerLine(String owner) {
    return OWNER_LINE_START + owner + ".";
  }

  /**
   * Reason of AlarmsSynced when a wanted alarm name is held by an alarm this table does not own.
   */
  public static final String CONFLICT = "AlarmConflict";

  /**
   * The prefixes to list a table's alarms by: the current names ({@code <table>/…}) and the names
   * before 0.2 ({@code <table>-…}), so that the operator's old alarms are found and replaced.
   */
  public static List<String> prefixes(String table) {
    return List.of(table + SEPARATOR, table + "-");
  }

  /**
   * An alarm's name: the table, the index if any, and what it watches, joined by {@code /}, which
   * no DynamoDB table or index name contains; so table {@code x} with index {@code gsi1} ({@code
   * x/index/gsi1/read-throttle}) and table {@code x-gsi1} ({@code x-gsi1/read-throttle}) never
   * meet.
   */
  static String alarmName(String table, String index, String watch) {
    return index == null
        ? table + SEPARATOR + watch
        : table + SEPARATOR + "index" + SEPARATOR + index + SEPARATOR + watch;
  }

  /**
   * The plan.
   *
   * @param table the table
   * @param owner the owning resource, {@code <namespace>/<name>}
   * @param indexes its GSIs
   * @param goal the alarm settings, empty when alarms are off
   * @param provisioned whether the table is provisioned (the high-capacity alarm needs provisioned
   *     units)
   * @param observed the alarms whose names start with one of {@link #prefixes}
   */
  public static Section plan(
      String table,
      String owner,
      List<String> indexes,
      Optional<DesiredAutomation.AlarmGoal> goal,
      boolean provisioned,
      List<MetricAlarm> observed) {
    Map<String, PutMetricAlarmRequest> wanted =
        goal.map(g -> wanted(table, owner, indexes, g, provisioned)).orElse(Map.of());
    Map<String, MetricAlarm> current = new LinkedHashMap<>();
    observed.forEach(alarm -> current.put(alarm.alarmName(), alarm));
    List<AutomationAction> actions = new ArrayList<>();
    List<String> conflicts = new ArrayList<>();
    wanted.forEach(
        (name, request) -> {
          MetricAlarm existing = current.get(name);
          if (existing != null && heldByAnother(existing, table, owner)) {
            conflicts.add(name + " (" + holder(existing) + ")");
          } else if (existing == null || !Definition.of(request).equals(Definition.of(existing))) {
            actions.add(new AutomationAction.PutAlarm(request));
          }
        });
    List<String> stale =
        observed.stream()
            .filter(alarm -> owned(alarm, table, owner))
            .map(MetricAlarm::alarmName)
            .filter(name -> !wanted.containsKey(name) && !name.startsWith("TargetTracking-"))
            .sorted()
            .toList();
    if (!stale.isEmpty()) {
      actions.add(new AutomationAction.DeleteAlarms(stale));
    }
    ConditionStatus condition;
    if (!conflicts.isEmpty()) {
      condition =
          ConditionStatus.isFalse(
              ALARMS_SYNCED,
              CONFLICT,
              "alarm names already taken by alarms that are not this"
                  + " table's, left as they are: "
                  + String.join(", ", conflicts)
                  + "; delete or rename them, or choose another tableName");
    } else if (!actions.isEmpty()) {
      condition =
          ConditionStatus.isFalse(
              ALARMS_SYNCED,
              "Updating",
              String.join("; ", actions.stream().map(AutomationAction::describe).toList()));
    } else if (goal.isEmpty()) {
      condition =
          ConditionStatus.isTrue(
              ALARMS_SYNCED, "NotConfigured", "alarms are off and none of the operator's exist");
    } else {
      condition =
          ConditionStatus.isTrue(ALARMS_SYNCED, "InSync", wanted.size() + " alarms match the spec");
    }
    return new Section(actions, condition);
  }

  /**
   * Whether {@code alarm} is one the operator made for {@code owner}'s {@code table}: its ownership
   * line, and it watches the table.
   */
  private static boolean owned(MetricAlarm alarm, String table, String owner) {
    return alarm.alarmDescription() != null
        && alarm.alarmDescription().endsWith(ownerLine(owner))
        && watchedTables(alarm).equals(List.of(table));
  }

  /**
   * Whether {@code alarm}, named as one of {@code table}'s, is another's: it carries another
   * resource's ownership line or watches another table. One that watches this table (or nothing)
   * and lost its line to a hand edit is drift, put right.
   */
  private static boolean heldByAnother(MetricAlarm alarm, String table, String owner) {
    String description = alarm.alarmDescription() == null ? "" : alarm.alarmDescription();
    List<String> watched = watchedTables(alarm);
    return (description.contains(OWNER_LINE_START) && !description.endsWith(ownerLine(owner)))
        || !(watched.isEmpty() || watched.equals(List.of(table)));
  }

  /** The tables an alarm's metrics (its own, or its metric-math inputs) are of. */
  private static List<String> watchedTables(MetricAlarm alarm) {
    List<Dimension> dimensions = new ArrayList<>(alarm.dimensions());
    alarm.metrics().stream()
        .filter(query -> query.metricStat() != null && query.metricStat().metric() != null)
        .forEach(query -> dimensions.addAll(query.metricStat().metric().dimensions()));
    return dimensions.stream()
        .filter(d -> "TableName".equals(d.name()))
        .map(Dimension::value)
        .distinct()
        .toList();
  }

  /** Whose an alarm that is not this table's is, for people. */
  private static String holder(MetricAlarm alarm) {
    String description = alarm.alarmDescription() == null ? "" : alarm.alarmDescription();
    int at = description.lastIndexOf(OWNER_LINE_START);
    String owner =
        at < 0
            ? "not made by limiter-operator"
            : "RateLimiterTable "
                + description.substring(at + OWNER_LINE_START.length(), description.length() - 1);
    return owner
        + ", watching "
        + (watchedTables(alarm).isEmpty()
            ? "no table"
            : "table " + String.join(", ", watchedTables(alarm)));
  }

  /** The names of the alarms the spec wants, for status. */
  public static List<String> names(
      String table,
      String owner,
      List<String> indexes,
      Optional<DesiredAutomation.AlarmGoal> goal,
      boolean provisioned) {
    return goal.map(g -> List.copyOf(wanted(table, owner, indexes, g, provisioned).keySet()))
        .orElse(List.of());
  }

  private static Map<String, PutMetricAlarmRequest> wanted(
      String table,
      String owner,
      List<String> indexes,
      DesiredAutomation.AlarmGoal goal,
      boolean provisioned) {
    Map<String, PutMetricAlarmRequest> wanted = new LinkedHashMap<>();
    List<Dimension> tableOnly = List.of(dimension("TableName", table));
    throttle(
        wanted,
        alarmName(table, null, "read-throttle"),
        "Read throttling on table " + table,
        "ReadThrottleEvents",
        tableOnly,
        owner,
        goal);
    throttle(
        wanted,
        alarmName(table, null, "write-throttle"),
        "Write throttling on table " + table,
        "WriteThrottleEvents",
        tableOnly,
        owner,
        goal);
    throttle(
        wanted,
        alarmName(table, null, "read-key-range-throttle"),
        "Hot partition: reads of one key range throttled on table " + table,
        "ReadKeyRangeThroughputThrottleEvents",
        tableOnly,
        owner,
        goal);
    throttle(
        wanted,
        alarmName(table, null, "write-key-range-throttle"),
        "Hot partition: writes to one key range throttled on table " + table,
        "WriteKeyRangeThroughputThrottleEvents",
        tableOnly,
        owner,
        goal);
    if (provisioned) {
      String name = alarmName(table, null, "high-capacity");
      wanted.put(
          name,
          base(
                  name,
                  "Warning: consumed capacity of table "
                      + table
                      + " above "
                      + goal.capacityUtilizationPercent()
                      + "% of provisioned",
                  owner,
                  goal)
              .metrics(
                  stat("cr", "ConsumedReadCapacityUnits", tableOnly, Statistic.SUM),
                  stat("pr", "ProvisionedReadCapacityUnits", tableOnly, Statistic.AVERAGE),
                  stat("cw", "ConsumedWriteCapacityUnits", tableOnly, Statistic.SUM),
                  stat("pw", "ProvisionedWriteCapacityUnits", tableOnly, Statistic.AVERAGE),
                  MetricDataQuery.builder()
                      .id("utilization")
                      .label("highest of read and write utilization (%)")
                      .expression(
                          "MAX([100*(cr/"
                              + PERIOD_SECONDS
                              + ")/pr, 100*(cw/"
                              + PERIOD_SECONDS
                              + ")/pw])")
                      .returnData(true)
                      .build())
              .threshold((double) goal.capacityUtilizationPercent())
              .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD)
              .build());
    }
    for (String index : indexes.stream().sorted().toList()) {
      List<Dimension> dims =
          List.of(dimension("TableName", table), dimension("GlobalSecondaryIndexName", index));
      throttle(
          wanted,
          alarmName(table, index, "read-throttle"),
          "Read throttling on index " + index + " of table " + table,
          "ReadThrottleEvents",
          dims,
          owner,
          goal);
      throttle(
          wanted,
          alarmName(table, index, "write-throttle"),
          "Write throttling on index "
              + index
              + " of table "
              + table
              + " (throttles the table's writes too)",
          "WriteThrottleEvents",
          dims,
          owner,
          goal);
    }
    return wanted;
  }

  private static void throttle(
      Map<String, PutMetricAlarmRequest> wanted,
      String name,
      String what,
      String metric,
      List<Dimension> dimensions,
      String owner,
      DesiredAutomation.AlarmGoal goal) {
    wanted.put(
        name,
        base(name, what, owner, goal)
            .namespace(NAMESPACE)
            .metricName(metric)
            .dimensions(dimensions)
            .statistic(Statistic.SUM)
            .period(PERIOD_SECONDS)
            .threshold((double) goal.throttleEventsThreshold())
            .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
            .build());
  }

  private static PutMetricAlarmRequest.Builder base(
      String name, String what, String owner, DesiredAutomation.AlarmGoal goal) {
    return PutMetricAlarmRequest.builder()
        .alarmName(name)
        .alarmDescription(what + ". " + ownerLine(owner))
        .alarmActions(goal.actions())
        .actionsEnabled(true)
        .evaluationPeriods(1)
        .treatMissingData("notBreaching")
        .tags(Tag.builder().key("limiter.dev/owner").value(owner).build());
  }

  private static MetricDataQuery stat(
      String id, String metric, List<Dimension> dimensions, Statistic statistic) {
    return MetricDataQuery.builder()
        .id(id)
        .returnData(false)
        .metricStat(
            MetricStat.builder()
                .metric(
                    Metric.builder()
                        .namespace(NAMESPACE)
                        .metricName(metric)
                        .dimensions(dimensions)
                        .build())
                .period(PERIOD_SECONDS)
                .stat(statistic.toString())
                .build())
        .build();
  }

  private static Dimension dimension(String name, String value) {
    return Dimension.builder().name(name).value(value).build();
  }

  /**
   * The parts of an alarm the operator sets, comparable between a request and CloudWatch's
   * description (lists of actions and dimensions compared as sets, as CloudWatch does not keep
   * order).
   */
  private record Definition(
      String description,
      Set<String> actions,
      boolean actionsEnabled,
      String namespace,
      String metric,
      Set<String> dimensions,
      String statistic,
      Integer period,
      Integer evaluationPeriods,
      Double threshold,
      String comparison,
      String treatMissingData,
      List<String> metrics) {

    static Definition of(PutMetricAlarmRequest r) {
      return new Definition(
          r.alarmDescription(),
          new TreeSet<>(r.alarmActions()),
          !Boolean.FALSE.equals(r.actionsEnabled()),
          r.namespace(),
          r.metricName(),
          dimensions(r.dimensions()),
          r.statisticAsString(),
          r.period(),
          r.evaluationPeriods(),
          r.threshold(),
          r.comparisonOperatorAsString(),
          r.treatMissingData(),
          queries(r.metrics()));
    }

    static Definition of(MetricAlarm a) {
      return new Definition(
          a.alarmDescription(),
          new TreeSet<>(a.alarmActions()),
          !Boolean.FALSE.equals(a.actionsEnabled()),
          a.namespace(),
          a.metricName(),
          dimensions(a.dimensions()),
          a.statisticAsString(),
          a.period(),
          a.evaluationPeriods(),
          a.threshold(),
          a.comparisonOperatorAsString(),
          a.treatMissingData(),
          queries(a.metrics()));
    }

    private static Set<String> dimensions(List<Dimension> dimensions) {
      Set<String> set = new TreeSet<>();
      dimensions.forEach(d -> set.add(d.name() + "=" + d.value()));
      return set;
    }

    private static List<String> queries(List<MetricDataQuery> queries) {
      return queries.stream()
          .map(
              q ->
                  String.join(
                      "|",
                      q.id(),
                      Objects.toString(q.expression()),
                      Objects.toString(q.returnData()),
                      q.metricStat() == null
                          ? ""
                          : q.metricStat().metric().namespace()
                              + "/"
                              + q.metricStat().metric().metricName()
                              + dimensions(q.metricStat().metric().dimensions())
                              + "/"
                              + q.metricStat().period()
                              + "/"
                              + q.metricStat().stat()))
          .sorted()
          .toList();
    }
  }
}
