package dev.limiter.operator.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.limiter.operator.aws.SdkDynamoDbTables;
import dev.limiter.operator.plan.AwsFailures;
import dev.limiter.runtime.BillingSettings;
import dev.limiter.runtime.LimiterTableSchema;
import dev.limiter.testkit.DynamoDbLocal;
import dev.limiter.testkit.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ContinuousBackupsDescription;
import software.amazon.awssdk.services.dynamodb.model.ContinuousBackupsStatus;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexUpdate;
import software.amazon.awssdk.services.dynamodb.model.LimitExceededException;
import software.amazon.awssdk.services.dynamodb.model.PointInTimeRecoveryStatus;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughput;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputDescription;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TableNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;
import software.amazon.awssdk.services.dynamodb.model.Tag;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;
import software.amazon.awssdk.services.dynamodb.model.UpdateTableRequest;

class FakeDynamoDbTablesTest {

  private static final String INDEX = LimiterTableSchema.INDEX_NAME;

  /** A day far from the wall clock, so any wall-clock time leaking through shows. */
  private static final Instant START = Instant.parse("2026-03-10T08:00:00Z");

  private final SdkDynamoDbTables local = new SdkDynamoDbTables(DynamoDbLocal.shared().client());
  private final ManualClock clock = ManualClock.at(START.toString());
  private final List<String> created = new ArrayList<>();
  private FakeDynamoDbTables tables = new FakeDynamoDbTables(local, clock, Duration.ZERO);

  @AfterEach
  void dropTables() {
    for (String name : created) {
      if (local.describeTable(name).isPresent()) {
        local.updateTable(
            UpdateTableRequest.builder().tableName(name).deletionProtectionEnabled(false).build());
        local.deleteTable(name);
      }
    }
  }

  // ------------------------------------------------------------------ billing-mode quota

  @Nested
  class BillingModeQuota {

    @Test
    void fourSwitchesToOnDemandIn24HoursThenTheFifthIsRefusedUntil24HoursAfterTheFirst() {
      String name = createProvisioned();
      Instant first = clock.instant();
      for (int i = 0; i < 4; i++) {
        TableDescription switched = toOnDemand(name);
        assertThat(switched.billingModeSummary().lastUpdateToPayPerRequestDateTime())
            .isEqualTo(clock.instant());
        clock.advance(Duration.ofMinutes(10));
        toProvisioned(name, 10, 10);
        clock.advance(Duration.ofMinutes(50));
      }

      LimitExceededException refused =
          catchThrowableOfType(LimitExceededException.class, () -> toOnDemand(name));

      Instant fourth = first.plus(Duration.ofHours(3));
      Instant nextAllowed = first.plus(Duration.ofHours(24));
      assertThat(refused.awsErrorDetails().errorCode()).isEqualTo("LimitExceededException");
      assertThat(refused.awsErrorDetails().errorMessage())
          .isEqualTo(
              "Subscriber limit exceeded: Update to PayPerRequest mode are limited to 4 times in 1"
                  + " day(s). Last update at "
                  + fourth
                  + ". Next update can be made at "
                  + nextAllowed);
      assertThat(refused.statusCode()).isEqualTo(400);
      assertThat(billingMode(name)).isEqualTo(BillingMode.PROVISIONED);
      assertThat(AwsFailures.classify("switch", refused, clock.instant()))
          .isInstanceOfSatisfying(
              AwsFailures.Deferred.class,
              d -> assertThat(d.deferral().until()).isEqualTo(nextAllowed));

      clock.set(nextAllowed.minusSeconds(1));
      assertThatThrownBy(() -> toOnDemand(name))
          .isInstanceOf(LimitExceededException.class)
          .hasMessageContaining("Next update can be made at " + nextAllowed);

      clock.set(nextAllowed);
      assertThat(toOnDemand(name).billingModeSummary().billingMode())
          .isEqualTo(BillingMode.PAY_PER_REQUEST);

      // The window now holds the 2nd, 3rd and 4th switch and this one: the next frees up 24 h after
      // the 2nd.
      toProvisioned(name, 10, 10);
      assertThatThrownBy(() -> toOnDemand(name))
          .isInstanceOf(LimitExceededException.class)
          .hasMessageContaining("Next update can be made at " + first.plus(Duration.ofHours(25)));
    }

