package dev.limiter.operator.plan;

import static dev.limiter.operator.api.BillingMode.OnDemand;
import static dev.limiter.operator.api.BillingMode.Provisioned;
import static dev.limiter.operator.plan.DesiredTable.Adoption.GRANTED;
import static dev.limiter.operator.plan.DesiredTable.Adoption.NOT_ASKED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.limiter.operator.api.BillingMode;
import dev.limiter.operator.api.BillingModeSwitch;
import dev.limiter.operator.api.ConditionReasons;
import dev.limiter.operator.api.ConditionTypes;
import dev.limiter.operator.plan.ObservedCapacity.Decreases;
import dev.limiter.operator.plan.automation.DesiredAutomation;
import dev.limiter.runtime.LimiterTableSchema;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;
import software.amazon.awssdk.services.dynamodb.model.UpdateTableRequest;

class TablePlannerTest {

  private static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");
  private static final Throughput T100 = new Throughput(100, 50);
  private static final String OWNER = "team-a/llm-limits";

  private static DesiredTable desired(BillingMode mode, DesiredTable.Adoption adopt) {
    DesiredCapacity capacity =
        new DesiredCapacity(
            mode,
            mode == Provisioned ? T100 : null,
            null,
            -1,
            -1,
            Duration.ofHours(24),
            false,
            false);
    return new DesiredTable(
        "team-a-llm-limits",
        OWNER,
        adopt,
        capacity,
        true,
        true,
        true,
        true,
        Map.of("team", "a"),
        DesiredAutomation.NONE);
  }

  private static ObservedTable observed(String status, BillingMode mode, Map<String, String> tags) {
    ObservedCapacity capacity =
        new ObservedCapacity(
            mode,
            mode == Provisioned ? T100 : null,
            Decreases.NONE,
            new HashMap<>(Map.of("gsi1", mode == Provisioned ? T100 : new Throughput(1, 1))),
            Map.of(),
            -1,
            -1,
            null);
    if (mode == OnDemand) {
      capacity.indexes().put("gsi1", null);
    }
    return new ObservedTable(
        "team-a-llm-limits",
        "arn:aws:dynamodb:us-east-1:123456789012:table/team-a-llm-limits",
        status,
        capacity,
        true,
        "NEW_AND_OLD_IMAGES",
        true,
        TimeToLiveStatus.ENABLED,
        true,
        tags,
        0L,
        ObservedSchemas.limiter());
  }

  private static Map<String, String> ownedTags() {
    return Map.of("team", "a", DesiredTable.OWNER_TAG, OWNER);
  }

  @Test
  void missingTableIsCreatedWithEverythingTheSpecAsks() {
    TablePlan plan =
        TablePlanner.plan(desired(Provisioned, NOT_ASKED), Optional.empty(), List.of(), NOW);
    assertThat(plan.actions())
        .singleElement()
        .isInstanceOfSatisfying(
            TableAction.Create.class,
            create -> {
              CreateTableRequest request = create.request();
              assertThat(request.tableName()).isEqualTo("team-a-llm-limits");
              assertThat(request.keySchema()).isEqualTo(LimiterTableSchema.keySchema());
              assertThat(request.provisionedThroughput().readCapacityUnits()).isEqualTo(100);
              assertThat(request.globalSecondaryIndexes())
                  .singleElement()
                  .satisfies(
                      index ->
                          assertThat(index.provisionedThroughput().writeCapacityUnits())
                              .isEqualTo(50));
              assertThat(request.streamSpecification().streamViewType())
                  .isEqualTo(StreamViewType.NEW_AND_OLD_IMAGES);
              assertThat(request.deletionProtectionEnabled()).isTrue();
              assertThat(request.tags())
                  .extracting(t -> t.key() + "=" + t.value())
                  .containsExactly("limiter.dev/owner=" + OWNER, "team=a");
            });
    assertThat(plan.condition(ConditionTypes.READY))
        .hasValueSatisfying(c -> assertThat(c.reason()).isEqualTo("Creating"));
    assertThat(plan.wakeAt()).contains(NOW.plusSeconds(10));
    assertThat(plan.terminal()).isFalse();
  }

