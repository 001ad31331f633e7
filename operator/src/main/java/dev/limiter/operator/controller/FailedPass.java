package dev.limiter.operator.controller;

import dev.limiter.operator.api.ConditionReasons;
import dev.limiter.operator.api.ConditionTypes;
import dev.limiter.operator.plan.ConditionStatus;
import dev.limiter.operator.reconcile.TableReconciliation;
import java.time.Duration;
import java.util.List;

/**
 * What a reconcile pass that threw unexpectedly reports on its resource: the failure in the Ready
 * and Synced conditions and in an event, and a retry later, so that it shows in {@code kubectl
 * describe} rather than only in the operator's log and JOSDK's retries.
 */
final class FailedPass {

  /** When a pass that threw is tried again. */
  static final Duration RETRY = TableReconciliation.TRANSIENT_RETRY;

  private static final int MESSAGE_CHARACTERS = 1_000;

  private final String message;

  /** The report of a pass that threw {@code failure}. */
  FailedPass(RuntimeException failure) {
    String text =
        "the reconcile failed unexpectedly and is retried in "
            + RETRY.toSeconds()
            + "s: "
            + failure.getClass().getSimpleName()
            + (failure.getMessage() == null ? "" : ": " + failure.getMessage());
    this.message =
        text.length() <= MESSAGE_CHARACTERS ? text : text.substring(0, MESSAGE_CHARACTERS) + "…";
  }

  /** Ready and Synced, False with the failure. */
  List<ConditionStatus> conditions() {
    return List.of(
        ConditionStatus.isFalse(ConditionTypes.READY, ConditionReasons.RECONCILE_ERROR, message),
        ConditionStatus.isFalse(ConditionTypes.SYNCED, ConditionReasons.RECONCILE_ERROR, message));
  }

  /** The warning event. */
  TableReconciliation.Event event() {
    return new TableReconciliation.Event(true, ConditionReasons.RECONCILE_ERROR, message);
  }
}
