package dev.limiter.operator.aws;

import java.util.Collection;
import java.util.List;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;
import software.amazon.awssdk.services.cloudwatch.model.PutMetricAlarmRequest;

/**
 * The CloudWatch alarm calls the operator makes. AWS's errors come through unchanged as SDK
 * exceptions.
 */
public interface TableAlarms {

  /** DescribeAlarms of metric alarms whose names start with {@code alarmNamePrefix} (all pages). */
  List<MetricAlarm> describeAlarms(String alarmNamePrefix);

  /**
   * PutMetricAlarm: creates the alarm or overwrites its configuration (tags apply on create only).
   */
  void putMetricAlarm(PutMetricAlarmRequest request);

  /** DeleteAlarms for any number of names (AWS takes 100 per call); unknown names are skipped. */
  void deleteAlarms(Collection<String> alarmNames);
}