  @Test
  void convergedTableMakesNoCall() {
    TablePlan plan =
        TablePlanner.plan(
            desired(Provisioned, NOT_ASKED),
            Optional.of(observed("ACTIVE", Provisioned, ownedTags())),
            List.of(),
            NOW);
    assertThat(plan.actions()).isEmpty();
    assertThat(plan.events()).isEmpty();
    assertThat(plan.wakeAt()).isEmpty();
    assertThat(plan.conditions())
        .extracting(ConditionStatus::type, ConditionStatus::status)
        .containsExactly(
            tuple("TableReady", "True"), tuple("CapacitySynced", "True"),
            tuple("BillingModeCooldown", "False"), tuple("Ready", "True"));
  }

  @Test
  void foreignTableIsAConflictUnlessAdoptionIsAsked() {
    Optional<ObservedTable> foreign = Optional.of(observed("ACTIVE", Provisioned, Map.of()));
    TablePlan conflict =
        TablePlanner.plan(desired(Provisioned, NOT_ASKED), foreign, List.of(), NOW);
    assertThat(conflict.actions()).isEmpty();
    assertThat(conflict.terminal()).isTrue();
    assertThat(conflict.condition(ConditionTypes.READY))
        .hasValueSatisfying(
            c -> {
              assertThat(c.reason()).isEqualTo("TableConflict");
              assertThat(c.message()).contains("limiter.dev/adopt");
            });

    TablePlan adopted = TablePlanner.plan(desired(Provisioned, GRANTED), foreign, List.of(), NOW);
    assertThat(adopted.actions())
        .containsExactly(new TableAction.Tag(Map.of(DesiredTable.OWNER_TAG, OWNER, "team", "a")));
    assertThat(adopted.events()).contains("Adopting existing table team-a-llm-limits");

    TablePlan otherOwner =
        TablePlanner.plan(
            desired(Provisioned, GRANTED),
            Optional.of(
                observed("ACTIVE", Provisioned, Map.of(DesiredTable.OWNER_TAG, "team-b/limits"))),
            List.of(),
            NOW);
    assertThat(otherOwner.terminal()).isTrue();
    assertThat(otherOwner.condition(ConditionTypes.READY))
        .hasValueSatisfying(c -> assertThat(c.message()).contains("team-b/limits"));
  }

  @Test
  void nothingChangesWhileTheTableIsBusy() {
    ObservedTable updating = observed("UPDATING", OnDemand, ownedTags());
    TablePlan plan =
        TablePlanner.plan(desired(Provisioned, NOT_ASKED), Optional.of(updating), List.of(), NOW);
    assertThat(plan.actions()).isEmpty();
    assertThat(plan.condition(ConditionTypes.TABLE_READY))
        .hasValueSatisfying(c -> assertThat(c.reason()).isEqualTo("Updating"));
    assertThat(plan.wakeAt()).contains(NOW.plusSeconds(10));
  }

  @Test
  void allowedSwitchIsTheOnlyUpdateAndIsRecorded() {
    ObservedTable onDemand = observed("ACTIVE", OnDemand, ownedTags());
    DesiredTable wanted =
        new DesiredTable(
            "team-a-llm-limits",
            OWNER,
            NOT_ASKED,
            desired(Provisioned, NOT_ASKED).capacity(),
            true,
            false,
            false,
            true,
            Map.of("team", "a"),
            DesiredAutomation.NONE);
    TablePlan plan = TablePlanner.plan(wanted, Optional.of(onDemand), List.of(), NOW);
    assertThat(plan.actions()).hasSize(2);
    assertThat(plan.actions().get(0))
        .isInstanceOfSatisfying(
            TableAction.Update.class,
            update -> {
              UpdateTableRequest request = update.request();
              assertThat(request.billingModeAsString()).isEqualTo("PROVISIONED");
              assertThat(request.provisionedThroughput().readCapacityUnits()).isEqualTo(100);
              assertThat(request.globalSecondaryIndexUpdates())
                  .singleElement()
                  .satisfies(u -> assertThat(u.update().indexName()).isEqualTo("gsi1"));
              assertThat(request.streamSpecification()).isNull();
            });
    // Point-in-time recovery is a separate, fast call; the stream waits for the next pass.
    assertThat(plan.actions().get(1)).isEqualTo(new TableAction.SetPointInTimeRecovery(false));
    assertThat(plan.switchMade())
        .contains(new BillingModeSwitch(NOW.toString(), Provisioned, "spec"));
    assertThat(plan.condition(ConditionTypes.READY))
        .hasValueSatisfying(
            c ->
                assertThat(c.message())
                    .contains("switch billing mode to Provisioned")
                    .contains("stream (next pass)"));
    assertThat(plan.wakeAt()).contains(NOW.plusSeconds(10));
  }

