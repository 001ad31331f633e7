package dev.limiter.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.limiter.testkit.ConsumedCapacityRecorder;
import dev.limiter.testkit.DynamoDbLocal;
import dev.limiter.testkit.ManualClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Local reservation on DynamoDB Local with a manual clock: what it saves on a hot key, that it
 * changes no decision at the limit, and that leases, cascades, shards, window expiry, close and
 * stored reservations keep their semantics. Calls are counted by the testkit's capacity recorder.
 */
class LocalReservationTest {

  private static final Duration WINDOW = Duration.ofMillis(100);
  private static final Limit RPS = Limit.perSecond("rps", 1_000);
  private static final Duration TOKEN = Duration.ofMillis(1);

  private final ConsumedCapacityRecorder recorder = new ConsumedCapacityRecorder();
  private final ManualClock clock = ManualClock.at("2026-11-24T10:00:00Z");
  private DynamoDbClient client;
  private String table;

  @BeforeEach
  void setUp() {
    client = DynamoDbLocal.shared().client(recorder);
    table = LimiterTables.create(client);
  }

  @AfterEach
  void tearDown() {
    client.close();
  }

  @Test
  void aHotKeyBelowItsLimitCostsAtMostOneTwentiethOfAWritePerAdmittedAcquire() {
    List<Limit> limits = List.of(Limit.perSecond("rps", 10_000), Limit.perSecond("tps", 1_000_000));
    RateLimiter limiter = reserving(WINDOW);
    Map<String, Long> consume = Map.of("rps", 1L, "tps", 100L);
    for (int i = 0; i < 10; i++) {
      limiter.acquire("hot", "api", consume, limits).close();
      clock.advance(TOKEN);
    }
    recorder.reset();
    ReservationStats before = limiter.reservationStats();
    int acquires = 2_000;
    for (int i = 0; i < acquires; i++) {
      limiter.acquire("hot", "api", consume, limits).close();
      clock.advance(TOKEN);
    }
    ReservationStats stats = limiter.reservationStats();
    long local = stats.localAdmissions() - before.localAdmissions();
    double wcuPerAcquire = recorder.writeUnits() / acquires;
    System.out.printf(
        "hot key at 10%% of its limit: %d acquires admitted, %d locally, %d UpdateItems, %.4f WCU"
            + " per admitted acquire, %d calls%n",
        acquires, local, recorder.calls("UpdateItem"), wcuPerAcquire, recorder.totalCalls());
    assertThat(wcuPerAcquire).isLessThanOrEqualTo(0.05);
    assertThat(local + recorder.calls("UpdateItem")).isEqualTo(acquires);
    assertThat(recorder.totalCalls()).isEqualTo(recorder.calls("UpdateItem"));
    assertThat(recorder.readUnits()).isZero();
    assertThat(stats.refusedReservations()).isZero();
  }

  @Test
  void atTheLimitEveryDecisionIsThatOfALimiterWithoutReservation() {
    List<Limit> limits = List.of(Limit.perSecond("rps", 100).withBurst(20));
    RateLimiter reserving = reserving(WINDOW);
    RateLimiter plain = limiter(LocalReservation.OFF);
    Random random = new Random(7);
    long start = EpochNanos.now(clock);
    long admitted = 0;
    for (int i = 0; i < 400; i++) {
      // About twice the limit: 200 requests per second, 1 to 3 tokens, uneven gaps.
      clock.advance(Duration.ofMillis(random.nextInt(2) == 0 ? 2 : 8));
      Map<String, Long> consume = Map.of("rps", 1L + random.nextInt(3));
      boolean withReservation = admits(reserving, "a", consume, limits);
      boolean without = admits(plain, "b", consume, limits);
      assertThat(withReservation).as("decision %d", i).isEqualTo(without);
      admitted += withReservation ? consume.get("rps") : 0;
    }
    long elapsed = EpochNanos.now(clock) - start;
    long bound = GcraReference.of(limits.get(0)).bound(elapsed, 0, 400, 0, 0, 0);
    System.out.printf(
        "2x overload: %d tokens admitted with reservation (bound %d), %s%n",
        admitted, bound, reserving.reservationStats());
    assertThat(admitted).isLessThanOrEqualTo(bound).isGreaterThan(bound * 9 / 10);
    assertThat(reserving.reservationStats().localAdmissions()).isPositive();
  }

