package dev.limiter.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limiter.runtime.FaultInjector.Fault;
import dev.limiter.testkit.DynamoDbLocal;
import dev.limiter.testkit.ManualClock;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Limiters on separate DynamoDB clients against one table in DynamoDB Local, each behind its own
 * {@link FaultInjector}; a {@link Run} gives each a clock offset from one shared true time and
 * tallies what the fleet admitted on one fresh key, against {@link GcraReference}'s bound.
 */
final class SkewedFleet implements AutoCloseable {

  static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(1);
  private static final String[] WRITES = {"UpdateItem", "TransactWriteItems"};

  private final List<DynamoDbClient> clients = new ArrayList<>();
  private final List<FaultInjector> injectors = new ArrayList<>();
  private final String table;

  SkewedFleet(int size) {
    StaticCredentialsProvider credentials =
        StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));
    for (int i = 0; i < size; i++) {
      FaultInjector faults = new FaultInjector();
      faults.delay(ATTEMPT_TIMEOUT.multipliedBy(3).dividedBy(2));
      ClientOverrideConfiguration overrides =
          ClientOverrideConfiguration.builder()
              .retryStrategy(RetryMode.STANDARD)
              .apiCallAttemptTimeout(ATTEMPT_TIMEOUT)
              .apiCallTimeout(Duration.ofSeconds(8))
              .addExecutionInterceptor(faults)
              .build();
      injectors.add(faults);
      clients.add(
          DynamoDbClient.builder()
              .endpointOverride(DynamoDbLocal.shared().endpoint())
              .region(DynamoDbLocal.REGION)
              .credentialsProvider(credentials)
              .overrideConfiguration(overrides)
              .build());
    }
    try (DynamoDbClient plain = DynamoDbLocal.shared().inspectionClient()) {
      table = LimiterTables.create(plain);
    }
  }

  int size() {
    return clients.size();
  }

  /**
   * A run on a fresh key: limiter {@code i} decides with true time plus {@code offsets.get(i)} and
   * suffers {@code faults.get(i)} on each write attempt with probability {@code chance}.
   */
  Run run(Limit limit, int debtPeriods, List<Duration> offsets, List<Fault> faults, double chance) {
    return new Run(limit, debtPeriods, offsets, faults, chance);
  }

  @Override
  public void close() {
    injectors.forEach(FaultInjector::disarm);
    clients.forEach(DynamoDbClient::close);
  }

  /** Net tokens as the limiters report them, split by how certain they are. */
  static final class Tally implements UsageListener {
    private long admitted;
    private long charged;
    private long undecidedTaken;
    private long undecidedRefunds;

    @Override
    public synchronized void onAcquired(
        String entityId, String resource, Map<String, Long> tokens) {
      admitted += tokens.values().stream().mapToLong(Long::longValue).sum();
    }

    @Override
    public synchronized void onAdjusted(
        String entityId, String resource, Map<String, Long> deltas) {
      for (long delta : deltas.values()) {
        admitted += delta;
        charged += Math.max(0, delta);
      }
    }

    @Override
    public synchronized void onUndecided(
        String entityId, String resource, Map<String, Long> tokens) {
      for (long delta : tokens.values()) {
        if (delta > 0) {
          undecidedTaken += delta;
        } else {
          undecidedRefunds -= delta;
        }
      }
    }

    synchronized long admitted() {
      return admitted;
    }

    synchronized long charged() {
      return charged;
    }

    synchronized long undecided() {
      return undecidedTaken + undecidedRefunds;
    }

    synchronized long undecidedRefunds() {
      return undecidedRefunds;
    }
  }

  /** One key, the fleet's limiters on their clocks, and the tally of what they admitted. */
  final class Run implements AutoCloseable {
    private final ManualClock trueTime = ManualClock.at("2026-12-01T10:00:00Z");
    private final long start = nanos(trueTime);
    private final Limit limit;
    private final int debtPeriods;
    private final long spread;
    private final List<RateLimiter> limiters = new ArrayList<>();
    private final Tally tally = new Tally();
    private final String key = "fleet-" + UUID.randomUUID();
    private final GcraReference reference;
    private long calls;
    private long offered;
    private long worstMargin = Long.MAX_VALUE;

    private Run(
        Limit limit, int debtPeriods, List<Duration> offsets, List<Fault> faults, double chance) {
      this.limit = limit;
      this.debtPeriods = debtPeriods;
      this.reference = GcraReference.of(limit);
      long highest = 0;
      long lowest = 0;
      for (int i = 0; i < offsets.size(); i++) {
        long offset = offsets.get(i).toNanos();
        highest = Math.max(highest, offset);
        lowest = Math.min(lowest, offset);
        limiters.add(
            RateLimiter.builder()
                .client(clients.get(i))
                .tableName(table)
                .clock(Clock.offset(trueTime, offsets.get(i)))
                .onUnavailable(OnUnavailable.BLOCK)
                .debtPeriods(debtPeriods)
                .usageListener(tally)
                .build());
        if (faults.get(i) == Fault.NONE) {
          injectors.get(i).disarm();
        } else {
          injectors.get(i).armRandomly(faults.get(i), 0, chance, WRITES);
        }
      }
      this.spread = highest - lowest;
    }

    GcraReference reference() {
      return reference;
    }

    /** The spread of the clocks, true time included, in ns. */
    long spreadNanos() {
      return spread;
    }

    /** True time since the run began, in ns. */
    long elapsedNanos() {
      return nanos(trueTime) - start;
    }

    void advance(Duration amount) {
      trueTime.advance(amount);
    }

    /**
     * Limiter {@code i} asks for {@code tokens}: the lease if admitted, empty if refused or
     * unavailable.
     */
    Optional<Lease> acquire(int i, long tokens) {
      calls++;
      offered += tokens;
      try {
        return Optional.of(
            limiters.get(i).acquire(key, "api", Map.of(limit.name(), tokens), List.of(limit)));
      } catch (RateLimitExceededException | RateLimiterUnavailableException e) {
        return Optional.empty();
      } catch (RateLimiterException e) {
        // Every attempt mis-guessed a branch under three skewed writers and none applied: nothing
        // was taken.
        assertThat(e).hasMessageContaining("changed under every one of");
        return Optional.empty();
      }
    }

    /** Writes a lease's adjustments or gives its tokens back, tolerating unavailability. */
    void finish(Lease lease, boolean rollback) {
      calls++;
      try {
        if (rollback) {
          lease.rollback();
        } else {
          lease.close();
        }
      } catch (RateLimiterUnavailableException e) {
        // The write failed or stayed hidden; the tally has what was decided and what was not.
      }
    }

    long offered() {
      return offered;
    }

    Tally tally() {
      return tally;
    }

    /** The bound at this true time, in tokens (rounded down). */
    long bound() {
      return reference.bound(
          elapsedNanos(), spread, calls, tally.charged(), debtPeriods, tally.undecidedRefunds());
    }

    /** Bound minus admitted now; remembers the smallest. */
    long margin() {
      long margin = bound() - tally.admitted();
      worstMargin = Math.min(worstMargin, margin);
      return margin;
    }

    long worstMargin() {
      return worstMargin;
    }

    @Override
    public void close() {
      injectors.forEach(FaultInjector::disarm);
    }
  }

  private static long nanos(Clock clock) {
    return Math.addExact(
        Math.multiplyExact(clock.instant().getEpochSecond(), 1_000_000_000L),
        clock.instant().getNano());
  }
}
