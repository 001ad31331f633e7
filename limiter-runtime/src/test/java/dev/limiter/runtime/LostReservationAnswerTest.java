package dev.limiter.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.limiter.runtime.FaultInjector.Fault;
import dev.limiter.testkit.ConsumedCapacityRecorder;
import dev.limiter.testkit.DynamoDbLocal;
import dev.limiter.testkit.ManualClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
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
 * The answer to a reserving write is lost (DynamoDB Local behind the {@link FaultInjector}), and
 * the recognising retry decides from the item: a write it finds applied with nothing written since
 * keeps its segment (the item holds exactly its result, so the segment's end is known); one it
 * finds applied under another write, or cannot decide, keeps none and the reserved tokens lapse;
 * one that did not apply is sent again and reserves. A lost refusal is still a refusal.
 *
 * <p>The clock stands still and the limit refills once a minute, so what one instant admits is
 * bounded by the capacity: reserving instance and a second instance draining what the bucket has
 * left admit exactly {@code C} when nothing lapses, and less by what lapsed otherwise, never more
 * and never a token twice.
 */
class LostReservationAnswerTest {

  private static final Limit TEN = Limit.perMinute("rpm", 10);
  private static final List<Limit> LIMITS = List.of(TEN);
  private static final Map<String, Long> ONE = Map.of("rpm", 1L);
  private static final Limit CHILD = Limit.perMinute("rpm", 100);

  private final ManualClock clock = ManualClock.at("2026-12-01T10:00:00Z");
  private final FaultInjector faults = new FaultInjector();
  private final ConsumedCapacityRecorder recorder = new ConsumedCapacityRecorder();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private DynamoDbClient client;
  private DynamoDbClient otherClient;
  private String table;
  private RateLimiter reserving;
  private RateLimiter other;

  @BeforeEach
  void setUp() {
    client = DynamoDbLocal.shared().client(faults, recorder);
    otherClient = DynamoDbLocal.shared().client();
    table = LimiterTables.create(otherClient);
    reserving =
        RateLimiter.builder()
            .client(client)
            .tableName(table)
            .clock(clock)
            .onUnavailable(OnUnavailable.BLOCK)
            .usageListener(new MicrometerUsageListener(registry))
            .localReservation(new LocalReservation(Duration.ofSeconds(1), 0.5))
            .build();
    other = RateLimiter.builder().client(otherClient).tableName(table).clock(clock).build();
  }

  @AfterEach
  void tearDown() {
    faults.disarm();
    client.close();
    otherClient.close();
  }

  /**
   * Applied, the answer lost, nothing written since: the retry's condition fails on the write's own
   * id, the item is its result, and the segment (4 tokens beside the request's 1) is kept.
   */
  @ParameterizedTest
  @EnumSource(
      value = Fault.class,
      names = {"SERVER_ERROR_AFTER_COMMIT", "RESPONSE_LOST"})
  void anAppliedReservationWhoseAnswerIsLostKeepsItsSegment(Fault fault) {
    reserving.acquire("hot", "api", ONE, LIMITS);
    faults.arm(fault, 1, "UpdateItem");
    recorder.reset();
    assertThat(reserving.acquire("hot", "api", ONE, LIMITS).enforced()).isTrue();
    assertThat(faults.injected()).isEqualTo(1);
    assertThat(recorder.calls("UpdateItem")).as("the lost write and its retry").isEqualTo(2);
    assertThat(reserving.reservationStats().reservationWrites()).isEqualTo(1);

    assertSegmentOfFourAdmittedLocally();
    assertThat(1 + 1 + 4 + takeAll(other))
        .as("admitted at one instant: each token once, the capacity")
        .isEqualTo(TEN.capacity());
  }

  /** As above, through the asynchronous path. */
  @Test
  void anAsyncReservationWhoseAnswerIsLostKeepsItsSegment() {
    reserving.acquireAsync("hot", "api", ONE, LIMITS).join();
    faults.arm(Fault.RESPONSE_LOST, 1, "UpdateItem");
    recorder.reset();
    assertThat(reserving.acquireAsync("hot", "api", ONE, LIMITS).join().enforced()).isTrue();
    assertThat(faults.injected()).isEqualTo(1);
    assertThat(recorder.calls("UpdateItem")).isEqualTo(2);
    assertSegmentOfFourAdmittedLocally();
    assertThat(1 + 1 + 4 + takeAll(other)).isEqualTo(TEN.capacity());
  }

  /** Applied, then another write, then the retry: its own times are unknown, so no segment. */
  @ParameterizedTest
  @EnumSource(
      value = Fault.class,
      names = {"SERVER_ERROR_AFTER_COMMIT", "RESPONSE_LOST"})
  void anAppliedReservationFollowedByAnotherWriteKeepsNoSegment(Fault fault) {
    other.acquire("hot", "api", ONE, LIMITS);
    reserving.acquire("hot", "api", ONE, LIMITS);
    faults.afterCommit(() -> other.acquire("hot", "api", ONE, LIMITS));
    faults.arm(fault, 1, "UpdateItem");
    assertThat(reserving.acquire("hot", "api", ONE, LIMITS).enforced()).isTrue();
    faults.disarm();
    assertThat(registry.find("limiter.tokens.undecided").counter()).isNull();

    recorder.reset();
    reserving.acquire("hot", "api", ONE, LIMITS);
    assertThat(reserving.reservationStats().localAdmissions()).as("no segment kept").isZero();
    assertThat(recorder.calls("UpdateItem")).isPositive();
    assertThat(1 + 1 + 1 + 1 + 1 + takeAll(other))
        .as("the reservation's 4 tokens lapse: taken once, admitted by nobody")
        .isEqualTo(TEN.capacity() - 4);
  }

  /**
   * A cascade in one transaction: the parent's reservation, sent alone, applied under another write
   * and its answer lost. No segment is kept, so the acquire goes into one transaction as without
   * reservation and is charged on the parent once more: the reservation's tokens (the request's
   * among them) lapse, none is admitted twice.
   */
  @ParameterizedTest
  @EnumSource(
      value = Fault.class,
      names = {"SERVER_ERROR_AFTER_COMMIT", "RESPONSE_LOST"})
  void aTransactionalCascadesParentReservationLostUnderAnotherWriteFallsBackToTheTransaction(
      Fault fault) {
    RateLimiter transactional = transactionalCascade();
    transactional.acquire("key", "api", ONE);
    faults.afterCommit(() -> other.acquire("project", "api", ONE, LIMITS));
    faults.arm(fault, 1, "UpdateItem");
    recorder.reset();
    assertThat(transactional.acquire("key", "api", ONE).enforced()).isTrue();
    faults.disarm();
    assertThat(faults.injected()).isEqualTo(1);
    assertThat(transactional.reservationStats().reservationWrites()).isEqualTo(1);
    assertThat(recorder.calls("UpdateItem")).as("the lost reservation and its retry").isEqualTo(2);
    assertThat(recorder.calls("TransactWriteItems")).as("then both sides at once").isEqualTo(1);

    recorder.reset();
    transactional.acquire("key", "api", ONE);
    assertThat(transactional.reservationStats().localAdmissions()).as("no segment kept").isZero();
    assertThat(1 + 1 + 1 + 1 + takeAll(other, "project"))
        .as("the parent admitted 4 and the reservation's 6 tokens lapse: taken once, by nobody")
        .isEqualTo(TEN.capacity() - 6);
  }

  /**
   * As above with two other writes before the retry: the parent's reservation is undecided, so the
   * acquire is not admitted under BLOCK and nothing else is written, neither the child nor a
   * transaction; the reservation's 6 tokens, taken once or not at all, lapse.
   */
  @ParameterizedTest
  @EnumSource(
      value = Fault.class,
      names = {"SERVER_ERROR_AFTER_COMMIT", "RESPONSE_LOST"})
  void anUndecidedReservationOfATransactionalCascadesParentWritesNothingElse(Fault fault) {
    RateLimiter transactional = transactionalCascade();
    transactional.acquire("key", "api", ONE);
    faults.afterCommit(
        () -> {
          other.acquire("project", "api", ONE, LIMITS);
          other.acquire("project", "api", ONE, LIMITS);
        });
    faults.arm(fault, 1, "UpdateItem");
    recorder.reset();
    assertThatThrownBy(() -> transactional.acquire("key", "api", ONE))
        .isInstanceOf(RateLimiterUnavailableException.class);
    faults.disarm();
    assertThat(registry.get("limiter.tokens.undecided").counter().count()).isEqualTo(1);
    assertThat(recorder.calls("UpdateItem")).as("the lost reservation and its retry").isEqualTo(2);
    assertThat(recorder.calls("TransactWriteItems")).as("no transaction").isZero();
    assertThat(transactional.available("key", "api", List.of(CHILD)).get("rpm"))
        .as("the child took only the first acquire")
        .isEqualTo(CHILD.capacity() - 1);
    assertThat(1 + 2 + takeAll(other, "project"))
        .as("the parent admitted 3, the undecided reservation's 6 tokens lapse")
        .isEqualTo(TEN.capacity() - 6);
  }

  /**
   * A limiter cascading in one transaction from {@code key} into {@code project}, whose limit is
   * {@link #TEN}; the child does not reserve, so only the parent's reservation is in question.
   */
  private RateLimiter transactionalCascade() {
    RateLimiter transactional =
        RateLimiter.builder()
            .client(client)
            .tableName(table)
            .clock(clock)
            .onUnavailable(OnUnavailable.BLOCK)
            .usageListener(new MicrometerUsageListener(registry))
            .cascadeMode(CascadeMode.TRANSACTION)
            .localReservation(new LocalReservation(Duration.ofSeconds(1), 0.5))
            .build();
    transactional.entities().createEntity("project", null, false);
    transactional.entities().createEntity("key", "project", true);
    transactional.limits().set(new LimitScope.Entity("project"), LIMITS);
    otherClient.putItem(
        b ->
            b.tableName(table)
                .item(
                    LimiterItems.limits(
                        new LimitScope.Entity("key"), List.of(CHILD), LocalReservation.OFF, null)));
    return transactional;
  }

  /** Not applied (a 500 before the commit): the retry is the same reservation, and it applies. */
  @Test
  void aReservationThatDidNotApplyIsSentAgainAndReserves() {
    reserving.acquire("hot", "api", ONE, LIMITS);
    faults.arm(Fault.SERVER_ERROR_BEFORE_COMMIT, 1, "UpdateItem");
    recorder.reset();
    assertThat(reserving.acquire("hot", "api", ONE, LIMITS).enforced()).isTrue();
    assertThat(faults.injected()).isEqualTo(1);
    assertThat(recorder.calls("UpdateItem")).isEqualTo(2);

    assertSegmentOfFourAdmittedLocally();
    assertThat(1 + 1 + 4 + takeAll(other)).isEqualTo(TEN.capacity());
  }

  /**
   * Two other writes before the retry: nobody can tell whether it applied, so it is undecided (not
   * admitted under BLOCK), no segment is kept, and the tokens it may have taken lapse.
   */
  @ParameterizedTest
  @EnumSource(
      value = Fault.class,
      names = {"SERVER_ERROR_AFTER_COMMIT", "RESPONSE_LOST"})
  void anUndecidedReservationKeepsNoSegmentAndItsTokensLapse(Fault fault) {
    other.acquire("hot", "api", ONE, LIMITS);
    reserving.acquire("hot", "api", ONE, LIMITS);
    faults.afterCommit(
        () -> {
          other.acquire("hot", "api", ONE, LIMITS);
          other.acquire("hot", "api", ONE, LIMITS);
        });
    faults.arm(fault, 1, "UpdateItem");
    assertThatThrownBy(() -> reserving.acquire("hot", "api", ONE, LIMITS))
        .isInstanceOf(RateLimiterUnavailableException.class);
    faults.disarm();
    assertThat(registry.get("limiter.tokens.undecided").counter().count()).isEqualTo(1);

    recorder.reset();
    long admitted = 1 + 1 + 2 + takeAll(reserving) + takeAll(other);
    assertThat(reserving.reservationStats().localAdmissions()).as("no segment kept").isZero();
    assertThat(recorder.calls("UpdateItem")).as("every acquire after it writes").isPositive();
    assertThat(admitted)
        .as("the undecided write's 5 tokens (1 + 4 reserved) taken once, admitted by nobody")
        .isEqualTo(TEN.capacity() - 5);
  }

  /**
   * A refused reservation whose refusal is lost: the retry finds one other write after the state it
   * was guessed against, so nothing of it applied; refused again, the request alone is written.
   */
  @Test
  void aRefusedReservationWhoseAnswerIsLostIsRefusedAndTheRequestWrittenAlone() {
    reserving.acquire("hot", "api", ONE, LIMITS);
    // This instance still believes 9 are left and reserves 1 + 4; 1 is left.
    other.acquire("hot", "api", Map.of("rpm", 8L), LIMITS);
    faults.arm(Fault.SERVER_ERROR_AFTER_COMMIT, 1, "UpdateItem");
    recorder.reset();
    assertThat(reserving.acquire("hot", "api", ONE, LIMITS).enforced()).isTrue();
    assertThat(faults.injected()).isEqualTo(1);
    assertThat(reserving.reservationStats().refusedReservations()).isEqualTo(1);
    assertThat(recorder.calls("UpdateItem"))
        .as("the refused reservation, its recognising retry, the request alone")
        .isEqualTo(3);
    assertThat(takeAll(reserving) + takeAll(other)).as("the bucket is empty").isZero();
    assertThat(reserving.reservationStats().localAdmissions()).isZero();
  }

  /**
   * A lost refusal of a reservation whose request alone is refused too: the retry's refusal is the
   * request's, with no third write.
   */
  @Test
  void aLostRefusalOfAReservationWhoseRequestCannotFitIsTheRefusal() {
    reserving.acquire("hot", "api", ONE, LIMITS);
    other.acquire("hot", "api", Map.of("rpm", 9L), LIMITS);
    faults.arm(Fault.RESPONSE_LOST, 1, "UpdateItem");
    recorder.reset();
    assertThatThrownBy(() -> reserving.acquire("hot", "api", ONE, LIMITS))
        .isInstanceOf(RateLimitExceededException.class);
    assertThat(faults.injected()).isEqualTo(1);
    assertThat(recorder.calls("UpdateItem")).isEqualTo(2);
    assertThat(takeAll(other)).isZero();
  }

  private void assertSegmentOfFourAdmittedLocally() {
    recorder.reset();
    for (int i = 0; i < 4; i++) {
      reserving.acquire("hot", "api", ONE, LIMITS);
    }
    assertThat(recorder.totalCalls()).as("the segment's 4, admitted locally").isZero();
    assertThat(reserving.reservationStats().localAdmissions()).isEqualTo(4);
  }

  /** Single tokens of the hot key until refused; how many were admitted. */
  private static long takeAll(RateLimiter limiter) {
    return takeAll(limiter, "hot");
  }

  /** Single tokens of {@code entityId} until refused; how many were admitted. */
  private static long takeAll(RateLimiter limiter, String entityId) {
    long admitted = 0;
    while (true) {
      try {
        limiter.acquire(entityId, "api", ONE, LIMITS);
        admitted++;
      } catch (RateLimitExceededException e) {
        return admitted;
      }
    }
  }
}
