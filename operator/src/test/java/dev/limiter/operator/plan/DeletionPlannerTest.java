package dev.limiter.operator.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limiter.operator.api.BillingMode;
import dev.limiter.operator.api.ConditionTypes;
import dev.limiter.operator.api.DeletionPolicy;
import dev.limiter.operator.plan.automation.AlarmArea;
import dev.limiter.operator.plan.automation.AlarmPlanner;
import dev.limiter.operator.plan.automation.AutomationAction;
import dev.limiter.operator.plan.automation.DesiredAutomation;
import dev.limiter.operator.plan.automation.InsightsArea;
import dev.limiter.operator.plan.automation.ObservedAutomation;
import dev.limiter.operator.plan.automation.ObservedScaling;
import dev.limiter.operator.plan.automation.Reading;
import dev.limiter.operator.plan.automation.ScalingArea;
import dev.limiter.operator.plan.automation.ScalingKey;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalableTarget;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;

class DeletionPlannerTest {

  private static final String NAME = "team-a-limits";
  private static final String OWNER = "team-a/limits";

  private static DesiredTable desired(Boolean deletionProtection) {
    DesiredCapacity capacity =
        new DesiredCapacity(
            BillingMode.OnDemand, null, null, -1, -1, Duration.ofHours(24), false, false);
    return new DesiredTable(
        NAME,
        OWNER,
        DesiredTable.Adoption.NOT_ASKED,
        capacity,
        false,
        false,
        false,
        deletionProtection,
        Map.of(),
        DesiredAutomation.NONE);
  }

  private static Optional<ObservedTable> table(
      String status, boolean protection, Map<String, String> tags) {
    ObservedCapacity capacity =
        new ObservedCapacity(
            BillingMode.OnDemand,
            null,
            ObservedCapacity.Decreases.NONE,
            new HashMap<>(Collections.singletonMap("gsi1", null)),
            Map.of(),
            -1,
            -1,
            null);
    return Optional.of(
        new ObservedTable(
            NAME,
            "arn:aws:dynamodb:us-east-1:123456789012:table/" + NAME,
            status,
            capacity,
            false,
            null,
            protection,
            TimeToLiveStatus.DISABLED,
            false,
            tags,
            0L,
            ObservedSchemas.limiter()));
  }

  private static Map<String, String> owned() {
    return Map.of(DesiredTable.OWNER_TAG, OWNER);
  }

  private static ObservedAutomation observed(
      Reading<ObservedScaling> scaling, Reading<List<MetricAlarm>> alarms) {
    return new ObservedAutomation(
        Map.of(
            ScalingArea.AREA,
            scaling,
            AlarmArea.AREA,
            alarms,
            InsightsArea.AREA,
            Reading.of(Map.of())),
        Optional.empty());
  }

  private static Optional<ObservedAutomation> nothingAutomated() {
    return Optional.of(observed(Reading.of(ObservedScaling.NONE), Reading.of(List.of())));
  }