    @Test
    void switchesToProvisionedAreNotLimited() {
      String name = createOnDemand();
      for (int i = 0; i < 4; i++) {
        toProvisioned(name, 10, 10);
        clock.advance(Duration.ofMinutes(1));
        toOnDemand(name);
        clock.advance(Duration.ofMinutes(1));
      }

      // The fifth switch to provisioned within minutes is fine; only the way back is refused.
      assertThatCode(() -> toProvisioned(name, 10, 10)).doesNotThrowAnyException();
      assertThat(billingMode(name)).isEqualTo(BillingMode.PROVISIONED);
      assertThatThrownBy(() -> toOnDemand(name)).isInstanceOf(LimitExceededException.class);
    }

    @Test
    void lastUpdateToPayPerRequestIsTheFakesClockNotDynamoDbLocals() {
      String provisioned = createProvisioned();
      assertThat(lastUpdateToPayPerRequest(provisioned)).isNull();

      clock.advance(Duration.ofHours(2));
      Instant switchedAt = clock.instant();
      toOnDemand(provisioned);
      clock.advance(Duration.ofMinutes(5));
      toProvisioned(provisioned, 10, 10);

      TableDescription described = tables.describeTable(provisioned).orElseThrow();
      assertThat(described.billingModeSummary().billingMode()).isEqualTo(BillingMode.PROVISIONED);
      assertThat(described.billingModeSummary().lastUpdateToPayPerRequestDateTime())
          .isEqualTo(switchedAt);

      Instant createdAt = clock.instant();
      String onDemand = createOnDemand();
      assertThat(lastUpdateToPayPerRequest(onDemand)).isEqualTo(createdAt);
    }

    @Test
    void switchingToProvisionedNeedsThroughputForEveryIndex() {
      String name = createOnDemand();

      assertThatThrownBy(
              () ->
                  tables.updateTable(
                      UpdateTableRequest.builder()
                          .tableName(name)
                          .billingMode(BillingMode.PROVISIONED)
                          .provisionedThroughput(throughput(5, 5))
                          .build()))
          .isInstanceOfSatisfying(
              AwsServiceException.class,
              e -> {
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationException");
                assertThat(e.awsErrorDetails().errorMessage())
                    .isEqualTo(
                        "One or more parameter values were invalid: ProvisionedThroughput must be"
                            + " specified for index: "
                            + INDEX);
              });
      assertThat(billingMode(name)).isEqualTo(BillingMode.PAY_PER_REQUEST);
    }

    @Test
    void onDemandIndexesReportZeroThroughput() {
      String switched = createProvisioned();
      toOnDemand(switched);
      String createdOnDemand = createOnDemand();

      for (String name : List.of(switched, createdOnDemand)) {
        ProvisionedThroughputDescription index = indexThroughput(name);
        assertThat(index.readCapacityUnits()).isZero();
        assertThat(index.writeCapacityUnits()).isZero();
        assertThat(index.numberOfDecreasesToday()).isZero();
      }
    }
  }

  // ------------------------------------------------------------------ throughput decreases

  @Nested
  class ThroughputDecreases {

