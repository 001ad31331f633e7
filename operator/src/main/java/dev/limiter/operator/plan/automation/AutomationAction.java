package dev.limiter.operator.plan.automation;

import java.util.List;
import software.amazon.awssdk.services.applicationautoscaling.model.DeregisterScalableTargetRequest;
import software.amazon.awssdk.services.applicationautoscaling.model.PutScalingPolicyRequest;
import software.amazon.awssdk.services.applicationautoscaling.model.RegisterScalableTargetRequest;
import software.amazon.awssdk.services.cloudwatch.model.PutMetricAlarmRequest;
import software.amazon.awssdk.services.dynamodb.model.ContributorInsightsAction;
import software.amazon.awssdk.services.dynamodb.model.ContributorInsightsMode;

/** One mutating call of the capacity automation. */
public sealed interface AutomationAction {

  /** What the call does, for conditions, events and error messages. */
  String describe();

  /** RegisterScalableTarget. */
  record RegisterTarget(RegisterScalableTargetRequest request) implements AutomationAction {
    @Override
    public String describe() {
      return "register "
          + request.scalableDimensionAsString()
          + " of "
          + request.resourceId()
          + " ("
          + request.minCapacity()
          + ".."
          + request.maxCapacity()
          + ")";
    }
  }

  /** PutScalingPolicy. */
  record PutPolicy(PutScalingPolicyRequest request) implements AutomationAction {
    @Override
    public String describe() {
      return "put scaling policy "
          + request.policyName()
          + " on "
          + request.resourceId()
          + " (target "
          + request.targetTrackingScalingPolicyConfiguration().targetValue().intValue()
          + "%)";
    }
  }

  /** DeregisterScalableTarget (its policies and their alarms go with it). */
  record DeregisterTarget(DeregisterScalableTargetRequest request) implements AutomationAction {
    @Override
    public String describe() {
      return "deregister " + request.scalableDimensionAsString() + " of " + request.resourceId();
    }
  }

  /** PutMetricAlarm. */
  record PutAlarm(PutMetricAlarmRequest request) implements AutomationAction {
    @Override
    public String describe() {
      return "put alarm " + request.alarmName();
    }
  }

  /** DeleteAlarms. */
  record DeleteAlarms(List<String> names) implements AutomationAction {
    /** Copies the names. */
    public DeleteAlarms {
      names = List.copyOf(names);
    }

    @Override
    public String describe() {
      return "delete alarms " + names;
    }
  }

  /** UpdateContributorInsights of the table ({@code index} null) or a GSI. */
  record SetInsights(
      String table, String index, ContributorInsightsAction action, ContributorInsightsMode mode)
      implements AutomationAction {
    @Override
    public String describe() {
      String target = index == null ? "table " + table : "index " + index;
      return action == ContributorInsightsAction.ENABLE
          ? "enable Contributor Insights (" + mode + ") on " + target
          : "disable Contributor Insights on " + target;
    }
  }
}
