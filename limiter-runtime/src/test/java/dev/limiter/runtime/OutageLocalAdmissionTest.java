package dev.limiter.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.limiter.runtime.FaultInjector.Fault;
import dev.limiter.testkit.ConsumedCapacityRecorder;
import dev.limiter.testkit.DynamoDbLocal;
import dev.limiter.testkit.ManualClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * While the outage breaker is open, the tokens of an open reservation are already taken from the
 * shared bucket, so they are admitted locally as before; once the segment is used up, or for
 * anything it does not cover, the unavailability policy applies as it did. DynamoDB Local behind
 * the {@link FaultInjector}, every call refused as unreachable; a manual clock that stands still (a
 * token is 1 ms of bucket time, the reservation takes the window's 100 beside the request).
 */
class OutageLocalAdmissionTest {

  private static final Limit RPS = Limit.perSecond("rps", 1_000);
  private static final List<Limit> LIMITS = List.of(RPS);
  private static final Map<String, Long> ONE = Map.of("rps", 1L);
  private static final String[] EVERY_CALL = {
    "UpdateItem", "TransactWriteItems", "GetItem", "BatchGetItem"
  };

  private final ManualClock clock = ManualClock.at("2026-12-01T10:00:00Z");
  private final FaultInjector faults = new FaultInjector();
  private final ConsumedCapacityRecorder recorder = new ConsumedCapacityRecorder();
  private DynamoDbClient client;
  private DynamoDbClient otherClient;
  private String table;

  @BeforeEach
  void setUp() {
    client = DynamoDbLocal.shared().client(faults, recorder);
    otherClient = DynamoDbLocal.shared().client();
    table = LimiterTables.create(otherClient);
  }

  @AfterEach
  void tearDown() {
    faults.disarm();
    client.close();
    otherClient.close();
  }

  private RateLimiter limiter(OnUnavailable policy) {
    return limiter(policy, CascadeMode.PARALLEL);
  }

  private RateLimiter limiter(OnUnavailable policy, CascadeMode mode) {
    return RateLimiter.builder()
        .client(client)
        .tableName(table)
        .clock(clock)
        .onUnavailable(policy)
        .localReservation(LocalReservation.of(Duration.ofMillis(100)))
        .cascadeMode(mode)
        .build();
  }

  @Test
  void anOpenReservationAdmitsLocallyWhileTheBreakerIsOpenThenBlockApplies() {
    RateLimiter limiter = limiter(OnUnavailable.BLOCK);
    long start = EpochNanos.now(clock);
    limiter.acquire("key-1", "api", ONE, LIMITS).close();
    clock.advance(Duration.ofMillis(1));
    limiter.acquire("key-1", "api", ONE, LIMITS).close();
    assertThat(limiter.reservationStats().reservationWrites()).isEqualTo(1);

    openBreaker(limiter);
    recorder.reset();
    for (int i = 0; i < 99; i++) {
      assertThat(limiter.acquire("key-1", "api", ONE, LIMITS).enforced()).isTrue();
    }
    assertThat(limiter.acquireAsync("key-1", "api", ONE, LIMITS).join().enforced()).isTrue();
    assertThat(recorder.calls("UpdateItem")).as("admitted locally, no write tried").isZero();
    assertThat(limiter.reservationStats().localAdmissions()).isEqualTo(100);
    assertThatThrownBy(() -> limiter.acquire("key-1", "api", ONE, LIMITS))
        .as("the segment is used up: BLOCK as before")
        .isInstanceOf(RateLimiterUnavailableException.class);
    assertThatThrownBy(() -> limiter.acquire("key-2", "api", ONE, LIMITS))
        .as("a key with no reservation: BLOCK as before")
        .isInstanceOf(RateLimiterUnavailableException.class);

    long admitted = 1 + 1 + 100 + drain();
    long bound = GcraReference.of(RPS).bound(EpochNanos.now(clock) - start, 0, admitted, 0, 0, 0);
    assertThat(admitted)
        .as("admitted in 1 ms, against the bound %d", bound)
        .isLessThanOrEqualTo(bound);
  }

  @Test
  void storedLimitsCachedBeforeTheOutageAdmitLocallyThenAllowApplies() {
    RateLimiter limiter = limiter(OnUnavailable.ALLOW);
    limiter.limits().set(new LimitScope.Entity("key-1"), LIMITS);
    limiter.acquire("key-1", "api", ONE).close();
    clock.advance(Duration.ofMillis(1));
    limiter.acquire("key-1", "api", ONE).close();
    assertThat(limiter.reservationStats().reservationWrites()).isEqualTo(1);

    openBreaker(limiter);
    for (int i = 0; i < 99; i++) {
      assertThat(limiter.acquire("key-1", "api", ONE).enforced()).isTrue();
    }
    assertThat(limiter.acquireAsync("key-1", "api", ONE).join().enforced()).isTrue();
    assertThat(limiter.reservationStats().localAdmissions()).isEqualTo(100);
    assertThat(limiter.acquire("key-1", "api", ONE).enforced())
        .as("the segment is used up: ALLOW admits unenforced, as before")
        .isFalse();
  }

  @ParameterizedTest
  @EnumSource(CascadeMode.class)
  void aCascadeWhoseSidesAreBothReservedIsAdmittedLocallyWhileTheBreakerIsOpen(CascadeMode mode) {
    RateLimiter limiter = limiter(OnUnavailable.BLOCK, mode);
    limiter.entities().createEntity("project-1", null, false);
    limiter.entities().createEntity("key-1", "project-1", true);
    limiter.entities().createEntity("key-2", "project-1", true);
    limiter.limits().set(new LimitScope.Entity("project-1"), LIMITS);
    limiter.limits().set(new LimitScope.Entity("key-1"), LIMITS);
    limiter.limits().set(new LimitScope.Entity("key-2"), LIMITS);
    limiter.acquire("key-1", "api", ONE).close();
    limiter.acquire("key-2", "api", ONE).close();
    clock.advance(Duration.ofMillis(1));
    limiter.acquire("key-1", "api", ONE).close();
    assertThat(limiter.reservationStats().reservationWrites())
        .as("child and parent reserved")
        .isEqualTo(2);
    long before = limiter.reservationStats().localAdmissions();

    openBreaker(limiter);
    for (int i = 0; i < 50; i++) {
      assertThat(limiter.acquire("key-1", "api", ONE).enforced()).isTrue();
    }
    assertThat(limiter.reservationStats().localAdmissions() - before)
        .as("both sides, 50 times")
        .isEqualTo(100);
    assertThatThrownBy(() -> limiter.acquire("key-2", "api", ONE))
        .as("key-2 holds no reservation: BLOCK applies")
        .isInstanceOf(RateLimiterUnavailableException.class);
  }

  /** Every call now fails as unreachable; an acquire with nothing reserved opens the breaker. */
  private void openBreaker(RateLimiter limiter) {
    faults.arm(Fault.UNREACHABLE, Integer.MAX_VALUE, EVERY_CALL);
    Lease cold;
    try {
      cold = limiter.acquire("cold", "api", ONE, LIMITS);
    } catch (RateLimiterUnavailableException e) {
      cold = null;
    }
    assertThat(cold == null || !cold.enforced()).as("the policy applied").isTrue();
    assertThat(faults.injected()).isPositive();
  }

  /** What is left of key-1's bucket, taken by another instance in halving requests. */
  private long drain() {
    RateLimiter other =
        RateLimiter.builder().client(otherClient).tableName(table).clock(clock).build();
    long taken = 0;
    for (long tokens = Integer.highestOneBit((int) RPS.capacity()) * 2L; tokens >= 1; tokens /= 2) {
      while (true) {
        try {
          other.acquire("key-1", "api", Map.of("rps", tokens), LIMITS);
          taken += tokens;
        } catch (RateLimitExceededException | RequestExceedsCapacityException e) {
          break;
        }
      }
    }
    return taken;
  }
}