  @Test
  void oneInstanceNeverHoldsMoreThanItsShareOfTheCapacityAcrossWindows() {
    List<Limit> deep = List.of(Limit.of("rps", 10_000, 1_000, Duration.ofSeconds(1)));
    RateLimiter other = limiter(LocalReservation.OFF);
    RateLimiter limiter = reserving(WINDOW);
    long start = EpochNanos.now(clock);
    other.acquire("key-1", "api", Map.of("rps", 2_000L), deep).close();
    limiter.acquire("key-1", "api", Map.of("rps", 1L), deep).close();
    limiter.acquire("key-1", "api", Map.of("rps", 1L), deep).close();
    assertThat(tat("key-1", 0))
        .as("reserved 799: a tenth of what was left, the bucket being busy 2 s ahead")
        .isEqualTo(start + millis(2_001 + 800));
    limiter.acquire("key-1", "api", Map.of("rps", 1L), deep).close();
    clock.advance(WINDOW);
    long before = tat("key-1", 0);
    limiter.acquire("key-1", "api", Map.of("rps", 1L), deep).close();
    assertThat(tat("key-1", 0) - before)
        .as("the window closed with 798 still held ahead: 202 more make the tenth of capacity")
        .isEqualTo(millis(1 + 202));
  }

  @Test
  void asyncAcquiresReserveAndAreAdmittedLocallyToo() {
    RateLimiter limiter = reserving(WINDOW);
    limiter.acquireAsync("key-1", "api", Map.of("rps", 1L), List.of(RPS)).join().close();
    clock.advance(TOKEN);
    long reservedAt = EpochNanos.now(clock);
    limiter.acquireAsync("key-1", "api", Map.of("rps", 1L), List.of(RPS)).join().close();
    assertThat(tat("key-1", 0)).isEqualTo(reservedAt + millis(1 + 100));
    recorder.reset();
    for (int i = 0; i < 10; i++) {
      limiter.acquireAsync("key-1", "api", Map.of("rps", 1L), List.of(RPS)).join().close();
    }
    assertThat(recorder.totalCalls()).isZero();
    assertThat(limiter.reservationStats()).isEqualTo(new ReservationStats(10, 1, 0, 1));
  }

  @Test
  void aLocalLeaseRollsBackOnlyItsOwnSlice() {
    RateLimiter limiter = reserving(WINDOW);
    long reservedAt = heat(limiter, "key-1");
    long end = tat("key-1", 0);
    assertThat(end).as("the reservation's end").isEqualTo(reservedAt + millis(1 + 100));

    recorder.reset();
    Lease lease = limiter.acquire("key-1", "api", Map.of("rps", 1L), List.of(RPS));
    assertThat(recorder.totalCalls()).as("admitted locally").isZero();
    lease.rollback();
    assertThat(recorder.totalCalls()).as("given back to the reservation, not the bucket").isZero();
    assertThat(tat("key-1", 0)).isEqualTo(end);
    recorder.reset();
    for (int i = 0; i < 100; i++) {
      limiter.acquire("key-1", "api", Map.of("rps", 1L), List.of(RPS)).close();
    }
    assertThat(recorder.totalCalls())
        .as("99 left of the reservation and the slice given back: 100 local admissions")
        .isZero();
    limiter.acquire("key-1", "api", Map.of("rps", 1L), List.of(RPS)).close();
    assertThat(recorder.calls("UpdateItem")).as("then the reservation is used up").isEqualTo(1);

    recorder.reset();
    Lease late = limiter.acquire("key-1", "api", Map.of("rps", 1L), List.of(RPS));
    clock.advance(Duration.ofMillis(105));
    recorder.reset();
    late.rollback();
    assertThat(recorder.totalCalls())
        .as("its own slice has refilled, though the reservation reaches further: no refund")
        .isZero();
  }

