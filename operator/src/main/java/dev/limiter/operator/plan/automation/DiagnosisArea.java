package dev.limiter.operator.plan.automation;

import dev.limiter.operator.api.BillingMode;
import dev.limiter.operator.api.ConditionTypes;
import dev.limiter.operator.plan.AwsFailures;
import dev.limiter.operator.plan.ConditionStatus;
import dev.limiter.operator.plan.Throughput;
import java.util.Optional;

/**
 * The throttling diagnosis of the reading in effect, with what the emergency runbook does about it.
 */
public final class DiagnosisArea implements ReportedArea {

  /** The area. */
  public static final DiagnosisArea AREA = new DiagnosisArea();

  private DiagnosisArea() {}

  @Override
  public String conditionType() {
    return ConditionTypes.THROTTLING;
  }

  @Override
  public ConditionStatus condition(AutomationFacts facts) {
    Optional<AwsFailures.Failure> failed = facts.observed().metrics().flatMap(Reading::failed);
    if (facts.reading() == null) {
      return failed
          .map(f -> ConditionStatus.unknown(ConditionTypes.THROTTLING, f.reason(), f.message()))
          .orElse(
              ConditionStatus.unknown(
                  ConditionTypes.THROTTLING, "NoReading", "no CloudWatch reading yet"));
    }
    Throughput provisioned =
        facts.table().capacity().mode() == BillingMode.Provisioned
            ? facts.table().capacity().table()
            : null;
    ConditionStatus diagnosis = ThrottleDiagnosis.condition(facts.reading(), provisioned);
    String stale =
        failed.map(f -> " (the last reading; the newest failed: " + f.message() + ")").orElse("");
    String note = facts.emergency().note().map(n -> ". Emergency runbook: " + n).orElse("");
    return new ConditionStatus(
        diagnosis.type(),
        diagnosis.status(),
        diagnosis.reason(),
        diagnosis.message() + stale + note);
  }
}
