package dev.limiter.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.limiter.testkit.ConsumedCapacityRecorder;
import dev.limiter.testkit.DynamoDbLocal;
import dev.limiter.testkit.ManualClock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;

/**
 * Stored limits at every level, their resolution order, the cache and its cost, on DynamoDB Local.
 */
class StoredLimitsTest {

  private static final List<Limit> SYSTEM = List.of(Limit.perMinute("rpm", 1_000));
  private static final List<Limit> RESOURCE =
      List.of(Limit.perMinute("rpm", 600).withBurst(900), Limit.perMinute("tpm", 100_000));
  private static final List<Limit> ENTITY = List.of(Limit.perMinute("rpm", 50));
  private static final List<Limit> ENTITY_RESOURCE = List.of(Limit.perMinute("rpm", 5_000));

  private final ConsumedCapacityRecorder recorder = new ConsumedCapacityRecorder();
  private final ManualClock clock = ManualClock.at("2026-11-24T10:00:00Z");
  private DynamoDbClient client;
  private String table;
  private RateLimiter limiter;
  private StoredLimits limits;

  @BeforeEach
  void setUp() {
    client = DynamoDbLocal.shared().client(recorder);
    table = LimiterTables.create(client);
    limiter = RateLimiter.builder().client(client).tableName(table).clock(clock).build();
    limits = limiter.limits();
  }

  @AfterEach
  void tearDown() {
    client.close();
  }

