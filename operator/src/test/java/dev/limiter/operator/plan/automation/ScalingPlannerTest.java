package dev.limiter.operator.plan.automation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.applicationautoscaling.model.MetricType;
import software.amazon.awssdk.services.applicationautoscaling.model.PolicyType;
import software.amazon.awssdk.services.applicationautoscaling.model.PredefinedMetricSpecification;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalableDimension;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalableTarget;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalingPolicy;
import software.amazon.awssdk.services.applicationautoscaling.model.ServiceNamespace;
import software.amazon.awssdk.services.applicationautoscaling.model.TargetTrackingScalingPolicyConfiguration;

class ScalingPlannerTest {

  private static final String TABLE = "orders";
  private static final DesiredAutomation.ScalingGoal GOAL =
      new DesiredAutomation.ScalingGoal(
          new DesiredAutomation.Bounds(5, 1000, 70),
          new DesiredAutomation.Bounds(5, 500, 60),
          true);

  @Test
  void registersTargetsAndPoliciesForTheTableAndEveryIndex() {
    Section plan =
        ScalingPlanner.plan(TABLE, List.of("gsi1"), Optional.of(GOAL), true, ObservedScaling.NONE);

    assertThat(plan.actions())
        .extracting(AutomationAction::describe)
        .containsExactly(
            "register dynamodb:table:ReadCapacityUnits of table/orders (5..1000)",
            "put scaling policy orders-read-scaling on table/orders (target 70%)",
            "register dynamodb:table:WriteCapacityUnits of table/orders (5..500)",
            "put scaling policy orders-write-scaling on table/orders (target 60%)",
            "register dynamodb:index:ReadCapacityUnits of table/orders/index/gsi1 (5..1000)",
            "put scaling policy orders-gsi1-read-scaling on table/orders/index/gsi1 (target 70%)",
            "register dynamodb:index:WriteCapacityUnits of table/orders/index/gsi1 (5..500)",
            "put scaling policy orders-gsi1-write-scaling on table/orders/index/gsi1 (target 60%)");
    assertThat(plan.actions().get(1))
        .isInstanceOfSatisfying(
            AutomationAction.PutPolicy.class,
            put -> {
              assertThat(put.request().serviceNamespace()).isEqualTo(ServiceNamespace.DYNAMODB);
              assertThat(put.request().policyType()).isEqualTo(PolicyType.TARGET_TRACKING_SCALING);
              assertThat(
                      put.request()
                          .targetTrackingScalingPolicyConfiguration()
                          .predefinedMetricSpecification()
                          .predefinedMetricType())
                  .isEqualTo(MetricType.DYNAMO_DB_READ_CAPACITY_UTILIZATION);
            });
    assertThat(plan.condition().status()).isEqualTo("False");
    assertThat(plan.condition().reason()).isEqualTo("Updating");
  }

  @Test
  void matchingTargetsAndPoliciesNeedNoCall() {
    Section plan =
        ScalingPlanner.plan(
            TABLE, List.of("gsi1"), Optional.of(GOAL), true, registered(GOAL, List.of("gsi1")));

    assertThat(plan.actions()).isEmpty();
    assertThat(plan.condition().holds()).isTrue();
    assertThat(plan.condition().reason()).isEqualTo("InSync");
  }

  @Test
  void changedBoundsReRegisterOnlyThatTargetAndChangedTargetsPutOnlyThatPolicy() {
    DesiredAutomation.ScalingGoal wider =
        new DesiredAutomation.ScalingGoal(
            new DesiredAutomation.Bounds(5, 2000, 70),
            new DesiredAutomation.Bounds(5, 500, 50),
            false);
    Section plan =
        ScalingPlanner.plan(
            TABLE, List.of(), Optional.of(wider), true, registered(GOAL, List.of()));

    assertThat(plan.actions())
        .extracting(AutomationAction::describe)
        .containsExactly(
            "register dynamodb:table:ReadCapacityUnits of table/orders (5..2000)",
            "put scaling policy orders-write-scaling on table/orders (target 50%)");
  }

  @Test
  void onDemandOrSwitchingTableAndRemovedSpecDeregisterEverything() {
    ObservedScaling observed = registered(GOAL, List.of("gsi1"));
    for (Section plan :
        List.of(
            ScalingPlanner.plan(TABLE, List.of("gsi1"), Optional.of(GOAL), false, observed),
            ScalingPlanner.plan(TABLE, List.of("gsi1"), Optional.empty(), true, observed))) {
      assertThat(plan.actions())
          .hasSize(4)
          .allMatch(AutomationAction.DeregisterTarget.class::isInstance);
    }
    Section dormant =
        ScalingPlanner.plan(TABLE, List.of("gsi1"), Optional.of(GOAL), false, ObservedScaling.NONE);
    assertThat(dormant.actions()).isEmpty();
    assertThat(dormant.condition().reason()).isEqualTo("OnDemand");
  }