  @Test
  void aLocalLeasesAdjustmentsChargeTheBucketAndGiveBackToItsReservation() {
    RateLimiter limiter = reserving(WINDOW);
    heat(limiter, "key-1");
    long end = tat("key-1", 0);
    recorder.reset();
    Lease charged = limiter.acquire("key-1", "api", Map.of("rps", 1L), List.of(RPS));
    charged.adjust(Map.of("rps", 4L));
    charged.close();
    assertThat(recorder.calls("UpdateItem")).isZero();
    assertThat(recorder.calls("TransactWriteItems")).isEqualTo(1);
    assertThat(tat("key-1", 0)).as("charged on the bucket").isEqualTo(end + millis(4));

    recorder.reset();
    Lease refunded = limiter.acquire("key-1", "api", Map.of("rps", 3L), List.of(RPS));
    refunded.adjust(Map.of("rps", -3L));
    refunded.close();
    assertThat(recorder.totalCalls()).as("given back to the open reservation").isZero();
    assertThat(tat("key-1", 0)).isEqualTo(end + millis(4));
    assertThat(limiter.reservationStats().localAdmissions()).isEqualTo(2);
  }

  @Test
  void aClosedWindowLetsTheLeftoverLapseAndTheNextAcquireWrites() {
    RateLimiter limiter = reserving(WINDOW);
    heat(limiter, "key-1");
    long end = tat("key-1", 0);
    clock.advance(Duration.ofMillis(99));
    recorder.reset();
    limiter.acquire("key-1", "api", Map.of("rps", 1L), List.of(RPS)).close();
    assertThat(recorder.totalCalls()).as("still inside the window").isZero();
    clock.advance(TOKEN);
    limiter.acquire("key-1", "api", Map.of("rps", 1L), List.of(RPS)).close();
    assertThat(recorder.calls("UpdateItem")).as("the window closed: a new write").isEqualTo(1);
    assertThat(recorder.calls("TransactWriteItems")).as("the leftover lapses").isZero();
    assertThat(tat("key-1", 0)).isGreaterThan(end);
  }

  @Test
  void closingTheLimiterLetsItsLeftoversLapseWithoutAWrite() {
    RateLimiter limiter = reserving(WINDOW);
    long reservedAt = heat(limiter, "key-1");
    heat(limiter, "key-2");
    limiter.acquire("key-1", "api", Map.of("rps", 1L), List.of(RPS)).close();
    recorder.reset();
    limiter.close();
    assertThat(recorder.totalCalls()).isZero();
    assertThat(tat("key-1", 0))
        .as("the reservation's time stays taken; it refills at the limit's rate")
        .isEqualTo(reservedAt + millis(1 + 100));
  }

  @ParameterizedTest
  @EnumSource(CascadeMode.class)
  void aReservedParentIsServedLocallySoACascadeCostsOneWriteAndARefusedChildGivesItBack(
      CascadeMode mode) {
    RateLimiter limiter = limiter(LocalReservation.of(WINDOW), mode);
    limiter.entities().createEntity("project-1", null, false);
    limiter.entities().createEntity("key-1", "project-1", true);
    limiter.entities().createEntity("key-2", "project-1", true);
    limiter.limits().set(new LimitScope.Entity("project-1"), List.of(RPS));
    storeWithoutReservation("key-1", List.of(RPS));
    storeWithoutReservation("key-2", List.of(Limit.of("rps", 2, 1, Duration.ofHours(1))));
    limiter.acquire("key-1", "api", Map.of("rps", 1L)).close();
    clock.advance(TOKEN);
    long reservedAt = EpochNanos.now(clock);
    limiter.acquire("key-1", "api", Map.of("rps", 1L)).close();

    recorder.reset();
    for (int i = 0; i < 20; i++) {
      limiter.acquire("key-1", "api", Map.of("rps", 1L)).close();
    }
    assertThat(recorder.calls("UpdateItem")).as("the child's write only").isEqualTo(20);
    assertThat(recorder.totalCalls()).isEqualTo(20);

    limiter.acquire("key-2", "api", Map.of("rps", 1L)).close();
    limiter.acquire("key-2", "api", Map.of("rps", 1L)).close();
    recorder.reset();
    assertThatThrownBy(() -> limiter.acquire("key-2", "api", Map.of("rps", 1L)))
        .isInstanceOf(RateLimitExceededException.class);
    assertThat(recorder.calls("UpdateItem")).as("the refusing child's write").isEqualTo(1);
    assertThat(recorder.calls("TransactWriteItems")).as("no refund write").isZero();

    assertThat(tat("project-1", 0)).isEqualTo(reservedAt + millis(1 + 100));
    recorder.reset();
    for (int i = 0; i < 78; i++) {
      limiter.acquire("key-1", "api", Map.of("rps", 1L)).close();
    }
    assertThat(recorder.calls("UpdateItem"))
        .as("100 reserved less 22 admitted: the refused acquire's slice came back to the parent")
        .isEqualTo(78);
    limiter.acquire("key-1", "api", Map.of("rps", 1L)).close();
    assertThat(recorder.calls("UpdateItem")).as("then the parent is written too").isEqualTo(80);
  }

