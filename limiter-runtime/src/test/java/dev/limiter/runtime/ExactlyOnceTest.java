package dev.limiter.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.limiter.runtime.FaultInjector.Fault;
import dev.limiter.testkit.DynamoDbLocal;
import dev.limiter.testkit.ManualClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Faults between the limiter and DynamoDB Local that the SDK's standard retries would replay: a
 * committed write whose response is lost, answered by a 500, or late past the attempt timeout, and
 * throttling. Whatever happens, every write counts once at most and the tokens held never exceed
 * the capacity (the clock stands still, so nothing refills).
 */
class ExactlyOnceTest {

  private static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(1);
  private static final String[] WRITES = {"UpdateItem", "TransactWriteItems"};

  private final ManualClock clock = ManualClock.at("2026-12-01T10:00:00Z");
  private final FaultInjector faults = new FaultInjector();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final Usage usage = new Usage(new MicrometerUsageListener(registry));
  private DynamoDbClient client;
  private DynamoDbAsyncClient asyncClient;
  private DynamoDbClient plain;
  private String table;
  private RateLimiter limiter;

  @BeforeEach
  void setUp() {
    faults.delay(ATTEMPT_TIMEOUT.multipliedBy(3).dividedBy(2));
    // The SDK's defaults as a workload would have them: standard retries, a short attempt timeout.
    ClientOverrideConfiguration overrides =
        ClientOverrideConfiguration.builder()
            .retryStrategy(RetryMode.STANDARD)
            .apiCallAttemptTimeout(ATTEMPT_TIMEOUT)
            .apiCallTimeout(Duration.ofSeconds(8))
            .addExecutionInterceptor(faults)
            .build();
    StaticCredentialsProvider credentials =
        StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));
    client =
        DynamoDbClient.builder()
            .endpointOverride(DynamoDbLocal.shared().endpoint())
            .region(DynamoDbLocal.REGION)
            .credentialsProvider(credentials)
            .overrideConfiguration(overrides)
            .build();
    asyncClient =
        DynamoDbAsyncClient.builder()
            .endpointOverride(DynamoDbLocal.shared().endpoint())
            .region(DynamoDbLocal.REGION)
            .credentialsProvider(credentials)
            .overrideConfiguration(overrides)
            .build();
    plain = DynamoDbLocal.shared().inspectionClient();
    table = LimiterTables.create(plain);
    limiter = limiter(client);
  }

  @AfterEach
  void tearDown() {
    faults.disarm();
    client.close();
    asyncClient.close();
    plain.close();
  }

  private RateLimiter limiter(DynamoDbClient dynamo) {
    return RateLimiter.builder()
        .client(dynamo)
        .tableName(table)
        .clock(clock)
        .onUnavailable(OnUnavailable.BLOCK)
        .usageListener(usage)
        .build();
  }

  private static final List<Limit> TEN = List.of(Limit.perMinute("rpm", 10));

  /** Takes single tokens until refused; returns how many were admitted. */
  private long drain(String key) {
    long admitted = 0;
    while (true) {
      try {
        limiter.acquire(key, "api", Map.of("rpm", 1L), TEN);
        admitted++;
      } catch (RateLimitExceededException e) {
        return admitted;
      }
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Fault.class,
      names = {"SERVER_ERROR_AFTER_COMMIT", "RESPONSE_LOST", "DELAYED_PAST_TIMEOUT"})
  void aRollbackWhoseResponseIsLostRefundsOnce(Fault fault) {
    Lease first = limiter.acquire("key", "api", Map.of("rpm", 5L), TEN);
    limiter.acquire("key", "api", Map.of("rpm", 5L), TEN);
    faults.arm(fault, 1, WRITES);
    first.rollback();
    assertThat(faults.injected()).isEqualTo(1);
    // Five tokens came back, not ten: at most ten are held at once.
    assertThat(drain("key")).isEqualTo(5);
  }

  @ParameterizedTest
  @EnumSource(
      value = Fault.class,
      names = {"SERVER_ERROR_AFTER_COMMIT", "RESPONSE_LOST", "DELAYED_PAST_TIMEOUT"})
  void anAcquireWhoseResponseIsLostIsChargedOnceAndAdmitted(Fault fault) {
    limiter.acquire("key", "api", Map.of("rpm", 2L), TEN);
    for (int i = 0; i < 2; i++) {
      // The idle branch once (a fresh bucket), then the busy branch.
      String key = i == 0 ? "fresh" : "key";
      faults.arm(fault, 1, WRITES);
      Lease lease = limiter.acquire(key, "api", Map.of("rpm", 5L), TEN);
      assertThat(faults.injected()).isEqualTo(i + 1);
      assertThat(lease.enforced()).isTrue();
    }
    assertThat(drain("fresh")).isEqualTo(5);
    assertThat(drain("key")).isEqualTo(3);
    assertThat(registry.find("limiter.tokens.undecided").counter()).isNull();
  }

  @ParameterizedTest
  @EnumSource(
      value = Fault.class,
      names = {"SERVER_ERROR_AFTER_COMMIT", "RESPONSE_LOST", "DELAYED_PAST_TIMEOUT"})
  void anAcquireFollowedByOneOtherWriteIsStillRecognised(Fault fault) {
    RateLimiter other = limiter(plain);
    // Warmed up, so that its writes inside the faulted attempt finish well within the attempt
    // timeout.
    other.acquire("key", "api", Map.of("rpm", 1L), TEN);
    limiter.acquire("key", "api", Map.of("rpm", 1L), TEN);
    // Another writer changes the bucket between the lost response and the limiter's check.
    faults.afterCommit(() -> other.acquire("key", "api", Map.of("rpm", 1L), TEN));
    faults.arm(fault, 1, WRITES);
    assertThat(limiter.acquire("key", "api", Map.of("rpm", 5L), TEN).enforced()).isTrue();
    faults.disarm();
    assertThat(registry.find("limiter.tokens.undecided").counter()).isNull();
    // 1 + 1 + 1 + 5, once each.
    assertThat(drain("key")).isEqualTo(2);
  }

  @ParameterizedTest
  @EnumSource(
      value = Fault.class,
      names = {"SERVER_ERROR_AFTER_COMMIT", "RESPONSE_LOST", "DELAYED_PAST_TIMEOUT"})
  void anAcquireThatCannotBeDecidedCountsAgainstTheCallerOnceAndIsReported(Fault fault) {
    RateLimiter other = limiter(plain);
    // Warmed up, so that its writes inside the faulted attempt finish well within the attempt
    // timeout.
    other.acquire("key", "api", Map.of("rpm", 1L), TEN);
    limiter.acquire("key", "api", Map.of("rpm", 1L), TEN);
    // Two other writes between the lost response and the limiter's check: its write id is gone.
    faults.afterCommit(
        () -> {
          other.acquire("key", "api", Map.of("rpm", 1L), TEN);
          other.acquire("key", "api", Map.of("rpm", 1L), TEN);
        });
    faults.arm(fault, 1, WRITES);
    assertThatThrownBy(() -> limiter.acquire("key", "api", Map.of("rpm", 5L), TEN))
        .isInstanceOf(RateLimiterUnavailableException.class);
    faults.disarm();
    assertThat(registry.get("limiter.tokens.undecided").counter().count()).isEqualTo(5);
    // Taken once (1 + 1 + 2 + 5), not twice, and not admitted.
    assertThat(drain("key")).isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(
      value = Fault.class,
      names = {"SERVER_ERROR_AFTER_COMMIT", "RESPONSE_LOST", "DELAYED_PAST_TIMEOUT"})
  void aCascadeInOneTransactionIsChargedOnceOnBothSides(Fault fault) {
    RateLimiter admin = limiter(plain);
    admin.entities().createEntity("project", null, false);
    admin.entities().createEntity("child", "project", true);
    admin.limits().set(new LimitScope.Entity("project"), TEN);
    List<Limit> childLimits = List.of(Limit.perMinute("rpm", 100));
    RateLimiter strict =
        RateLimiter.builder()
            .client(client)
            .tableName(table)
            .clock(clock)
            .cascadeMode(CascadeMode.TRANSACTION)
            .onUnavailable(OnUnavailable.BLOCK)
            .build();
    strict.acquire("child", "api", Map.of("rpm", 1L), childLimits);
    faults.arm(fault, 1, WRITES);
    strict.acquire("child", "api", Map.of("rpm", 5L), childLimits);
    assertThat(faults.injected()).isEqualTo(1);
    assertThat(admin.available("child", "api", childLimits)).containsEntry("rpm", 94L);
    assertThat(admin.available("project", "api", TEN)).containsEntry("rpm", 4L);
  }

  /**
   * Throttling is a refusal of the key (BucketThrottledException), and a throttled rollback is
   * reported as not written instead of thrown: either way nothing was written.
   */
  @ParameterizedTest
  @EnumSource(
      value = Fault.class,
      names = {"THROTTLED"})
  void aThrottledWriteTakesNothing(Fault fault) {
    Lease lease = limiter.acquire("key", "api", Map.of("rpm", 4L), TEN);
    faults.arm(fault, 1, WRITES);
    assertThatThrownBy(() -> limiter.acquire("key", "api", Map.of("rpm", 5L), TEN))
        .isInstanceOf(BucketThrottledException.class);
    faults.arm(fault, 1, WRITES);
    lease.rollback();
    assertThat(faults.injected()).isEqualTo(2);
    assertThat(registry.get("limiter.tokens.unwritten").counter().count()).isEqualTo(4);
    faults.disarm();
    // The throttled acquire took nothing, the throttled rollback gave nothing back.
    assertThat(drain("key")).isEqualTo(6);
  }

  /**
   * Every attempt of a rollback loses its answer (the first commits, the others replay its client
   * request token): one HTTP call per attempt, undecided, and under BLOCK the rollback throws
   * although the refund applied, once. So a rollback that threw is not a refund certainly not
   * written; the usage listener says which it is.
   */
  @Test
  void aRollbackWhoseEveryAnswerIsLostThrowsAsUndecidedAndRefundsOnce() {
    Lease first = limiter.acquire("key", "api", Map.of("rpm", 5L), TEN);
    limiter.acquire("key", "api", Map.of("rpm", 5L), TEN);
    faults.armInTurn(WRITES, Fault.SERVER_ERROR_AFTER_COMMIT);
    assertThatThrownBy(first::rollback).isInstanceOf(RateLimiterUnavailableException.class);
    faults.disarm();
    assertThat(faults.injected()).isEqualTo(BucketWriter.MAX_ATTEMPTS);
    assertThat(registry.find("limiter.tokens.unwritten").counter()).isNull();
    assertThat(registry.get("limiter.tokens.undecided").counter().count()).isEqualTo(5);
    assertThat(limiter(plain).available("key", "api", TEN)).containsEntry("rpm", 5L);
  }

  /**
   * A rollback's first attempt commits and its answer is lost, then the table stops answering: the
   * refund applied once, so it is undecided (possibly applied), never reported as certainly not
   * written.
   */
  @ParameterizedTest
  @EnumSource(
      value = Fault.class,
      names = {"SERVER_ERROR_AFTER_COMMIT", "RESPONSE_LOST", "DELAYED_PAST_TIMEOUT"})
  void aRollbackThatCommittedBeforeTheTableBecameUnreachableIsUndecided(Fault fault) {
    Lease first = limiter.acquire("key", "api", Map.of("rpm", 5L), TEN);
    limiter.acquire("key", "api", Map.of("rpm", 5L), TEN);
    faults.armInTurn(WRITES, fault, Fault.UNREACHABLE);
    assertThatThrownBy(first::rollback).isInstanceOf(RateLimiterUnavailableException.class);
    faults.disarm();
    assertThat(registry.find("limiter.tokens.unwritten").counter()).isNull();
    assertThat(registry.get("limiter.tokens.undecided").counter().count()).isEqualTo(5);
    // Given back once (this limiter's breaker is open: another one reads).
    assertThat(limiter(plain).available("key", "api", TEN)).containsEntry("rpm", 5L);
  }

  /**
   * The refund of a cascade's admitted side, when the parent refuses, commits and its answer is
   * lost, then the table stops answering: undecided, never reported as certainly not written.
   */
  @Test
  void aCascadeRefundThatCommittedBeforeTheTableBecameUnreachableIsUndecided() {
    RateLimiter admin = limiter(plain);
    admin.entities().createEntity("project", null, false);
    admin.entities().createEntity("child", "project", true);
    admin.limits().set(new LimitScope.Entity("project"), TEN);
    List<Limit> childLimits = List.of(Limit.perMinute("rpm", 100));
    limiter.acquire("child", "api", Map.of("rpm", 10L), childLimits);
    faults.armInTurn(new String[] {"TransactWriteItems"}, Fault.RESPONSE_LOST, Fault.UNREACHABLE);
    assertThatThrownBy(() -> limiter.acquire("child", "api", Map.of("rpm", 5L), childLimits))
        .isInstanceOf(RateLimitExceededException.class);
    faults.disarm();
    assertThat(registry.find("limiter.tokens.unwritten").counter()).isNull();
    assertThat(registry.get("limiter.tokens.undecided").counter().count()).isEqualTo(5);
    // The child's five came back once; the parent was refused.
    assertThat(admin.available("child", "api", childLimits)).containsEntry("rpm", 90L);
    assertThat(admin.available("project", "api", TEN)).containsEntry("rpm", 0L);
  }

  /**
   * A rollback commits and its answer is lost; the replay is cancelled by a conflict with a write
   * in progress on the item (DynamoDB's TransactionConflict). Sent again, it must be the same
   * transaction (its client request token), or the refund applies twice.
   */
  @Test
  void aRollbackWhoseReplayConflictsRefundsOnce() {
    Lease first = limiter.acquire("key", "api", Map.of("rpm", 5L), TEN);
    limiter.acquire("key", "api", Map.of("rpm", 5L), TEN);
    faults.armInTurn(
        WRITES, Fault.SERVER_ERROR_AFTER_COMMIT, Fault.TRANSACTION_CONFLICT, Fault.NONE);
    first.rollback();
    faults.disarm();
    assertThat(drain("key")).isEqualTo(5);
  }

  @ParameterizedTest
  @EnumSource(
      value = Fault.class,
      names = {"SERVER_ERROR_AFTER_COMMIT", "RESPONSE_LOST", "DELAYED_PAST_TIMEOUT", "THROTTLED"})
  void underRandomFaultsTheTokensHeldNeverExceedTheCapacity(Fault fault) throws Exception {
    long capacity = 20;
    List<Limit> limits = List.of(Limit.perMinute("rpm", capacity));
    // Half the workers go through the asynchronous client.
    RateLimiter second =
        RateLimiter.builder()
            .asyncClient(asyncClient)
            .tableName(table)
            .clock(clock)
            .onUnavailable(OnUnavailable.BLOCK)
            .usageListener(usage)
            .build();
    // A few certain faults: refusals decided locally send few writes, so chance alone might inject
    // none.
    faults.armRandomly(fault, 2, fault == Fault.DELAYED_PAST_TIMEOUT ? 0.05 : 0.2, WRITES);
    AtomicLong held = new AtomicLong();
    AtomicLong mostHeld = new AtomicLong();
    LongAdder admitted = new LongAdder();
    LongAdder refunded = new LongAdder();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<?>> workers = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      RateLimiter worker = t % 2 == 0 ? limiter : second;
      workers.add(
          pool.submit(
              () -> {
                for (int i = 0; i < 25; i++) {
                  Lease lease;
                  try {
                    lease = worker.acquire("hot", "api", Map.of("rpm", 1L), limits);
                  } catch (RateLimiterException e) {
                    // Refused, unavailable, or (the clock stands still) contended past the
                    // attempts: not admitted.
                    continue;
                  }
                  admitted.increment();
                  mostHeld.accumulateAndGet(held.incrementAndGet(), Math::max);
                  if (ThreadLocalRandom.current().nextInt(3) == 0) {
                    // Counted as given back before the refund is written, so the count never runs
                    // below the truth.
                    held.decrementAndGet();
                    usage.written.set(true);
                    usage.undecided.set(false);
                    try {
                      lease.rollback();
                    } catch (RateLimiterException e) {
                      // Under BLOCK an undecided refund throws too, and may have applied: only a
                      // failure not reported undecided is certainly not given back.
                      if (!usage.undecided.get()) {
                        usage.written.set(false);
                      }
                    }
                    if (usage.written.get()) {
                      refunded.increment();
                    } else {
                      held.incrementAndGet(); // failed, or (throttled) reported as not written:
                      // still held
                    }
                  }
                }
                return null;
              }));
    }
    for (Future<?> worker : workers) {
      worker.get();
    }
    pool.shutdown();
    faults.disarm();
    long net = admitted.sum() - refunded.sum();
    // A write that failed as unavailable may have opened the breaker: its probe finds the table
    // answering.
    long left =
        await()
            .atMost(Duration.ofSeconds(10))
            .ignoreExceptionsInstanceOf(RateLimiterUnavailableException.class)
            .until(() -> limiter.available("hot", "api", limits).get("rpm"), tokens -> true);
    long used = capacity - left;
    double undecided =
        registry.find("limiter.tokens.undecided").counters().stream()
            .mapToDouble(c -> c.count())
            .sum();
    System.out.printf(
        "%s: %d faults, %d admitted, %d refunded, %d held at most, %d used, %.0f undecided%n",
        fault, faults.injected(), admitted.sum(), refunded.sum(), mostHeld.get(), used, undecided);
    assertThat(faults.injected()).isPositive();
    assertThat(mostHeld.get()).isLessThanOrEqualTo(capacity);
    assertThat(net).isLessThanOrEqualTo(capacity);
    // No admitted token went uncharged and no refund was applied twice (a refund reported as
    // failed may still have applied, once: it is counted as undecided) ...
    assertThat((double) used).isGreaterThanOrEqualTo(net - undecided);
    // ... and nothing was charged twice: beyond what is held, only undecided writes may have taken
    // tokens.
    assertThat((double) used).isLessThanOrEqualTo(net + undecided);
  }

  /**
   * Micrometer's counts, and whether the calling thread's adjustment was certainly not written or
   * undecided (reported on that thread).
   */
  private static final class Usage implements UsageListener {
    final ThreadLocal<Boolean> written = ThreadLocal.withInitial(() -> true);
    final ThreadLocal<Boolean> undecided = ThreadLocal.withInitial(() -> false);
    private final UsageListener counts;

    Usage(UsageListener counts) {
      this.counts = counts;
    }

    @Override
    public void onAcquired(String entityId, String resource, Map<String, Long> tokens) {
      counts.onAcquired(entityId, resource, tokens);
    }

    @Override
    public void onAdjusted(String entityId, String resource, Map<String, Long> deltas) {
      counts.onAdjusted(entityId, resource, deltas);
    }

    @Override
    public void onRejected(List<Violation> violations) {
      counts.onRejected(violations);
    }

    @Override
    public void onUndecided(String entityId, String resource, Map<String, Long> tokens) {
      undecided.set(true);
      counts.onUndecided(entityId, resource, tokens);
    }

    @Override
    public void onAdjustmentNotWritten(
        String entityId, String resource, Map<String, Long> deltas, Throwable cause) {
      written.set(false);
      counts.onAdjustmentNotWritten(entityId, resource, deltas, cause);
    }
  }
}
