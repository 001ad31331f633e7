package dev.limiter.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.limiter.testkit.DynamoDbLocal;
import dev.limiter.testkit.ManualClock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A lease refunds at most what it took and what is still outstanding; debt is bounded; no argument
 * corrupts an item.
 */
class BoundedAdjustmentTest {

  private final ManualClock clock = ManualClock.at("2026-12-01T10:00:00Z");
  private DynamoDbClient client;
  private String table;
  private RateLimiter limiter;

  @BeforeEach
  void setUp() {
    client = DynamoDbLocal.shared().client();
    table = LimiterTables.create(DynamoDbLocal.shared().inspectionClient());
    limiter = limiter(OnUnavailable.BLOCK);
  }

  @AfterEach
  void tearDown() {
    client.close();
  }

  private RateLimiter limiter(OnUnavailable policy) {
    return RateLimiter.builder()
        .client(client)
        .tableName(table)
        .clock(clock)
        .onUnavailable(policy)
        .build();
  }

  @Test
  void aLeaseCannotRefundMoreThanItTook() {
    List<Limit> limits = List.of(Limit.perMinute("rpm", 1_000));
    Lease small = limiter.acquire("key", "api", Map.of("rpm", 1L), limits);
    limiter.acquire("key", "api", Map.of("rpm", 999L), limits);

    assertThatThrownBy(() -> small.adjust(Map.of("rpm", -1_000L)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("rpm");
    small.close();
    assertThat(limiter.available("key", "api", limits)).containsEntry("rpm", 0L);
    assertThat(small.consumed()).containsEntry("rpm", 1L);

    Lease other = limiter.acquire("key2", "api", Map.of("rpm", 5L), limits);
    other.adjust(Map.of("rpm", 10L));
    other.adjust(Map.of("rpm", -15L));
    assertThatThrownBy(() -> other.adjust(Map.of("rpm", -1L)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(other.consumed()).containsEntry("rpm", 0L);
    other.close();
    assertThat(limiter.available("key2", "api", limits)).containsEntry("rpm", 1_000L);
  }

  @Test
  void aRollbackGivesBackOnlyWhatHasNotRefilledYet() {
    List<Limit> limits = List.of(Limit.perSecond("rps", 10));
    Lease first = limiter.acquire("key", "api", Map.of("rps", 10L), limits);
    clock.advance(Duration.ofSeconds(1));
    limiter.acquire("key", "api", Map.of("rps", 10L), limits);
    first.rollback();
    // The first lease's tokens refilled a second ago; giving them back again would admit 20 in one
    // second.
    assertThatThrownBy(() -> limiter.acquire("key", "api", Map.of("rps", 1L), limits))
        .isInstanceOf(RateLimitExceededException.class);

    Lease half = limiter.acquire("key2", "api", Map.of("rps", 10L), limits);
    clock.advance(Duration.ofMillis(500));
    limiter.acquire("key2", "api", Map.of("rps", 5L), limits);
    half.rollback();
    // Five of its ten tokens are still outstanding: only those come back.
    assertThat(limiter.available("key2", "api", limits)).containsEntry("rps", 5L);
  }

  @Test
  void aNegativeAdjustmentRefundsOnlyWhatIsStillOutstanding() {
    List<Limit> limits = List.of(Limit.perSecond("tps", 100));
    Lease lease = limiter.acquire("key", "api", Map.of("tps", 100L), limits);
    clock.advance(Duration.ofMillis(900));
    limiter.acquire("key", "api", Map.of("tps", 90L), limits);
    lease.adjust(Map.of("tps", -100L));
    lease.close();
    // 10 of the lease's tokens are still outstanding; the other 90 refilled and were taken again.
    assertThat(limiter.available("key", "api", limits)).containsEntry("tps", 10L);
  }

  @Test
  void debtIsBoundedAndNoChargeMakesTheItemUnreadable() {
    List<Limit> limits = List.of(Limit.perDay("rpd", 10));
    Lease lease = limiter.acquire("key", "api", Map.of("rpd", 1L), limits);
    lease.adjust(Map.of("rpd", 1_000_000L));
    lease.close();
    long debtBound = RateLimiter.DEFAULT_DEBT_PERIODS * 10;
    assertThat(limiter.available("key", "api", limits).get("rpd")).isEqualTo(-debtBound);

    RateLimiter allowing = limiter(OnUnavailable.ALLOW);
    assertThatThrownBy(() -> allowing.acquire("key", "api", Map.of("rpd", 1L), limits))
        .isInstanceOf(RateLimitExceededException.class);
    clock.advance(Duration.ofDays(RateLimiter.DEFAULT_DEBT_PERIODS + 1));
    assertThat(allowing.acquire("key", "api", Map.of("rpd", 10L), limits).enforced()).isTrue();

    Lease huge = limiter.acquire("key2", "api", Map.of("rpd", 1L), limits);
    huge.adjust(Map.of("rpd", 2_000_000L));
    assertThatCode(huge::close).doesNotThrowAnyException();
    assertThat(limiter.available("key2", "api", limits).get("rpd")).isEqualTo(-debtBound);
  }

  @Test
  void aTimeBeyondTheLongRangeReadsAsDeepDebtNotAsAnUnreadableItem() {
    List<Limit> limits = List.of(Limit.perDay("rpd", 10));
    Map<String, AttributeValue> item = new HashMap<>(LimiterTableSchema.bucketKey("key", "api"));
    item.put(LimiterTableSchema.KIND, AttributeValue.fromS(LimiterTableSchema.KIND_BUCKET));
    item.put(
        LimiterTableSchema.tatAttribute("rpd"), AttributeValue.fromN("99999999999999999999999"));
    client.putItem(b -> b.tableName(table).item(item));
    assertThatThrownBy(
            () -> limiter(OnUnavailable.ALLOW).acquire("key", "api", Map.of("rpd", 1L), limits))
        .isInstanceOf(RateLimitExceededException.class);
    assertThat(limiter.available("key", "api", limits).get("rpd")).isNegative();
  }

  @Test
  void adjustmentsThatOverflowAreRefusedBeforeAnyWrite() {
    List<Limit> limits = List.of(Limit.perDay("rpd", 10));
    Lease lease = limiter.acquire("key", "api", Map.of("rpd", 1L), limits);
    lease.adjust(Map.of("rpd", Long.MAX_VALUE - 1));
    assertThatThrownBy(() -> lease.adjust(Map.of("rpd", 5L)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("rpd");
    assertThatCode(lease::close).doesNotThrowAnyException();
    assertThat(limiter.available("key", "api", limits).get("rpd"))
        .isEqualTo(-RateLimiter.DEFAULT_DEBT_PERIODS * 10);
  }

  @Test
  void theDebtBoundIsConfigurable() {
    RateLimiter strict =
        RateLimiter.builder().client(client).tableName(table).clock(clock).debtPeriods(0).build();
    List<Limit> limits = List.of(Limit.perMinute("rpm", 60));
    Lease lease = strict.acquire("key", "api", Map.of("rpm", 1L), limits);
    lease.adjust(Map.of("rpm", 500L));
    lease.close();
    assertThat(strict.available("key", "api", limits)).containsEntry("rpm", 0L);
    assertThatThrownBy(
            () -> RateLimiter.builder().client(client).tableName(table).debtPeriods(-1).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("debtPeriods");
    assertThatThrownBy(
            () -> RateLimiter.builder().client(client).tableName(table).debtPeriods(101).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("debtPeriods");
    assertThatThrownBy(
            () ->
                RateLimiter.builder()
                    .client(client)
                    .tableName(table)
                    .bucketTtlMargin(Duration.ofSeconds(-1))
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bucketTtlMargin");
  }
}