  @Test
  void inOneTransactionARefusedReservationFallsBackToTheTransactionNotToASideWrittenAlone() {
    RateLimiter limiter = limiter(LocalReservation.of(WINDOW), CascadeMode.TRANSACTION);
    RateLimiter other = limiter(LocalReservation.OFF);
    limiter.entities().createEntity("project-1", null, false);
    limiter.entities().createEntity("key-1", "project-1", true);
    limiter.limits().set(new LimitScope.Entity("project-1"), List.of(RPS));
    storeWithoutReservation("key-1", List.of(RPS));
    limiter.acquire("key-1", "api", Map.of("rps", 1L)).close();
    clock.advance(TOKEN);
    limiter.acquire("key-1", "api", Map.of("rps", 1L)).close();
    assertThat(limiter.reservationStats().reservationWrites()).as("the parent reserved").isOne();
    clock.advance(WINDOW);
    // Another instance leaves the parent 5 tokens, fewer than the batch this one will ask for.
    other.acquire("project-1", "api", Map.of("rps", 995L)).close();

    recorder.reset();
    limiter.acquire("key-1", "api", Map.of("rps", 1L)).close();
    assertThat(limiter.reservationStats().refusedReservations()).isOne();
    assertThat(recorder.calls("UpdateItem")).as("the refused reservation only").isOne();
    assertThat(recorder.calls("TransactWriteItems")).as("then both sides at once").isOne();
    assertThat(limiter.available("project-1", "api", List.of(RPS)).get("rps"))
        .as("4 left, 1 taken")
        .isEqualTo(3);
    assertThat(limiter.available("key-1", "api", List.of(RPS)).get("rps"))
        .as("full again after the window, 1 taken")
        .isEqualTo(999);
  }

  @Test
  void aShardedParentIsReservedOnOneOfItsShards() {
    RateLimiter limiter = reserving(WINDOW);
    limiter.entities().createEntity("project-1", null, false, 4);
    limiter.entities().createEntity("key-1", "project-1", true);
    limiter
        .limits()
        .set(new LimitScope.Entity("project-1"), List.of(Limit.perSecond("rps", 4_000)));
    storeWithoutReservation("key-1", List.of(RPS));
    for (int i = 0; i < 3; i++) {
      limiter.acquire("key-1", "api", Map.of("rps", 1L)).close();
      clock.advance(TOKEN);
    }
    recorder.reset();
    for (int i = 0; i < 30; i++) {
      limiter.acquire("key-1", "api", Map.of("rps", 1L)).close();
    }
    assertThat(recorder.calls("UpdateItem")).as("the child's write only").isEqualTo(30);
    Set<String> parentShards =
        client.scan(b -> b.tableName(table)).items().stream()
            .filter(item -> item.get("sk").s().startsWith("B#"))
            .map(item -> item.get("pk").s())
            .filter(pk -> pk.startsWith("E#project-1"))
            .collect(Collectors.toSet());
    assertThat(parentShards).as("the pool keeps to its shard").hasSize(1);
  }