  @Test
  void deferredSwitchSetsTheCooldownConditionAndWakesAtTheExactTime() {
    ObservedTable onDemand = observed("ACTIVE", OnDemand, ownedTags());
    List<BillingSwitchGuard.Switch> history =
        List.of(new BillingSwitchGuard.Switch(NOW.minus(Duration.ofHours(5)), OnDemand));
    TablePlan plan =
        TablePlanner.plan(desired(Provisioned, NOT_ASKED), Optional.of(onDemand), history, NOW);
    assertThat(plan.actions()).isEmpty();
    Instant allowed = NOW.plus(Duration.ofHours(19));
    assertThat(plan.condition(ConditionTypes.BILLING_MODE_COOLDOWN))
        .hasValueSatisfying(
            c -> {
              assertThat(c.status()).isEqualTo("True");
              assertThat(c.message()).contains(allowed.toString());
            });
    assertThat(plan.condition(ConditionTypes.READY))
        .hasValueSatisfying(c -> assertThat(c.reason()).isEqualTo("SwitchCooldown"));
    assertThat(plan.wakeAt()).contains(allowed);
    assertThat(plan.events()).singleElement().asString().contains("deferred until " + allowed);
    assertThat(plan.terminal()).isFalse();
  }

  @Test
  void streamAndDeletionProtectionAreSeparateUpdatesInLaterPasses() {
    DesiredTable noStream =
        new DesiredTable(
            "team-a-llm-limits",
            OWNER,
            NOT_ASKED,
            desired(Provisioned, NOT_ASKED).capacity(),
            true,
            false,
            true,
            false,
            Map.of("team", "a"),
            DesiredAutomation.NONE);
    TablePlan first =
        TablePlanner.plan(
            noStream, Optional.of(observed("ACTIVE", Provisioned, ownedTags())), List.of(), NOW);
    assertThat(first.actions())
        .singleElement()
        .isInstanceOfSatisfying(
            TableAction.Update.class,
            update -> assertThat(update.request().streamSpecification().streamEnabled()).isFalse());
    assertThat(first.condition(ConditionTypes.READY))
        .hasValueSatisfying(
            c -> assertThat(c.message()).contains("deletion protection (next pass)"));
  }

  @Test
  void ttlInTransitionIsWaitedForAndTagsAreAddedNotRemoved() {
    ObservedTable table =
        new ObservedTable(
            "team-a-llm-limits",
            "arn",
            "ACTIVE",
            observed("ACTIVE", Provisioned, Map.of()).capacity(),
            true,
            "NEW_AND_OLD_IMAGES",
            true,
            TimeToLiveStatus.DISABLING,
            true,
            Map.of(DesiredTable.OWNER_TAG, OWNER, "team", "b", "cost-center", "42"),
            0L,
            ObservedSchemas.limiter());
    TablePlan plan =
        TablePlanner.plan(desired(Provisioned, NOT_ASKED), Optional.of(table), List.of(), NOW);
    assertThat(plan.actions()).containsExactly(new TableAction.Tag(Map.of("team", "a")));
    assertThat(plan.condition(ConditionTypes.READY))
        .hasValueSatisfying(
            c -> assertThat(c.message()).contains("time to live (DISABLING) (next pass)"));
  }

