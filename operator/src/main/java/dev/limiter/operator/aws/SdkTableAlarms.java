package dev.limiter.operator.aws;

import java.util.Collection;
import java.util.List;
import java.util.Objects;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.AlarmType;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;
import software.amazon.awssdk.services.cloudwatch.model.PutMetricAlarmRequest;

/**
 * {@link TableAlarms} over an AWS SDK v2 {@link CloudWatchClient}: the production adapter.
 *
 * <p>Thin by design: each method is one SDK call per page (DescribeAlarms) or per chunk of {@value
 * #ALARM_NAMES_PER_CALL} names (DeleteAlarms, the most AWS takes in one call), requests the caller
 * builds pass through unchanged, and every AWS error surfaces as the SDK's exception. Retries are
 * the client's business (its retry strategy).
 *
 * <p>Thread-safe as far as the client is (SDK clients are).
 */
public final class SdkTableAlarms implements TableAlarms {

  /** The most alarm names DeleteAlarms accepts in one call. */
  public static final int ALARM_NAMES_PER_CALL = 100;

  private final CloudWatchClient client;

  /** An adapter over {@code client}; the caller keeps ownership of it (and closes it). */
  public SdkTableAlarms(CloudWatchClient client) {
    this.client = Objects.requireNonNull(client, "client");
  }

  /**
   * DescribeAlarms with {@code AlarmNamePrefix} and {@code AlarmTypes=[MetricAlarm]}, following
   * {@code NextToken}; alarms in AWS's order (by name). {@code MetricAlarm} is AWS's default too;
   * it is sent so that the request says what the result holds (composite alarms never do).
   */
  @Override
  public List<MetricAlarm> describeAlarms(String alarmNamePrefix) {
    return client
        .describeAlarmsPaginator(
            r -> r.alarmNamePrefix(alarmNamePrefix).alarmTypes(AlarmType.METRIC_ALARM))
        .metricAlarms()
        .stream()
        .toList();
  }

  @Override
  public void putMetricAlarm(PutMetricAlarmRequest request) {
    client.putMetricAlarm(request);
  }

  /**
   * DeleteAlarms per chunk of {@value #ALARM_NAMES_PER_CALL} names, in the collection's order. No
   * names make no call (AWS refuses an empty {@code AlarmNames}).
   */
  @Override
  public void deleteAlarms(Collection<String> alarmNames) {
    List<String> names = List.copyOf(alarmNames);
    for (int from = 0; from < names.size(); from += ALARM_NAMES_PER_CALL) {
      List<String> chunk = names.subList(from, Math.min(names.size(), from + ALARM_NAMES_PER_CALL));
      client.deleteAlarms(r -> r.alarmNames(chunk));
    }
  }
}
