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
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The lease of the acquire whose own write reserved, and of one admitted locally through a sharded
 * plan, gives back into this instance's open reservation, as a local lease does: its slice lies
 * inside the reservation, where a refund to the bucket is cut to nothing by the refund guard (a
 * transaction sent for no effect, and the tokens lost). On DynamoDB Local with a manual clock; a
 * token is 1 ms of bucket time, and a reservation takes the window's 100 besides the request.
 */
class ReservingLeaseGiveBackTest {

  private static final Duration WINDOW = Duration.ofMillis(100);
  private static final Limit RPS = Limit.perSecond("rps", 1_000);
  private static final List<Limit> LIMITS = List.of(RPS);
  private static final Map<String, Long> ONE = Map.of("rps", 1L);

  private final ConsumedCapacityRecorder recorder = new ConsumedCapacityRecorder();
  private final ManualClock clock = ManualClock.at("2026-12-01T10:00:00Z");
  private DynamoDbClient client;
  private DynamoDbClient inspection;
  private String table;
  private RateLimiter limiter;

  @BeforeEach
  void setUp() {
    client = DynamoDbLocal.shared().client(recorder);
    inspection = DynamoDbLocal.shared().inspectionClient();
    table = LimiterTables.create(client);
    limiter =
        RateLimiter.builder()
            .client(client)
            .tableName(table)
            .clock(clock)
            .localReservation(LocalReservation.of(WINDOW))
            .build();
  }

  @AfterEach
  void tearDown() {
    client.close();
    inspection.close();
  }

  @Test
  void theReservingAcquiresRollbackGoesBackIntoItsReservationWithoutAWrite() {
    limiter.acquire("key-1", "api", ONE, LIMITS).close();
    clock.advance(Duration.ofMillis(1));
    Lease reserved = limiter.acquire("key-1", "api", ONE, LIMITS);
    assertThat(limiter.reservationStats().reservationWrites()).isEqualTo(1);
    long end = tat("key-1", 0);

    recorder.reset();
    reserved.rollback();
    assertThat(tat("key-1", 0)).as("the bucket gave nothing back").isEqualTo(end);
    assertThat(recorder.totalCalls())
        .as("given back into the reservation, not a refund the guard cuts to nothing")
        .isZero();
    assertLocalAdmissions(100 + 1);
  }

  @Test
  void anAsyncReservingAcquiresRollbackGoesBackIntoItsReservationWithoutAWrite() {
    limiter.acquireAsync("key-1", "api", ONE, LIMITS).join().close();
    clock.advance(Duration.ofMillis(1));
    Lease reserved = limiter.acquireAsync("key-1", "api", ONE, LIMITS).join();
    assertThat(limiter.reservationStats().reservationWrites()).isEqualTo(1);

    recorder.reset();
    reserved.rollback();
    assertThat(recorder.totalCalls()).isZero();
    assertLocalAdmissions(100 + 1);
  }

  @Test
  void theReservingAcquiresNegativeAdjustmentGoesBackIntoItsReservationWithoutAWrite() {
    limiter.acquire("key-1", "api", ONE, LIMITS).close();
    clock.advance(Duration.ofMillis(1));
    Lease reserved = limiter.acquire("key-1", "api", Map.of("rps", 3L), LIMITS);
    assertThat(limiter.reservationStats().reservationWrites()).isEqualTo(1);
    long end = tat("key-1", 0);

    recorder.reset();
    reserved.adjust(Map.of("rps", -2L));
    reserved.close();
    assertThat(tat("key-1", 0)).isEqualTo(end);
    assertThat(recorder.totalCalls()).isZero();
    assertLocalAdmissions(100 + 2);
  }

  @Test
  void aLocallyAdmittedLeaseOfAShardedEntityGivesBackIntoItsReservation() {
    limiter.entities().createEntity("tenant", null, false, 4);
    List<Limit> limits = List.of(Limit.perSecond("rps", 4_000));
    limiter.acquire("tenant", "api", ONE, limits).close();
    clock.advance(Duration.ofMillis(1));
    limiter.acquire("tenant", "api", ONE, limits).close();
    assertThat(limiter.reservationStats().reservationWrites()).isEqualTo(1);

    recorder.reset();
    Lease local = limiter.acquire("tenant", "api", ONE, limits);
    assertThat(limiter.reservationStats().localAdmissions()).isEqualTo(1);
    local.rollback();
    assertThat(recorder.totalCalls())
        .as("given back into the shard's reservation, not a refund the guard cuts")
        .isZero();
  }

  @Test
  void aRefusedParentGivesTheChildsReservingWriteItsSliceBackWithoutARefund() {
    limiter.entities().createEntity("project-1", null, false);
    limiter.entities().createEntity("key-1", "project-1", true);
    limiter
        .limits()
        .set(
            new LimitScope.Entity("project-1"),
            List.of(Limit.of("rps", 1, 1, Duration.ofHours(1))));
    limiter.limits().set(new LimitScope.Entity("key-1"), LIMITS);
    limiter.acquire("key-1", "api", ONE).close();
    clock.advance(Duration.ofMillis(1));

    recorder.reset();
    assertThatThrownBy(() -> limiter.acquire("key-1", "api", ONE))
        .isInstanceOf(RateLimitExceededException.class);
    assertThat(limiter.reservationStats().reservationWrites())
        .as("the child's write reserved")
        .isEqualTo(1);
    assertThat(recorder.calls("TransactWriteItems"))
        .as("the child's slice goes back into its reservation, not to the bucket")
        .isZero();
  }

  /** {@code expected} single-token acquires admitted locally, then the next writes. */
  private void assertLocalAdmissions(int expected) {
    recorder.reset();
    for (int i = 0; i < expected; i++) {
      limiter.acquire("key-1", "api", ONE, LIMITS).close();
    }
    assertThat(recorder.totalCalls()).as("%d admitted locally", expected).isZero();
    limiter.acquire("key-1", "api", ONE, LIMITS).close();
    assertThat(recorder.calls("UpdateItem")).as("then the reservation is used up").isEqualTo(1);
  }

  private long tat(String entityId, int shard) {
    Map<String, AttributeValue> item =
        inspection
            .getItem(
                b ->
                    b.tableName(table)
                        .key(LimiterTableSchema.bucketKey(entityId, "api", shard))
                        .consistentRead(true))
            .item();
    return Long.parseLong(item.get(LimiterTableSchema.tatAttribute("rps")).n());
  }
}