  @Test
  void settingsTheSpecLeavesUnsetAreLeftAsTheTableHasThem() {
    DesiredTable unset =
        new DesiredTable(
            "team-a-llm-limits",
            OWNER,
            GRANTED,
            desired(Provisioned, NOT_ASKED).capacity(),
            null,
            null,
            null,
            null,
            Map.of("team", "a"),
            DesiredAutomation.NONE);
    // The observed table has a stream, TTL, point-in-time recovery and deletion protection on;
    // nothing turns them off.
    TablePlan adopted =
        TablePlanner.plan(
            unset,
            Optional.of(observed("ACTIVE", Provisioned, Map.of("team", "a"))),
            List.of(),
            NOW);
    assertThat(adopted.actions())
        .containsExactly(new TableAction.Tag(Map.of(DesiredTable.OWNER_TAG, OWNER)));

    ObservedTable bare =
        new ObservedTable(
            "team-a-llm-limits",
            "arn",
            "ACTIVE",
            observed("ACTIVE", Provisioned, Map.of()).capacity(),
            false,
            null,
            false,
            TimeToLiveStatus.DISABLED,
            false,
            ownedTags(),
            0L,
            ObservedSchemas.limiter());
    assertThat(TablePlanner.plan(unset, Optional.of(bare), List.of(), NOW).actions())
        .as("nor on")
        .isEmpty();
  }

  @Test
  void aCreatedTableWithUnsetSettingsIsProtectedAndHasNoStream() {
    DesiredTable unset =
        new DesiredTable(
            "team-a-llm-limits",
            OWNER,
            NOT_ASKED,
            desired(Provisioned, NOT_ASKED).capacity(),
            null,
            null,
            null,
            null,
            Map.of(),
            DesiredAutomation.NONE);
    TablePlan plan = TablePlanner.plan(unset, Optional.empty(), List.of(), NOW);
    assertThat(plan.actions())
        .singleElement()
        .isInstanceOfSatisfying(
            TableAction.Create.class,
            create -> {
              assertThat(create.request().deletionProtectionEnabled()).isTrue();
              assertThat(create.request().streamSpecification()).isNull();
            });
  }

  @Test
  void aTableWithoutTheLimitersKeySchemaIsNeverChangedNorAdopted() {
    ObservedSchema byId =
        ObservedSchema.of(
            software.amazon.awssdk.services.dynamodb.model.TableDescription.builder()
                .keySchema(
                    software.amazon.awssdk.services.dynamodb.model.KeySchemaElement.builder()
                        .attributeName("id")
                        .keyType("HASH")
                        .build())
                .attributeDefinitions(
                    software.amazon.awssdk.services.dynamodb.model.AttributeDefinition.builder()
                        .attributeName("id")
                        .attributeType("S")
                        .build())
                .build());
    ObservedTable legacy =
        new ObservedTable(
            "team-a-llm-limits",
            "arn",
            "ACTIVE",
            observed("ACTIVE", Provisioned, Map.of()).capacity(),
            true,
            "KEYS_ONLY",
            false,
            TimeToLiveStatus.DISABLED,
            true,
            Map.of(),
            0L,
            byId);
    DesiredTable adopter =
        new DesiredTable(
            "team-a-llm-limits",
            OWNER,
            GRANTED,
            desired(Provisioned, NOT_ASKED).capacity(),
            false,
            false,
            false,
            true,
            Map.of(),
            DesiredAutomation.NONE);
    TablePlan plan = TablePlanner.plan(adopter, Optional.of(legacy), List.of(), NOW);
    assertThat(plan.actions()).isEmpty();
    assertThat(plan.terminal()).isTrue();
    assertThat(TablePlanner.manages(adopter, legacy)).isFalse();
    assertThat(plan.condition(ConditionTypes.READY))
        .hasValueSatisfying(
            c -> {
              assertThat(c.status()).isEqualTo("False");
              assertThat(c.reason()).isEqualTo(ConditionReasons.INCOMPATIBLE_TABLE);
              assertThat(c.message()).contains("partition key is id (S), the limiter needs pk (S)");
            });
    assertThat(plan.condition(ConditionTypes.TABLE_READY))
        .hasValueSatisfying(c -> assertThat(c.reason()).isEqualTo("IncompatibleTable"));
  }