  @Test
  void indexesNoneScalesTheTableOnlyAndDropsIndexTargets() {
    DesiredAutomation.ScalingGoal tableOnly =
        new DesiredAutomation.ScalingGoal(GOAL.read(), GOAL.write(), false);
    Section plan =
        ScalingPlanner.plan(
            TABLE,
            List.of("gsi1"),
            Optional.of(tableOnly),
            true,
            registered(GOAL, List.of("gsi1")));

    assertThat(plan.actions())
        .extracting(AutomationAction::describe)
        .containsExactly(
            "deregister dynamodb:index:ReadCapacityUnits of table/orders/index/gsi1",
            "deregister dynamodb:index:WriteCapacityUnits of table/orders/index/gsi1");
  }

  @Test
  void anotherPolicyOnTheTargetIsLeftAlone() {
    ObservedScaling observed = registered(GOAL, List.of());
    ScalingKey read = ScalingKey.table(TABLE, true);
    Map<ScalingKey, List<ScalingPolicy>> policies = new java.util.HashMap<>(observed.policies());
    policies.put(
        read,
        List.of(
            policies.get(read).get(0),
            ScalingPolicy.builder()
                .policyName("someone-elses")
                .resourceId(read.resourceId())
                .scalableDimension(read.dimension())
                .policyType(PolicyType.STEP_SCALING)
                .build()));

    Section plan =
        ScalingPlanner.plan(
            TABLE,
            List.of(),
            Optional.of(new DesiredAutomation.ScalingGoal(GOAL.read(), GOAL.write(), false)),
            true,
            new ObservedScaling(observed.targets(), policies));

    assertThat(plan.actions()).isEmpty();
  }

  /** What AWS holds after the planner's calls for {@code goal} succeeded. */
  static ObservedScaling registered(DesiredAutomation.ScalingGoal goal, List<String> indexes) {
    Map<ScalingKey, ScalableTarget> targets = new java.util.HashMap<>();
    Map<ScalingKey, List<ScalingPolicy>> policies = new java.util.HashMap<>();
    List<ScalingKey> keys =
        new java.util.ArrayList<>(
            List.of(ScalingKey.table(TABLE, true), ScalingKey.table(TABLE, false)));
    indexes.forEach(
        index -> {
          keys.add(ScalingKey.index(TABLE, index, true));
          keys.add(ScalingKey.index(TABLE, index, false));
        });
    for (ScalingKey key : keys) {
      DesiredAutomation.Bounds bounds = key.read() ? goal.read() : goal.write();
      targets.put(
          key,
          ScalableTarget.builder()
              .serviceNamespace(ServiceNamespace.DYNAMODB)
              .resourceId(key.resourceId())
              .scalableDimension(key.dimension())
              .minCapacity((int) bounds.min())
              .maxCapacity((int) bounds.max())
              .build());
      policies.put(
          key,
          List.of(
              ScalingPolicy.builder()
                  .policyName(ScalingPlanner.policyName(TABLE, key))
                  .resourceId(key.resourceId())
                  .scalableDimension(key.dimension())
                  .policyType(PolicyType.TARGET_TRACKING_SCALING)
                  .targetTrackingScalingPolicyConfiguration(
                      TargetTrackingScalingPolicyConfiguration.builder()
                          .targetValue((double) bounds.targetPercent())
                          .predefinedMetricSpecification(
                              PredefinedMetricSpecification.builder()
                                  .predefinedMetricType(
                                      key.read()
                                          ? MetricType.DYNAMO_DB_READ_CAPACITY_UTILIZATION
                                          : MetricType.DYNAMO_DB_WRITE_CAPACITY_UTILIZATION)
                                  .build())
                          .build())
                  .build()));
    }
    return new ObservedScaling(targets, policies);
  }

  @Test
  void dimensionsMatchResourceKinds() {
    assertThat(ScalingKey.index(TABLE, "gsi1", false).dimension())
        .isEqualTo(ScalableDimension.DYNAMODB_INDEX_WRITE_CAPACITY_UNITS);
    assertThat(ScalingKey.table(TABLE, true).resourceId()).isEqualTo("table/orders");
  }
}