  @Test
  void aStoredReservationOverridesTheDefaultAndAnExplicitOffTurnsItOff() {
    RateLimiter off = limiter(LocalReservation.OFF);
    off.limits().set(new LimitScope.System(), List.of(RPS));
    put(
        LimiterItems.limits(
            new LimitScope.Resource("api"), List.of(), LocalReservation.of(WINDOW), null));
    put(
        LimiterItems.limits(
            new LimitScope.EntityResource("key-2", "api"), List.of(), LocalReservation.OFF, null));
    assertThat(localAdmissions(off, "key-1", "api")).as("the resource's reservation").isPositive();
    assertThat(localAdmissions(off, "key-2", "api")).as("OFF for key-2").isZero();

    RateLimiter on = limiter(LocalReservation.of(WINDOW));
    put(LimiterItems.limits(new LimitScope.Entity("key-3"), List.of(), LocalReservation.OFF, null));
    assertThat(localAdmissions(on, "key-3", "other")).as("OFF for the entity").isZero();
    assertThat(localAdmissions(on, "key-4", "other")).as("the builder's default").isPositive();
    assertThat(localAdmissions(off, "key-4", "other")).as("off by default").isZero();
  }

  @Test
  void anInvalidWindowIsRefusedByTheBuilder() {
    assertThatThrownBy(() -> RateLimiter.builder().localReservation(Duration.ofMillis(5)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("10 ms");
  }

  /** Local admissions of 10 stored-limits acquires 1 ms apart on a fresh pair. */
  private long localAdmissions(RateLimiter limiter, String entityId, String resource) {
    long before = limiter.reservationStats().localAdmissions();
    for (int i = 0; i < 10; i++) {
      limiter.acquire(entityId, resource, Map.of("rps", 1L)).close();
      clock.advance(TOKEN);
    }
    return limiter.reservationStats().localAdmissions() - before;
  }

  /**
   * Makes {@code entityId} hot: a plain acquire, then 1 ms later one that reserves 100 more tokens
   * (the window's refill, within 10 % of the full bucket); returns when it reserved.
   */
  private long heat(RateLimiter limiter, String entityId) {
    limiter.acquire(entityId, "api", Map.of("rps", 1L), List.of(RPS)).close();
    clock.advance(TOKEN);
    long reservedAt = EpochNanos.now(clock);
    limiter.acquire(entityId, "api", Map.of("rps", 1L), List.of(RPS)).close();
    return reservedAt;
  }

  private static boolean admits(
      RateLimiter limiter, String entityId, Map<String, Long> consume, List<Limit> limits) {
    try {
      limiter.acquire(entityId, "api", consume, limits).close();
      return true;
    } catch (RateLimitExceededException e) {
      return false;
    }
  }

  private long tat(String entityId, int shard) {
    Map<String, AttributeValue> item =
        client
            .getItem(
                b ->
                    b.tableName(table)
                        .key(LimiterTableSchema.bucketKey(entityId, "api", shard))
                        .consistentRead(true))
            .item();
    return Long.parseLong(item.get(LimiterTableSchema.tatAttribute("rps")).n());
  }

  /** Stores {@code limits} for {@code entityId} with reservation off for it. */
  private void storeWithoutReservation(String entityId, List<Limit> limits) {
    put(LimiterItems.limits(new LimitScope.Entity(entityId), limits, LocalReservation.OFF, null));
  }

  private void put(Map<String, AttributeValue> item) {
    client.putItem(b -> b.tableName(table).item(item));
  }

  private static long millis(long n) {
    return Duration.ofMillis(n).toNanos();
  }

  private RateLimiter reserving(Duration window) {
    return limiter(LocalReservation.of(window));
  }

  private RateLimiter limiter(LocalReservation reservation) {
    return limiter(reservation, CascadeMode.PARALLEL);
  }

  private RateLimiter limiter(LocalReservation reservation, CascadeMode mode) {
    return RateLimiter.builder()
        .client(client)
        .tableName(table)
        .clock(clock)
        .localReservation(reservation)
        .cascadeMode(mode)
        .build();
  }
}