    @Test
    void fourDecreasesAreFreeThenOneAnHourAfterTheLast() {
      String name = createProvisioned();
      for (int units = 9; units >= 6; units--) {
        setTable(name, units, units);
        clock.advance(Duration.ofMinutes(1));
      }
      Instant fourth = clock.instant().minus(Duration.ofMinutes(1));
      Instant nextAllowed = fourth.plus(Duration.ofHours(1));
      clock.advance(Duration.ofMinutes(10));

      LimitExceededException refused =
          catchThrowableOfType(LimitExceededException.class, () -> setTable(name, 5, 5));

      assertThat(refused.awsErrorDetails().errorMessage())
          .isEqualTo(
              "Subscriber limit exceeded: Provisioned throughput decreases are limited within a"
                  + " given UTC day. After the first 4 decreases, each subsequent decrease in the"
                  + " same UTC day can be performed at most once every 3600 seconds. Number of"
                  + " decreases today: 4. Last decrease at "
                  + fourth
                  + ". Next decrease can be made at "
                  + nextAllowed);
      assertThat(tableThroughput(name).readCapacityUnits()).isEqualTo(6);
      assertThat(AwsFailures.classify("decrease", refused, clock.instant()))
          .isInstanceOfSatisfying(
              AwsFailures.Deferred.class,
              d -> assertThat(d.deferral().until()).isEqualTo(nextAllowed));

      // Lowering only one of the two units is a decrease too.
      clock.set(nextAllowed.minusSeconds(1));
      assertThatThrownBy(() -> setTable(name, 6, 5)).isInstanceOf(LimitExceededException.class);

      clock.set(nextAllowed);
      setTable(name, 6, 5);
      assertThat(tableThroughput(name).numberOfDecreasesToday()).isEqualTo(5);

      assertThatThrownBy(() -> setTable(name, 5, 5))
          .isInstanceOf(LimitExceededException.class)
          .hasMessageContaining("Number of decreases today: 5")
          .hasMessageContaining(
              "Next decrease can be made at " + nextAllowed.plus(Duration.ofHours(1)));

      // Increases are never limited.
      setTable(name, 50, 50);
      assertThat(tableThroughput(name).lastIncreaseDateTime()).isEqualTo(clock.instant());
    }

