package dev.limiter.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.limiter.testkit.ConsumedCapacityRecorder;
import dev.limiter.testkit.DynamoDbLocal;
import dev.limiter.testkit.ManualClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;

/** Calls and capacity units per acquire, counted by an SDK interceptor against DynamoDB Local. */
class CapacityCostTest {

  private static final List<Limit> FIVE_LIMITS =
      List.of(
          Limit.perSecond("rps", 1_000),
          Limit.perMinute("rpm", 50_000),
          Limit.perHour("rph", 1_000_000),
          Limit.perMinute("tpm", 10_000_000),
          Limit.perDay("tpd", 1_000_000_000));

  private final ConsumedCapacityRecorder recorder = new ConsumedCapacityRecorder();
  private final ManualClock clock = ManualClock.at("2026-11-22T10:00:00.123456789Z");
  private DynamoDbClient client;
  private RateLimiter limiter;
  private String table;

  @BeforeEach
  void setUp() {
    client = DynamoDbLocal.shared().client(recorder);
    table = LimiterTables.create(client);
    limiter = RateLimiter.builder().client(client).tableName(table).clock(clock).build();
    // Steady state: the limiter has checked once whether the table holds an entity hierarchy.
    limiter.acquire("warm-up", "llm", Map.of("rps", 1L), FIVE_LIMITS);
    recorder.reset();
  }

  @Test
  void onATableWithoutEntitiesTheHierarchyCheckIsOneReadPerCachePeriodNotOnePerAcquire() {
    RateLimiter fresh = RateLimiter.builder().client(client).tableName(table).clock(clock).build();
    for (int i = 0; i < 50; i++) {
      fresh.acquire("key-" + i, "llm", Map.of("rps", 1L), FIVE_LIMITS).close();
    }
    assertThat(recorder.calls("GetItem")).as("one hierarchy check").isEqualTo(1);
    assertThat(recorder.calls("UpdateItem")).isEqualTo(50);
    clock.advance(StoredLimits.DEFAULT_TTL);
    fresh.acquire("key-0", "llm", Map.of("rps", 1L), FIVE_LIMITS).close();
    assertThat(recorder.calls("GetItem")).as("checked again after the cache period").isEqualTo(2);
  }

  @AfterEach
  void tearDown() {
    client.close();
  }

  @Test
  void admittedAcquireCostsOneCallOneWriteUnitAndNoReadWhateverTheNumberOfLimits() {
    Map<String, Long> consume = Map.of("rps", 1L, "rpm", 1L, "rph", 1L, "tpm", 700L, "tpd", 700L);
    int acquires = 200;
    for (int i = 0; i < acquires; i++) {
      limiter.acquire("key-1", "llm", consume, FIVE_LIMITS).close();
      clock.advance(Duration.ofMillis(3));
    }
    assertThat(recorder.calls("UpdateItem")).isEqualTo(acquires);
    assertThat(recorder.totalCalls()).isEqualTo(acquires);
    assertThat(recorder.writeUnits()).isEqualTo(acquires);
    assertThat(recorder.readUnits()).isZero();
    assertThat(recorder.failedConditionalWrites()).isZero();
  }

  @Test
  void anAdjustmentIsOneOneItemTransactionAndARefundOfNothingCostsNothing() {
    Lease lease = limiter.acquire("key-1", "llm", Map.of("rps", 1L, "tpm", 700L), FIVE_LIMITS);
    lease.adjust(Map.of("tpm", 300L));
    lease.close();
    assertThat(recorder.calls("UpdateItem")).isEqualTo(1);
    assertThat(recorder.calls("TransactWriteItems")).isEqualTo(1);
    // AWS bills a one-item transaction of under 1 KB 2 WCU; DynamoDB Local reports 4.
    assertThat(recorder.writeUnits()).isEqualTo(1 + 4);
    assertThat(recorder.readUnits()).isZero();

    recorder.reset();
    Lease refilled = limiter.acquire("key-2", "llm", Map.of("rps", 1L), FIVE_LIMITS);
    clock.advance(Duration.ofSeconds(1));
    refilled.rollback();
    assertThat(recorder.totalCalls())
        .as("its token has refilled: nothing to give back, no write")
        .isEqualTo(1);
  }