  @Test
  void theAnnotationWithoutTheOperatorsGrantIsAConflictThatSaysSo() {
    DesiredTable refused =
        new DesiredTable(
            "team-a-llm-limits",
            OWNER,
            DesiredTable.Adoption.NOT_GRANTED,
            desired(Provisioned, NOT_ASKED).capacity(),
            true,
            true,
            true,
            true,
            Map.of(),
            DesiredAutomation.NONE);
    TablePlan plan =
        TablePlanner.plan(
            refused, Optional.of(observed("ACTIVE", Provisioned, Map.of())), List.of(), NOW);
    assertThat(plan.actions()).isEmpty();
    assertThat(plan.condition(ConditionTypes.READY))
        .hasValueSatisfying(
            c -> {
              assertThat(c.reason()).isEqualTo("TableConflict");
              assertThat(c.message())
                  .contains("the operator does not let namespace team-a adopt it");
            });
  }

  @Test
  void aBusyTableIsWaitedForBeforeItsOwnershipIsJudged() {
    // TableObserver reads tags only of an ACTIVE table: the operator's own table, UPDATING, shows
    // none.
    TablePlan plan =
        TablePlanner.plan(
            desired(Provisioned, NOT_ASKED),
            Optional.of(observed("UPDATING", Provisioned, Map.of())),
            List.of(),
            NOW);
    assertThat(plan.actions()).isEmpty();
    assertThat(plan.terminal()).isFalse();
    assertThat(plan.condition(ConditionTypes.READY))
        .hasValueSatisfying(c -> assertThat(c.reason()).isEqualTo("Updating"));
  }

  @Test
  void anAdoptedTableIsOnlyClaimedUntilItsOwnershipTagNamesThisResource() {
    // The untagged table is on demand without stream, TTL or backups; the spec wants all of them
    // and provisioned capacity.
    ObservedTable untagged =
        new ObservedTable(
            "team-a-llm-limits",
            "arn",
            "ACTIVE",
            observed("ACTIVE", OnDemand, Map.of()).capacity(),
            false,
            null,
            false,
            TimeToLiveStatus.DISABLED,
            false,
            Map.of(),
            0L,
            ObservedSchemas.limiter());
    DesiredTable adopter = desired(Provisioned, GRANTED);
    TablePlan claim = TablePlanner.plan(adopter, Optional.of(untagged), List.of(), NOW);
    assertThat(claim.actions())
        .as(
            "the first pass only tags: IAM lets the operator change only tagged tables, and another"
                + " adopter's tag may land first")
        .containsExactly(new TableAction.Tag(Map.of(DesiredTable.OWNER_TAG, OWNER, "team", "a")));
    assertThat(claim.switchMade()).isEmpty();
    assertThat(claim.wakeAt()).contains(NOW.plus(TablePlanner.BUSY_POLL));
    assertThat(claim.condition(ConditionTypes.TABLE_READY))
        .hasValueSatisfying(
            c -> {
              assertThat(c.status())
                  .as("no hierarchy writes items before the claim is confirmed")
                  .isEqualTo("False");
              assertThat(c.reason()).isEqualTo("Adopting");
            });
    assertThat(TablePlanner.manages(adopter, untagged))
        .as("no automation on a table not yet tagged")
        .isFalse();

    ObservedTable claimed =
        new ObservedTable(
            "team-a-llm-limits",
            "arn",
            "ACTIVE",
            untagged.capacity(),
            false,
            null,
            false,
            TimeToLiveStatus.DISABLED,
            false,
            ownedTags(),
            0L,
            ObservedSchemas.limiter());
    assertThat(TablePlanner.manages(adopter, claimed)).isTrue();
    assertThat(TablePlanner.plan(adopter, Optional.of(claimed), List.of(), NOW).actions())
        .as("once the tag names this resource, the spec is applied")
        .isNotEmpty()
        .noneMatch(TableAction.Tag.class::isInstance);
  }
}