  @Test
  void aReadInFlightDuringALocalWriteDoesNotCacheTheOldValue() throws Exception {
    CountDownLatch readDone = new CountDownLatch(1);
    CountDownLatch written = new CountDownLatch(1);
    ExecutionInterceptor holdReads =
        new ExecutionInterceptor() {
          @Override
          public void afterUnmarshalling(
              Context.AfterUnmarshalling context, ExecutionAttributes attributes) {
            if (context.response() instanceof BatchGetItemResponse) {
              readDone.countDown();
              try {
                written.await(
                    10, TimeUnit.SECONDS); // the response (old limits) is applied after the write
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }
          }
        };
    limits.set(new LimitScope.System(), SYSTEM);
    try (DynamoDbAsyncClient async = DynamoDbLocal.shared().asyncClient(holdReads)) {
      RateLimiter racing =
          RateLimiter.builder()
              .client(client)
              .asyncClient(async)
              .tableName(table)
              .clock(clock)
              .build();
      CompletableFuture<List<Limit>> inFlight = racing.limits().resolveAsync("key-1", "llm-api");
      assertThat(readDone.await(10, TimeUnit.SECONDS)).isTrue();
      racing.limits().set(new LimitScope.System(), ENTITY);
      written.countDown();
      assertThat(inFlight.get(10, TimeUnit.SECONDS))
          .as("the read began before the write")
          .containsExactlyElementsOf(SYSTEM);
      assertThat(racing.limits().resolve("key-1", "llm-api"))
          .as("a local write applies at once")
          .containsExactlyElementsOf(ENTITY);
    }
  }

  @Test
  void theMostSpecificLevelWinsAndDeletingOneFallsBackToTheNext() {
    limits.set(new LimitScope.System(), SYSTEM);
    assertThat(limits.resolve("key-1", "llm-api")).containsExactlyInAnyOrderElementsOf(SYSTEM);
    limits.set(new LimitScope.Resource("llm-api"), RESOURCE);
    assertThat(limits.resolve("key-1", "llm-api")).containsExactlyInAnyOrderElementsOf(RESOURCE);
    limits.set(new LimitScope.Entity("key-1"), ENTITY);
    assertThat(limits.resolve("key-1", "llm-api")).containsExactlyInAnyOrderElementsOf(ENTITY);
    limits.set(new LimitScope.EntityResource("key-1", "llm-api"), ENTITY_RESOURCE);
    assertThat(limits.resolve("key-1", "llm-api"))
        .containsExactlyInAnyOrderElementsOf(ENTITY_RESOURCE);

    assertThat(limits.resolve("key-2", "llm-api"))
        .as("another entity")
        .containsExactlyInAnyOrderElementsOf(RESOURCE);
    assertThat(limits.resolve("key-1", "embeddings"))
        .as("the entity's defaults")
        .containsExactlyInAnyOrderElementsOf(ENTITY);
    assertThat(limits.resolve("key-2", "embeddings"))
        .as("only the system's")
        .containsExactlyInAnyOrderElementsOf(SYSTEM);

    limits.delete(new LimitScope.EntityResource("key-1", "llm-api"));
    assertThat(limits.resolve("key-1", "llm-api")).containsExactlyInAnyOrderElementsOf(ENTITY);
    limits.delete(new LimitScope.Entity("key-1"));
    assertThat(limits.resolve("key-1", "llm-api")).containsExactlyInAnyOrderElementsOf(RESOURCE);
  }

  @Test
  void theReservationComesFromTheMostSpecificScopeDeclaringOneWhereverTheLimitsCameFrom() {
    LocalReservation system = LocalReservation.of(Duration.ofMillis(100));
    LocalReservation resource = new LocalReservation(Duration.ofSeconds(1), 0.25);
    LocalReservation entity = new LocalReservation(Duration.ofMillis(250), 0.05);
    put(LimiterItems.systemDefaults(SYSTEM, null, system, null));
    assertThat(limits.resolution("key-1", "llm-api"))
        .isEqualTo(new StoredLimits.Resolution(Optional.of(SYSTEM), Optional.of(system)));

    put(LimiterItems.limits(new LimitScope.Resource("llm-api"), List.of(), resource, null));
    limits.set(new LimitScope.Entity("key-1"), ENTITY);
    clock.advance(StoredLimits.DEFAULT_TTL);
    assertThat(limits.resolution("key-1", "llm-api").limits())
        .as("a reservation-only item holds no limits")
        .contains(ENTITY);
    assertThat(limits.resolution("key-1", "llm-api").reservation())
        .as("the entity declares none: the resource's")
        .contains(resource);
    assertThat(limits.resolution("key-1", "embeddings").reservation()).contains(system);

    put(LimiterItems.limits(new LimitScope.Entity("key-1"), ENTITY, entity, null));
    put(
        LimiterItems.limits(
            new LimitScope.EntityResource("key-2", "llm-api"),
            List.of(),
            LocalReservation.OFF,
            null));
    clock.advance(StoredLimits.DEFAULT_TTL);
    assertThat(limits.resolution("key-1", "llm-api").reservation()).contains(entity);
    assertThat(limits.resolution("key-2", "llm-api"))
        .as("an explicit OFF at the most specific scope; the limits from the system")
        .isEqualTo(
            new StoredLimits.Resolution(Optional.of(SYSTEM), Optional.of(LocalReservation.OFF)));
    assertThat(limits.get(new LimitScope.Resource("llm-api"))).isEmpty();
  }

  @Test
  void theReservationIsCachedWithTheLimits() {
    put(
        LimiterItems.limits(
            new LimitScope.Resource("llm-api"),
            RESOURCE,
            LocalReservation.of(Duration.ofMillis(50)),
            null));
    recorder.reset();
    limits.resolution("key-1", "llm-api");
    put(LimiterItems.limits(new LimitScope.Resource("llm-api"), RESOURCE, null, null));
    assertThat(limits.resolution("key-1", "llm-api").reservation())
        .as("cached for the TTL")
        .contains(LocalReservation.of(Duration.ofMillis(50)));
    assertThat(recorder.calls("BatchGetItem")).isEqualTo(1);
    clock.advance(StoredLimits.DEFAULT_TTL);
    assertThat(limits.resolution("key-1", "llm-api").reservation()).isEmpty();
    assertThat(limits.resolutionAsync("key-1", "llm-api").join().limits()).contains(RESOURCE);
  }

  @Test
  void aMalformedReservationNamesItsScope() {
    Map<String, AttributeValue> item =
        new HashMap<>(
            LimiterItems.limits(
                new LimitScope.Entity("key-1"),
                ENTITY,
                LocalReservation.of(Duration.ofMillis(50)),
                null));
    item.put(
        LimiterTableSchema.LOCAL_RESERVATION_ATTRIBUTE,
        AttributeValue.fromM(Map.of("w", AttributeValue.fromN("5"))));
    put(item);
    assertThatThrownBy(() -> limits.resolution("key-1", "llm-api"))
        .isInstanceOf(MalformedItemException.class)
        .hasMessageContaining("local reservation")
        .hasMessageContaining("key-1");

    item.put(LimiterTableSchema.LOCAL_RESERVATION_ATTRIBUTE, AttributeValue.fromS("100ms"));
    put(item);
    assertThatThrownBy(() -> limits.resolution("key-1", "llm-api"))
        .isInstanceOf(MalformedItemException.class)
        .hasMessageContaining("local reservation");
  }

  private void put(Map<String, AttributeValue> item) {
    client.putItem(b -> b.tableName(table).item(item));
  }

  @Test
  void eachLevelReadsBackWhatWasStored() {
    limits.set(new LimitScope.Resource("llm-api"), RESOURCE);
    assertThat(limits.get(new LimitScope.Resource("llm-api")).orElseThrow())
        .containsExactlyInAnyOrderElementsOf(RESOURCE);
    assertThat(limits.get(new LimitScope.System())).isEmpty();
    Limit odd = Limit.of("tokens", 7, 3, Duration.ofNanos(1_234_567_891L));
    limits.set(new LimitScope.Entity("key-1"), List.of(odd));
    assertThat(limits.get(new LimitScope.Entity("key-1")).orElseThrow())
        .singleElement()
        .satisfies(
            limit -> {
              assertThat(limit.capacity()).isEqualTo(7);
              assertThat(limit.refillAmount()).isEqualTo(3);
              assertThat(limit.refillPeriod()).isEqualTo(Duration.ofNanos(1_234_567_891L));
            });
  }

  @Test
  void noLimitAnywhereIsAClearErrorAndConsumesNothing() {
    assertThatThrownBy(() -> limiter.acquire("key-1", "llm-api", Map.of("rpm", 1L)))
        .isInstanceOf(NoLimitsConfiguredException.class)
        .hasMessageContaining("entity key-1 and resource llm-api");
    assertThat(client.scan(b -> b.tableName(table)).items()).isEmpty();
  }

  @Test
  void acquireUsesTheStoredLimits() {
    limits.set(new LimitScope.Resource("llm-api"), List.of(Limit.perMinute("rpm", 2)));
    limiter.acquire("key-1", "llm-api", Map.of("rpm", 1L)).close();
    limiter.acquireAsync("key-1", "llm-api", Map.of("rpm", 1L)).join().close();
    assertThatThrownBy(() -> limiter.acquire("key-1", "llm-api", Map.of("rpm", 1L)))
        .isInstanceOf(RateLimitExceededException.class);
    String ran = limiter.withLease("key-2", "llm-api", Map.of("rpm", 1L), lease -> "ran");
    assertThat(ran).isEqualTo("ran");
  }

  @Test
  void aCacheMissIsOneBatchedReadAndHitsCostNothingUntilTheTtl() {
    limits.set(new LimitScope.Resource("llm-api"), RESOURCE);
    recorder.reset();
    limits.resolve("key-1", "llm-api");
    assertThat(recorder.calls("BatchGetItem")).isEqualTo(1);
    assertThat(recorder.totalCalls()).isEqualTo(1);
    assertThat(recorder.readUnits()).isGreaterThan(0.0).isLessThanOrEqualTo(2.0);

    for (int i = 0; i < 10; i++) {
      limits.resolve("key-1", "llm-api");
    }
    assertThat(recorder.totalCalls()).as("hits within the TTL").isEqualTo(1);

    clock.advance(StoredLimits.DEFAULT_TTL);
    limits.resolve("key-1", "llm-api");
    assertThat(recorder.calls("BatchGetItem")).as("expired at the TTL").isEqualTo(2);
  }

  @Test
  void anotherProcessesChangeAppliesWithinTheTtlAndALocalChangeAtOnce() {
    RateLimiter other = RateLimiter.builder().client(client).tableName(table).clock(clock).build();
    limits.set(new LimitScope.Resource("llm-api"), RESOURCE);
    assertThat(limits.resolve("key-1", "llm-api")).containsExactlyInAnyOrderElementsOf(RESOURCE);

    other.limits().set(new LimitScope.Resource("llm-api"), SYSTEM);
    assertThat(limits.resolve("key-1", "llm-api"))
        .as("cached: the documented propagation delay")
        .containsExactlyInAnyOrderElementsOf(RESOURCE);
    clock.advance(StoredLimits.DEFAULT_TTL);
    assertThat(limits.resolve("key-1", "llm-api")).containsExactlyInAnyOrderElementsOf(SYSTEM);

    limits.set(new LimitScope.Resource("llm-api"), ENTITY);
    assertThat(limits.resolve("key-1", "llm-api"))
        .as("a local write empties the cache")
        .containsExactlyInAnyOrderElementsOf(ENTITY);
  }

  @Test
  void absenceIsCachedToo() {
    recorder.reset();
    for (int i = 0; i < 3; i++) {
      assertThatThrownBy(() -> limits.resolve("key-1", "llm-api"))
          .isInstanceOf(NoLimitsConfiguredException.class);
    }
    assertThat(recorder.calls("BatchGetItem")).isEqualTo(1);
  }

  @Test
  void aZeroTtlReadsEveryTime() {
    RateLimiter uncached =
        RateLimiter.builder()
            .client(client)
            .tableName(table)
            .clock(clock)
            .limitsCacheTtl(Duration.ZERO)
            .build();
    uncached.limits().set(new LimitScope.System(), SYSTEM);
    recorder.reset();
    uncached.limits().resolve("key-1", "llm-api");
    uncached.limits().resolve("key-1", "llm-api");
    assertThat(recorder.calls("BatchGetItem")).isEqualTo(2);
  }

  @Test
  void aForeignItemUnderALimitsKeyIsMalformedNotGuessed() {
    Map<String, AttributeValue> foreign = new HashMap<>(LimiterTableSchema.systemLimitsKey());
    foreign.put("kind", AttributeValue.fromS("something-else"));
    client.putItem(b -> b.tableName(table).item(foreign));
    assertThatThrownBy(() -> limits.resolve("key-1", "llm-api"))
        .isInstanceOf(MalformedItemException.class)
        .hasMessageContaining("system default limits");

    Map<String, AttributeValue> broken =
        new HashMap<>(LimiterTableSchema.resourceDefaultLimitsKey("llm-api"));
    broken.put("kind", AttributeValue.fromS("limits"));
    broken.put(
        "limits",
        AttributeValue.fromM(
            Map.of("rpm", AttributeValue.fromM(Map.of("c", AttributeValue.fromS("ten"))))));
    client.putItem(b -> b.tableName(table).item(broken));
    assertThatThrownBy(() -> limits.get(new LimitScope.Resource("llm-api")))
        .isInstanceOf(MalformedItemException.class)
        .hasMessageContaining("limit rpm");
  }

  @Test
  void badArgumentsAreRefusedBeforeAnyCall() {
    recorder.reset();
    assertThatThrownBy(() -> limits.set(new LimitScope.System(), List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                limits.set(
                    new LimitScope.System(),
                    List.of(Limit.perSecond("a", 1), Limit.perMinute("a", 1))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("given twice");
    assertThatThrownBy(() -> new LimitScope.Entity("a#b"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new LimitScope.Resource("*"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> limiter.acquireAsync("a#b", "llm-api", Map.of("rpm", 1L)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(recorder.totalCalls()).isZero();
  }

  @Test
  void unavailableTableUnderAllowAdmitsUnenforced() {
    RateLimiter open =
        RateLimiter.builder()
            .client(client)
            .tableName("missing-table")
            .clock(clock)
            .onUnavailable(OnUnavailable.ALLOW)
            .availabilityListener(
                new AvailabilityListener() {
                  @Override
                  public void onOutage(String tableName, OnUnavailable policy, Throwable cause) {}

                  @Override
                  public void onRecovery(String tableName, Duration duration, long failedCalls) {}
                })
            .build();
    assertThat(open.acquire("key-1", "llm-api", Map.of("rpm", 1L)).enforced()).isFalse();
    RateLimiter closed =
        RateLimiter.builder().client(client).tableName("missing-table").clock(clock).build();
    assertThatThrownBy(() -> closed.acquireAsync("key-1", "llm-api", Map.of("rpm", 1L)).join())
        .isInstanceOf(CompletionException.class)
        .hasCauseInstanceOf(RateLimiterUnavailableException.class);
  }

  @Test
  void theTablesStoredPolicyIsTheDefaultOfLimitersBuiltWithoutOne() {
    client.putItem(
        b ->
            b.tableName(table)
                .item(LimiterItems.systemDefaults(List.of(), OnUnavailable.ALLOW, null)));
    limits.set(new LimitScope.Resource("llm-api"), RESOURCE);
    assertThat(limiter.onUnavailable()).as("not known yet").isEqualTo(OnUnavailable.BLOCK);
    assertThat(limits.resolve("key-1", "llm-api")).containsExactlyInAnyOrderElementsOf(RESOURCE);
    assertThat(limiter.onUnavailable())
        .as("learnt with the resolution")
        .isEqualTo(OnUnavailable.ALLOW);
    RateLimiter explicit =
        RateLimiter.builder()
            .client(client)
            .tableName(table)
            .clock(clock)
            .onUnavailable(OnUnavailable.BLOCK)
            .build();
    explicit.limits().resolve("key-1", "llm-api");
    assertThat(explicit.onUnavailable())
        .as("an explicit policy wins")
        .isEqualTo(OnUnavailable.BLOCK);
  }

  @Test
  void systemDefaultsHoldingOnlyAPolicyAreNoLimits() {
    client.putItem(
        b ->
            b.tableName(table)
                .item(LimiterItems.systemDefaults(List.of(), OnUnavailable.BLOCK, null)));
    assertThatThrownBy(() -> limits.resolve("key-1", "llm-api"))
        .isInstanceOf(NoLimitsConfiguredException.class);
    assertThat(limits.get(new LimitScope.System())).isEmpty();
  }

  @Test
  void aLimiterFollowingTheStoredAllowPolicyFailsOpenDuringAnOutage() {
    try (DynamoDbLocal server = DynamoDbLocal.start();
        DynamoDbClient own = server.client()) {
      String ownTable = LimiterTables.create(own);
      own.putItem(
          b ->
              b.tableName(ownTable)
                  .item(
                      LimiterItems.systemDefaults(
                          List.of(Limit.perMinute("rpm", 10)), OnUnavailable.ALLOW, null)));
      RateLimiter follower =
          RateLimiter.builder()
              .client(own)
              .tableName(ownTable)
              .clock(clock)
              .availabilityListener(
                  new AvailabilityListener() {
                    @Override
                    public void onOutage(String tableName, OnUnavailable policy, Throwable cause) {}

                    @Override
                    public void onRecovery(String tableName, Duration duration, long failedCalls) {}
                  })
              .build();
      assertThat(follower.acquire("key-1", "llm-api", Map.of("rpm", 1L)).enforced()).isTrue();
      server.stop();
      assertThat(follower.acquire("key-1", "llm-api", Map.of("rpm", 1L)).enforced())
          .as("admitted unenforced")
          .isFalse();
    }
  }
}