  @Test
  void alternatingIdleAndBusyBucketsAreGuessedRight() {
    Limit limit = Limit.perSecond("rps", 10);
    for (int i = 0; i < 50; i++) {
      limiter.acquire("key-1", "api", Map.of("rps", 1L), List.of(limit));
      // Every other acquire finds the bucket refilled (idle), the others find it busy.
      clock.advance(Duration.ofMillis(i % 2 == 0 ? 10 : 1_000));
    }
    assertThat(recorder.calls("UpdateItem")).isEqualTo(50);
    assertThat(recorder.writeUnits()).isEqualTo(50);
    assertThat(recorder.failedConditionalWrites()).isZero();
  }

  @Test
  void rejectionIsDecidedFromTheFailedWriteWithoutARead() {
    Limit limit = Limit.perSecond("rps", 5);
    for (int i = 0; i < 5; i++) {
      limiter.acquire("key-1", "api", Map.of("rps", 1L), List.of(limit));
    }
    recorder.reset();
    for (int i = 0; i < 10; i++) {
      assertThatThrownBy(() -> limiter.acquire("key-1", "api", Map.of("rps", 1L), List.of(limit)))
          .isInstanceOf(RateLimitExceededException.class);
    }
    // The first refusal is DynamoDB's; the nine repeats are decided here from what it revealed
    // (LocalRejections).
    assertThat(recorder.totalCalls()).isEqualTo(1);
    assertThat(recorder.calls("GetItem")).isZero();
    assertThat(recorder.writeUnits()).isEqualTo(1);
    assertThat(recorder.readUnits()).isZero();
  }

  @Test
  void aWrongGuessCostsExactlyOneExtraWrite() {
    Limit limit = Limit.perSecond("rps", 100);
    RateLimiter other = RateLimiter.builder().client(client).tableName(table).clock(clock).build();
    limiter.acquire("key-1", "api", Map.of("rps", 1L), List.of(limit));
    // This limiter has never seen the bucket, guesses idle, and learns from the returned item.
    recorder.reset();
    other.acquire("key-1", "api", Map.of("rps", 1L), List.of(limit));
    assertThat(recorder.calls("UpdateItem")).isEqualTo(2);
    assertThat(recorder.failedConditionalWrites()).isEqualTo(1);
    recorder.reset();
    other.acquire("key-1", "api", Map.of("rps", 1L), List.of(limit));
    assertThat(recorder.calls("UpdateItem")).isEqualTo(1);
  }

  @Test
  void bucketItemsStayUnderOneKilobyteAndOutOfTheIndex() {
    String entity = "an-entity-id-of-some-length-" + "x".repeat(60);
    limiter.acquire(entity, "llm-api/v1/chat", Map.of("tpd", 1L), FIVE_LIMITS);
    var items =
        client.scan(ScanRequest.builder().tableName(table).build()).items().stream()
            .filter(item -> item.get(LimiterTableSchema.PARTITION_KEY).s().equals("E#" + entity))
            .toList();
    assertThat(items)
        .singleElement()
        .satisfies(item -> assertThat(ItemSize.bytes(item)).isLessThan(1024));
    var indexed =
        client.query(
            QueryRequest.builder()
                .tableName(table)
                .indexName(LimiterTableSchema.INDEX_NAME)
                .keyConditionExpression("#p = :p")
                .expressionAttributeNames(Map.of("#p", LimiterTableSchema.INDEX_PARTITION_KEY))
                .expressionAttributeValues(
                    Map.of(
                        ":p",
                        software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("x")))
                .build());
    assertThat(indexed.count()).isZero();
    assertThat(items.get(0))
        .doesNotContainKeys(
            LimiterTableSchema.INDEX_PARTITION_KEY, LimiterTableSchema.INDEX_SORT_KEY);
  }
}
