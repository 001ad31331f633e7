package dev.limiter.operator.plan.automation;

import dev.limiter.operator.api.CapacityFloor;
import dev.limiter.operator.api.EmergencyStatus;
import dev.limiter.operator.plan.DesiredCapacity;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What the emergency runbook makes of a pass: the capacity and autoscaling bounds to plan with, and
 * the episode and floor to keep in status.
 *
 * @param capacity the capacity to plan the table with
 * @param scaling the autoscaling bounds to apply, empty for none
 * @param switchReason why a billing-mode switch made with {@code capacity} is made ({@code spec} or
 *     {@code emergency})
 * @param episode the running episode after this pass, null for none
 * @param floor the capacity floor after this pass, null for none
 * @param events what to say in Kubernetes events
 * @param note what the runbook is doing or waiting for, for the Throttling condition; empty when
 *     nothing
 * @param wakeAt when the runbook needs the next pass
 */
public record EmergencyPlan(
    DesiredCapacity capacity,
    Optional<DesiredAutomation.ScalingGoal> scaling,
    String switchReason,
    EmergencyStatus episode,
    CapacityFloor floor,
    List<String> events,
    Optional<String> note,
    Optional<Instant> wakeAt) {

  /** Copies the events. */
  public EmergencyPlan {
    events = List.copyOf(events);
  }
}
