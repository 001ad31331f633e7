package dev.limiter.operator.reconcile;

import dev.limiter.operator.aws.AwsAccess;
import dev.limiter.operator.aws.DynamoDbTables;
import dev.limiter.operator.aws.TableAlarms;
import dev.limiter.operator.aws.TableScaling;
import dev.limiter.operator.plan.AwsFailures;
import dev.limiter.operator.plan.automation.AutomationAction;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Act: makes the automation calls of one area in order and stops at the first failure, classified.
 */
public final class AutomationActuator {

  private final DynamoDbTables tables;
  private final TableScaling scaling;
  private final TableAlarms alarms;

  /** An actuator over {@code region}'s services. */
  public AutomationActuator(AwsAccess aws, String region) {
    this.tables = aws.tables().apply(region);
    this.scaling = aws.scaling().apply(region);
    this.alarms = aws.alarms().apply(region);
  }

  /** Applies {@code actions}; the first failure, classified, or empty when all succeeded. */
  public Optional<AwsFailures.Failure> apply(List<AutomationAction> actions, Instant now) {
    for (AutomationAction action : actions) {
      try {
        run(action);
      } catch (SdkException e) {
        return Optional.of(AwsFailures.classify(action.describe(), e, now));
      }
    }
    return Optional.empty();
  }

  private void run(AutomationAction action) {
    if (action instanceof AutomationAction.RegisterTarget register) {
      scaling.registerScalableTarget(register.request());
    } else if (action instanceof AutomationAction.PutPolicy put) {
      scaling.putScalingPolicy(put.request());
    } else if (action instanceof AutomationAction.DeregisterTarget deregister) {
      scaling.deregisterScalableTarget(deregister.request());
    } else if (action instanceof AutomationAction.PutAlarm alarm) {
      alarms.putMetricAlarm(alarm.request());
    } else if (action instanceof AutomationAction.DeleteAlarms delete) {
      alarms.deleteAlarms(delete.names());
    } else if (action instanceof AutomationAction.SetInsights insights) {
      tables.updateContributorInsights(
          insights.table(), insights.index(), insights.action(), insights.mode());
    }
  }
}