    @Test
    void theCountRestartsAtUtcMidnight() {
      clock.set(Instant.parse("2026-03-10T22:30:00Z"));
      String name = createProvisioned();
      for (int units = 9; units >= 6; units--) {
        setTable(name, units, units);
      }
      clock.set(Instant.parse("2026-03-10T23:40:00Z"));
      setTable(name, 5, 5);
      clock.set(Instant.parse("2026-03-10T23:50:00Z"));

      // An hour after the last decrease would be 00:40, but the new UTC day starts earlier.
      assertThatThrownBy(() -> setTable(name, 4, 4))
          .isInstanceOf(LimitExceededException.class)
          .hasMessageContaining("Number of decreases today: 5")
          .hasMessageContaining("Next decrease can be made at 2026-03-11T00:00:00Z");

      clock.set(Instant.parse("2026-03-11T00:00:00Z"));
      ProvisionedThroughputDescription atMidnight = tableThroughput(name);
      assertThat(atMidnight.numberOfDecreasesToday()).isZero();
      assertThat(atMidnight.lastDecreaseDateTime())
          .isEqualTo(Instant.parse("2026-03-10T23:40:00Z"));

      for (int units = 4; units >= 1; units--) {
        setTable(name, units, units);
      }
      assertThat(tableThroughput(name).numberOfDecreasesToday()).isEqualTo(4);
      // Unchanged throughput is refused by DynamoDB Local itself, and not counted as a decrease.
      assertThatThrownBy(() -> setTable(name, 1, 1))
          .isInstanceOfSatisfying(
              AwsServiceException.class,
              e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationException"));
      setTable(name, 20, 20);
      assertThatThrownBy(() -> setTable(name, 19, 19))
          .isInstanceOf(LimitExceededException.class)
          .hasMessageContaining("Number of decreases today: 4");
    }

    @Test
    void tableAndEachIndexAreCountedSeparately() {
      String name = createProvisioned();
      for (int units = 9; units >= 6; units--) {
        setTable(name, units, units);
      }
      assertThatThrownBy(() -> setTable(name, 5, 5)).isInstanceOf(LimitExceededException.class);

      for (int units = 9; units >= 6; units--) {
        setIndex(name, units, units);
      }
      assertThatThrownBy(() -> setIndex(name, 5, 5))
          .isInstanceOf(LimitExceededException.class)
          .hasMessageContaining("Number of decreases today: 4");

      TableDescription described = tables.describeTable(name).orElseThrow();
      assertThat(described.provisionedThroughput().numberOfDecreasesToday()).isEqualTo(4);
      assertThat(
              described
                  .globalSecondaryIndexes()
                  .get(0)
                  .provisionedThroughput()
                  .numberOfDecreasesToday())
          .isEqualTo(4);

      // A request that raises the table but lowers the exhausted index is refused as a whole.
      assertThatThrownBy(
              () ->
                  tables.updateTable(
                      UpdateTableRequest.builder()
                          .tableName(name)
                          .provisionedThroughput(throughput(30, 30))
                          .globalSecondaryIndexUpdates(indexUpdate(5, 5))
                          .build()))
          .isInstanceOf(LimitExceededException.class);
      assertThat(tableThroughput(name).readCapacityUnits()).isEqualTo(6);
      assertThat(indexThroughput(name).readCapacityUnits()).isEqualTo(6);
    }

    @Test
    void describeTableShowsTheDecreaseBookkeeping() {
      String name = createProvisioned();
      ProvisionedThroughputDescription fresh = tableThroughput(name);
      assertThat(fresh.numberOfDecreasesToday()).isZero();
      assertThat(fresh.lastDecreaseDateTime())
          .as("DynamoDB Local's 1970 placeholder is dropped")
          .isNull();
      assertThat(fresh.lastIncreaseDateTime()).isNull();

      clock.advance(Duration.ofMinutes(3));
      Instant decreasedAt = clock.instant();
      TableDescription returned = setTable(name, 8, 10);
      assertThat(returned.provisionedThroughput().lastDecreaseDateTime()).isEqualTo(decreasedAt);
      assertThat(returned.provisionedThroughput().numberOfDecreasesToday()).isEqualTo(1);

      clock.advance(Duration.ofMinutes(3));
      Instant increasedAt = clock.instant();
      setIndex(name, 12, 12);

      TableDescription described = tables.describeTable(name).orElseThrow();
      assertThat(described.provisionedThroughput().numberOfDecreasesToday()).isEqualTo(1);
      assertThat(described.provisionedThroughput().lastDecreaseDateTime()).isEqualTo(decreasedAt);
      assertThat(described.provisionedThroughput().lastIncreaseDateTime()).isNull();
      ProvisionedThroughputDescription index =
          described.globalSecondaryIndexes().get(0).provisionedThroughput();
      assertThat(index.numberOfDecreasesToday()).isZero();
      assertThat(index.lastDecreaseDateTime()).isNull();
      assertThat(index.lastIncreaseDateTime()).isEqualTo(increasedAt);
    }

    @Test
    void concurrentDecreasesCannotBothSlipThroughTheQuota() throws Exception {
      String name = createProvisioned();
      setTable(name, 30, 30);
      for (int units = 29; units >= 26; units--) {
        setTable(name, units, units);
      }
      clock.advance(Duration.ofHours(1));

      // Any two of these requests differ so that one lowers a unit the other set: after the first
      // succeeds, every other one is a decrease within the hour.
      int threads = 8;
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Boolean>> results = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        long read = 9 - i;
        long write = 2 + i;
        results.add(
            pool.submit(
                () -> {
                  go.await();
                  try {
                    setTable(name, read, write);
                    return true;
                  } catch (LimitExceededException e) {
                    return false;
                  }
                }));
      }
      go.countDown();
      int succeeded = 0;
      for (Future<Boolean> result : results) {
        succeeded += result.get(30, TimeUnit.SECONDS) ? 1 : 0;
      }
      pool.shutdown();

      assertThat(succeeded).isEqualTo(1);
      assertThat(tableThroughput(name).numberOfDecreasesToday()).isEqualTo(5);
    }
  }

  // ------------------------------------------------------------------ busy windows