  @Test
  void retainReleasesWithoutLooking() {
    DeletionPlan plan =
        DeletionPlanner.plan(
            desired(false),
            DeletionPolicy.Retain,
            table("ACTIVE", false, owned()),
            Optional.empty());
    assertThat(plan.release()).isTrue();
    assertThat(plan.automation()).isEmpty();
    assertThat(plan.table()).isEmpty();
    assertThat(plan.events())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.warning()).isFalse();
              assertThat(e.message())
                  .isEqualTo("table team-a-limits is retained in AWS (deletionPolicy Retain)");
            });
    assertThat(
            DeletionPlanner.needsAutomation(
                desired(false), DeletionPolicy.Retain, table("ACTIVE", false, owned())))
        .isFalse();
  }

  @Test
  void aTableOfAnotherOwnerIsReleasedUntouchedWhateverTheSpecSays() {
    Optional<ObservedTable> foreign =
        table("ACTIVE", true, Map.of(DesiredTable.OWNER_TAG, "team-x/theirs"));
    assertThat(DeletionPlanner.needsAutomation(desired(false), DeletionPolicy.Delete, foreign))
        .isFalse();
    DeletionPlan plan =
        DeletionPlanner.plan(desired(false), DeletionPolicy.Delete, foreign, Optional.empty());
    assertThat(plan.release()).isTrue();
    assertThat(plan.automation()).isEmpty();
    assertThat(plan.table()).as("not even deletion protection is lifted").isEmpty();
    assertThat(plan.conditions()).isEmpty();
    assertThat(plan.events())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.warning()).isTrue();
              assertThat(e.reason()).isEqualTo("TableNotOwned");
              assertThat(e.message())
                  .isEqualTo(
                      "table team-a-limits is not owned by this resource (it belongs to"
                          + " team-x/theirs); released, nothing deleted");
            });
  }

  @Test
  void anUntaggedTableIsNotOwnedEvenWhenAdoptionWasAsked() {
    DesiredTable adopter =
        new DesiredTable(
            NAME,
            OWNER,
            DesiredTable.Adoption.GRANTED,
            desired(false).capacity(),
            false,
            false,
            false,
            false,
            Map.of(),
            DesiredAutomation.NONE);
    DeletionPlan plan =
        DeletionPlanner.plan(
            adopter,
            DeletionPolicy.Delete,
            table("ACTIVE", false, Map.of("team", "x")),
            nothingAutomated());
    assertThat(plan.release()).isTrue();
    assertThat(plan.table()).isEmpty();
    assertThat(plan.events())
        .singleElement()
        .satisfies(
            e ->
                assertThat(e.message())
                    .contains("it has no limiter.dev/owner tag")
                    .contains("released, nothing deleted"));
  }

  @Test
  void aMissingTableReleasesAndABusyOneIsWaitedFor() {
    DeletionPlan gone =
        DeletionPlanner.plan(
            desired(false), DeletionPolicy.Delete, Optional.empty(), Optional.empty());
    assertThat(gone.release()).isTrue();
    assertThat(gone.events()).isEmpty();

    for (String status : List.of("DELETING", "CREATING", "UPDATING")) {
      DeletionPlan busy =
          DeletionPlanner.plan(
              desired(false),
              DeletionPolicy.Delete,
              table(status, false, Map.of()),
              Optional.empty());
      assertThat(busy.release()).as(status).isFalse();
      assertThat(busy.table()).as(status).isEmpty();
      assertThat(busy.checkAgainIn()).as(status).contains(DeletionPlanner.POLL);
    }
  }

  @Test
  void protectionTheSpecKeepsBlocksTheDeletion() {
    DeletionPlan plan =
        DeletionPlanner.plan(
            desired(true), DeletionPolicy.Delete, table("ACTIVE", true, owned()), Optional.empty());
    assertThat(plan.release()).isFalse();
    assertThat(plan.table()).isEmpty();
    assertThat(plan.checkAgainIn()).as("the regular resync").isEmpty();
    assertThat(plan.conditions())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.type()).isEqualTo(ConditionTypes.READY);
              assertThat(c.reason()).isEqualTo("DeletionBlocked");
              assertThat(c.message()).contains("nothing was deleted");
            });
    assertThat(plan.events()).singleElement().satisfies(e -> assertThat(e.warning()).isTrue());

    DeletionPlan unset =
        DeletionPlanner.plan(
            desired(null), DeletionPolicy.Delete, table("ACTIVE", true, owned()), Optional.empty());
    assertThat(unset.table()).as("an unset field lifts nothing").isEmpty();
  }

  @Test
  void protectionTheSpecLiftedIsLiftedFirst() {
    assertThat(
            DeletionPlanner.needsAutomation(
                desired(false), DeletionPolicy.Delete, table("ACTIVE", true, owned())))
        .isFalse();
    DeletionPlan plan =
        DeletionPlanner.plan(
            desired(false),
            DeletionPolicy.Delete,
            table("ACTIVE", true, owned()),
            Optional.empty());
    assertThat(plan.release()).isFalse();
    assertThat(plan.table())
        .singleElement()
        .isInstanceOfSatisfying(
            TableAction.Update.class,
            update -> {
              assertThat(update.request().tableName()).isEqualTo(NAME);
              assertThat(update.request().deletionProtectionEnabled()).isFalse();
            });
    assertThat(plan.checkAgainIn()).contains(DeletionPlanner.POLL);
  }

  @Test
  void anOwnedUnprotectedTableLosesTheOperatorsAutomationThenIsDeleted() {
    assertThat(
            DeletionPlanner.needsAutomation(
                desired(false), DeletionPolicy.Delete, table("ACTIVE", false, owned())))
        .isTrue();
    ScalingKey write = ScalingKey.table(NAME, false);
    ObservedScaling scaling =
        new ObservedScaling(
            Map.of(
                write,
                ScalableTarget.builder()
                    .resourceId(write.resourceId())
                    .scalableDimension(write.dimension())
                    .minCapacity(1)
                    .maxCapacity(10)
                    .build()),
            Map.of());
    List<MetricAlarm> alarms =
        List.of(
            MetricAlarm.builder()
                .alarmName(NAME + "-write-throttle")
                .alarmDescription("x. " + AlarmPlanner.ownerLine(OWNER))
                .dimensions(Dimension.builder().name("TableName").value(NAME).build())
                .build(),
            MetricAlarm.builder()
                .alarmName(NAME + "-archive-write-throttle")
                .alarmDescription("x. " + AlarmPlanner.ownerLine(OWNER))
                .dimensions(Dimension.builder().name("TableName").value(NAME + "-archive").build())
                .build(),
            MetricAlarm.builder()
                .alarmName(NAME + "-someone-elses")
                .alarmDescription("theirs")
                .build());
    DeletionPlan plan =
        DeletionPlanner.plan(
            desired(false),
            DeletionPolicy.Delete,
            table("ACTIVE", false, owned()),
            Optional.of(observed(Reading.of(scaling), Reading.of(alarms))));
    assertThat(plan.automation()).hasSize(2);
    assertThat(plan.automation().get(0)).isInstanceOf(AutomationAction.DeregisterTarget.class);
    assertThat(plan.automation().get(1))
        .isEqualTo(new AutomationAction.DeleteAlarms(List.of(NAME + "-write-throttle")));
    assertThat(plan.table()).containsExactly(new TableAction.Delete());
    assertThat(plan.release()).as("the resource goes once the table is gone").isFalse();
    assertThat(plan.events())
        .singleElement()
        .satisfies(
            e ->
                assertThat(e.message())
                    .isEqualTo("deleting table team-a-limits (deletionPolicy Delete)"));
  }

  @Test
  void automationThatCannotBeReadDefersTheDeletion() {
    AwsFailures.Failure failure =
        new AwsFailures.Transient("AwsUnavailable", "describe alarms failed, will retry");
    DeletionPlan plan =
        DeletionPlanner.plan(
            desired(false),
            DeletionPolicy.Delete,
            table("ACTIVE", false, owned()),
            Optional.of(observed(Reading.of(ObservedScaling.NONE), Reading.failed(failure))));
    assertThat(plan.table()).isEmpty();
    assertThat(plan.automation()).isEmpty();
    assertThat(plan.release()).isFalse();
    assertThat(plan.checkAgainIn()).contains(DeletionPlanner.RETRY);
    assertThat(plan.events())
        .singleElement()
        .satisfies(e -> assertThat(e.message()).contains("describe alarms failed"));
  }

  @Test
  void anUnresolvableSpecLeavesTheTableAlone() {
    DeletionPlan plan =
        DeletionPlanner.unresolved(
            "team-a-limits", DeletionPolicy.Delete, "spec.billing.mode is required");
    assertThat(plan.release()).isTrue();
    assertThat(plan.events())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.warning()).isTrue();
              assertThat(e.message())
                  .contains("spec.billing.mode is required")
                  .contains("nothing deleted");
            });
  }
}
