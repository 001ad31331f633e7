package dev.limiter.operator.plan.automation;

import dev.limiter.operator.api.BillingMode;
import dev.limiter.operator.api.ConditionTypes;
import dev.limiter.operator.plan.ConditionStatus;
import java.util.Optional;

/** The partition estimate against the declared traffic of the table's entities. */
public final class PartitionArea implements ReportedArea {

  /** The area. */
  public static final PartitionArea AREA = new PartitionArea();

  private PartitionArea() {}

  @Override
  public String conditionType() {
    return ConditionTypes.HOT_PARTITION_RISK;
  }

  /** A provisioned table's autoscaling ceiling counts as the write capacity it can reach. */
  @Override
  public ConditionStatus condition(AutomationFacts facts) {
    Optional<Long> scalable =
        facts.table().capacity().mode() == BillingMode.Provisioned
            ? facts.emergency().scaling().map(goal -> goal.write().max())
            : Optional.empty();
    return PartitionInsight.risk(facts.partitions(), facts.demands(), scalable);
  }
}