  @Nested
  class BusyWindows {

    @Test
    void aNewTableIsCreatingThenUpdatingAfterEachUpdate() {
      tables = new FakeDynamoDbTables(local, clock, Duration.ofMinutes(2));
      String name = name();

      TableDescription returned =
          create(LimiterTableSchema.createTableRequest(name, BillingSettings.provisioned(10, 10)));

      assertThat(returned.tableStatus()).isEqualTo(TableStatus.CREATING);
      assertThat(status(name)).isEqualTo(TableStatus.CREATING);
      ResourceInUseException creating =
          catchThrowableOfType(ResourceInUseException.class, () -> setTable(name, 20, 20));
      assertThat(creating.awsErrorDetails().errorMessage())
          .isEqualTo(
              "Attempt to change a resource which is still in use: Table is being created: "
                  + name);
      assertThat(AwsFailures.classify("update", creating, clock.instant()))
          .isInstanceOf(AwsFailures.Deferred.class);
      assertThatThrownBy(() -> tables.deleteTable(name)).isInstanceOf(ResourceInUseException.class);

      clock.advance(Duration.ofMinutes(2));
      assertThat(status(name)).isEqualTo(TableStatus.ACTIVE);

      assertThat(setTable(name, 20, 20).tableStatus()).isEqualTo(TableStatus.UPDATING);
      assertThat(status(name)).isEqualTo(TableStatus.UPDATING);
      assertThatThrownBy(() -> setTable(name, 30, 30))
          .isInstanceOf(ResourceInUseException.class)
          .hasMessageContaining(
              "Attempt to change a resource which is still in use: Table is being updated: "
                  + name);
      assertThatThrownBy(() -> toOnDemand(name)).isInstanceOf(ResourceInUseException.class);
      assertThat(tableThroughput(name).readCapacityUnits()).isEqualTo(20);

      clock.advance(Duration.ofMinutes(2).minusSeconds(1));
      assertThat(status(name)).isEqualTo(TableStatus.UPDATING);
      assertThatThrownBy(() -> setTable(name, 30, 30)).isInstanceOf(ResourceInUseException.class);

      clock.advance(Duration.ofSeconds(1));
      assertThat(status(name)).isEqualTo(TableStatus.ACTIVE);
      assertThat(setTable(name, 30, 30).provisionedThroughput().readCapacityUnits()).isEqualTo(30);

      clock.advance(Duration.ofMinutes(2));
      tables.deleteTable(name);
      assertThat(tables.describeTable(name)).isEmpty();
    }

    @Test
    void zeroUpdatingForLeavesTablesActive() {
      String name = createProvisioned();

      assertThat(status(name)).isEqualTo(TableStatus.ACTIVE);
      assertThat(setTable(name, 20, 20).tableStatus()).isEqualTo(TableStatus.ACTIVE);
      assertThatCode(() -> setTable(name, 30, 30)).doesNotThrowAnyException();
    }
  }

  // ------------------------------------------------------------------ tags, PITR, deletion
  // protection, TTL

  @Test
  void tagsRoundTripInMemory() {
    String name = name();
    TableDescription table =
        create(
            LimiterTableSchema.createTableRequest(name, BillingSettings.provisioned(10, 10))
                .toBuilder()
                .tags(
                    Tag.builder().key("owner").value("team-a").build(),
                    Tag.builder().key("env").value("dev").build())
                .build());
    String arn = table.tableArn();
    assertThat(tables.listTags(arn))
        .containsExactly(Map.entry("owner", "team-a"), Map.entry("env", "dev"));

    tables.tagResource(arn, Map.of("env", "prod", "cost-center", "42"));
    tables.untagResource(arn, List.of("owner", "not-there"));

    assertThat(tables.listTags(arn))
        .containsOnly(Map.entry("env", "prod"), Map.entry("cost-center", "42"));

    String unknown = arn.substring(0, arn.indexOf(":table/")) + ":table/" + name();
    assertThatThrownBy(() -> tables.listTags(unknown))
        .isInstanceOf(ResourceNotFoundException.class)
        .hasMessageContaining(
            "Requested resource not found: ResourceArn: " + unknown + " not found");
    assertThatThrownBy(() -> tables.tagResource(arn + "/index/" + INDEX, Map.of("a", "b")))
        .isInstanceOfSatisfying(
            AwsServiceException.class,
            e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationException"));
    assertThatThrownBy(() -> tables.listTags("not-an-arn"))
        .isInstanceOfSatisfying(
            AwsServiceException.class,
            e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationException"));

    tables.deleteTable(name);
    TableDescription again =
        create(LimiterTableSchema.createTableRequest(name, BillingSettings.provisioned(10, 10)));
    assertThat(tables.listTags(again.tableArn()))
        .as("a new table of the same name starts untagged")
        .isEmpty();
  }

  @Test
  void pointInTimeRecoveryRoundTripsInMemory() {
    String name = createProvisioned();
    ContinuousBackupsDescription initially = tables.describeContinuousBackups(name);
    assertThat(initially.continuousBackupsStatus()).isEqualTo(ContinuousBackupsStatus.ENABLED);
    assertThat(initially.pointInTimeRecoveryDescription().pointInTimeRecoveryStatus())
        .isEqualTo(PointInTimeRecoveryStatus.DISABLED);

    Instant enabledAt = clock.instant();
    tables.updatePointInTimeRecovery(name, true);
    clock.advance(Duration.ofHours(1));
    tables.updatePointInTimeRecovery(name, true);

    ContinuousBackupsDescription enabled = tables.describeContinuousBackups(name);
    assertThat(enabled.continuousBackupsStatus()).isEqualTo(ContinuousBackupsStatus.ENABLED);
    assertThat(enabled.pointInTimeRecoveryDescription().pointInTimeRecoveryStatus())
        .isEqualTo(PointInTimeRecoveryStatus.ENABLED);
    assertThat(enabled.pointInTimeRecoveryDescription().recoveryPeriodInDays()).isEqualTo(35);
    assertThat(enabled.pointInTimeRecoveryDescription().earliestRestorableDateTime())
        .isEqualTo(enabledAt);
    assertThat(enabled.pointInTimeRecoveryDescription().latestRestorableDateTime())
        .isEqualTo(clock.instant());

    tables.updatePointInTimeRecovery(name, false);

    assertThat(
            tables
                .describeContinuousBackups(name)
                .pointInTimeRecoveryDescription()
                .pointInTimeRecoveryStatus())
        .isEqualTo(PointInTimeRecoveryStatus.DISABLED);
    String missing = name();
    assertThatThrownBy(() -> tables.describeContinuousBackups(missing))
        .isInstanceOf(TableNotFoundException.class)
        .hasMessageContaining("Table not found: " + missing);
    assertThatThrownBy(() -> tables.updatePointInTimeRecovery(missing, true))
        .isInstanceOf(TableNotFoundException.class);
  }

  @Test
  void deletionProtectionIsEnforcedByDynamoDbLocalAndPassesThrough() {
    String name = name();
    create(
        LimiterTableSchema.createTableRequest(name, BillingSettings.provisioned(10, 10)).toBuilder()
            .deletionProtectionEnabled(true)
            .build());

    assertThatThrownBy(() -> tables.deleteTable(name))
        .isInstanceOfSatisfying(
            AwsServiceException.class,
            e -> {
              assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationException");
              assertThat(e.awsErrorDetails().errorMessage())
                  .isEqualTo(
                      "Resource cannot be deleted as it is currently protected against deletion."
                          + " Disable deletion protection first.");
            });
    assertThat(tables.describeTable(name)).isPresent();

    tables.updateTable(
        UpdateTableRequest.builder().tableName(name).deletionProtectionEnabled(false).build());
    tables.deleteTable(name);

    assertThat(tables.describeTable(name)).isEmpty();
  }

  @Test
  void timeToLiveIsDelegated() {
    String name = createProvisioned();

    tables.updateTimeToLive(name, LimiterTableSchema.TTL_ATTRIBUTE, true);

    assertThat(tables.describeTimeToLive(name).timeToLiveStatus())
        .isEqualTo(TimeToLiveStatus.ENABLED);
    assertThat(local.describeTimeToLive(name).timeToLiveStatus())
        .isEqualTo(TimeToLiveStatus.ENABLED);
  }

  @Test
  void aMissingTableIsReportedByTheWrappedTables() {
    String name = name();

    assertThat(tables.describeTable(name)).isEmpty();
    assertThatThrownBy(() -> setTable(name, 5, 5)).isInstanceOf(ResourceNotFoundException.class);
    assertThatThrownBy(() -> tables.deleteTable(name))
        .isInstanceOf(ResourceNotFoundException.class);
  }

  // ------------------------------------------------------------------ helpers

  private String name() {
    String name = "rules-" + UUID.randomUUID();
    created.add(name);
    return name;
  }

  private TableDescription create(CreateTableRequest request) {
    return tables.createTable(request);
  }

  private String createProvisioned() {
    String name = name();
    create(LimiterTableSchema.createTableRequest(name, BillingSettings.provisioned(10, 10)));
    return name;
  }

  private String createOnDemand() {
    String name = name();
    create(LimiterTableSchema.createTableRequest(name, BillingSettings.onDemand()));
    return name;
  }

  private TableDescription toOnDemand(String name) {
    return tables.updateTable(
        UpdateTableRequest.builder()
            .tableName(name)
            .billingMode(BillingMode.PAY_PER_REQUEST)
            .build());
  }

  private TableDescription toProvisioned(String name, long read, long write) {
    return tables.updateTable(
        UpdateTableRequest.builder()
            .tableName(name)
            .billingMode(BillingMode.PROVISIONED)
            .provisionedThroughput(throughput(read, write))
            .globalSecondaryIndexUpdates(indexUpdate(read, write))
            .build());
  }

  private TableDescription setTable(String name, long read, long write) {
    return tables.updateTable(
        UpdateTableRequest.builder()
            .tableName(name)
            .provisionedThroughput(throughput(read, write))
            .build());
  }

  private TableDescription setIndex(String name, long read, long write) {
    return tables.updateTable(
        UpdateTableRequest.builder()
            .tableName(name)
            .globalSecondaryIndexUpdates(indexUpdate(read, write))
            .build());
  }

  private BillingMode billingMode(String name) {
    TableDescription table = tables.describeTable(name).orElseThrow();
    return table.billingModeSummary() == null
        ? BillingMode.PROVISIONED
        : table.billingModeSummary().billingMode();
  }

  private Instant lastUpdateToPayPerRequest(String name) {
    TableDescription table = tables.describeTable(name).orElseThrow();
    return table.billingModeSummary() == null
        ? null
        : table.billingModeSummary().lastUpdateToPayPerRequestDateTime();
  }

  private TableStatus status(String name) {
    return tables.describeTable(name).orElseThrow().tableStatus();
  }

  private ProvisionedThroughputDescription tableThroughput(String name) {
    return tables.describeTable(name).orElseThrow().provisionedThroughput();
  }

  private ProvisionedThroughputDescription indexThroughput(String name) {
    return tables
        .describeTable(name)
        .orElseThrow()
        .globalSecondaryIndexes()
        .get(0)
        .provisionedThroughput();
  }

  private static GlobalSecondaryIndexUpdate indexUpdate(long read, long write) {
    return GlobalSecondaryIndexUpdate.builder()
        .update(u -> u.indexName(INDEX).provisionedThroughput(throughput(read, write)))
        .build();
  }

  private static ProvisionedThroughput throughput(long read, long write) {
    return ProvisionedThroughput.builder()
        .readCapacityUnits(read)
        .writeCapacityUnits(write)
        .build();
  }
}
