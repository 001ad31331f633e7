package dev.limiter.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limiter.runtime.FaultInjector.Fault;
import dev.limiter.testkit.DynamoDbLocal;
import dev.limiter.testkit.ManualClock;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Seeded random schedules on one bucket with two limits, 2 to 8 limiter instances (separate
 * clients) reserving on DynamoDB Local, one manual clock: over every interval [a, b] of admission
 * times the tokens admitted stay within {@code C + R·(b − a)/P} (plus the per-call rounding, 1 ns
 * per admission), the GCRA bound, which a reservation must keep over every interval and not just
 * from the start.
 */
class ReservationBoundTest {

  private static final Limit RPS = Limit.perSecond("rps", 100).withBurst(20);
  private static final Limit TPS = Limit.perSecond("tps", 3_000).withBurst(600);
  private static final List<Limit> LIMITS = List.of(RPS, TPS);
  private static final int REQUESTS = 200;

  private record Admission(long atNanos, long requests, long tokens) {}

  @Test
  void everyIntervalOfAdmissionsStaysWithinTheGcraBoundWithAnyNumberOfReservingInstances() {
    long localAdmissions = 0;
    for (long seed = 1; seed <= 3; seed++) {
      localAdmissions += run(seed, false, null);
    }
    assertThat(localAdmissions).as("the schedules must reserve to mean anything").isPositive();
  }

  /**
   * As above, with a quarter of the leases rolled back and a quarter adjusting their tokens down by
   * half at once: what goes back into a reservation (a local lease's slice, or the reserving
   * acquire's own) is admitted again, and what the callers kept stays within the bound.
   */
  @Test
  void everyIntervalStaysWithinTheBoundWhenLeasesGiveBack() {
    assertThat(run(4, true, null)).as("the schedule must reserve to mean anything").isPositive();
  }

  /**
   * As above, with the answers to a fifth of the first instance's writes lost after they committed
   * ({@link FaultInjector}), and up to two writes of another instance before the retry: the
   * recognising retry decides what each reservation keeps, and an undecided acquire is not
   * admitted.
   */
  @Test
  void everyIntervalStaysWithinTheBoundWhenAnswersToReservingWritesAreLost() {
    assertThat(run(6, true, Fault.RESPONSE_LOST))
        .as("the schedule must reserve to mean anything")
        .isPositive();
  }

  /**
   * Children cascading into one parent, every bucket reserving, on 2 to 8 instances, in both
   * cascade modes: every interval of the parent's admissions (and of each child's) stays within its
   * bound, while children refuse often enough that a side admitted from a reservation goes back to
   * it.
   */
  @ParameterizedTest
  @EnumSource(CascadeMode.class)
  void everyIntervalOfAParentsAdmissionsStaysWithinTheBoundThroughCascades(CascadeMode mode) {
    List<Limit> childLimits = List.of(Limit.perSecond("rps", 40).withBurst(8), TPS);
    Random random = new Random(mode.ordinal() + 11);
    ManualClock clock = ManualClock.at("2026-11-24T10:00:00Z");
    int instances = 2 + random.nextInt(7);
    List<DynamoDbClient> clients = new ArrayList<>();
    List<RateLimiter> limiters =
        fleet(instances, random, clock, mode, new FaultInjector(), clients);
    Entities entities = limiters.get(0).entities();
    entities.createEntity("project-1", null, false);
    limiters.get(0).limits().set(new LimitScope.Entity("project-1"), LIMITS);
    int children = 3;
    for (int k = 0; k < children; k++) {
      entities.createEntity("key-" + k, "project-1", true);
      limiters.get(0).limits().set(new LimitScope.Entity("key-" + k), childLimits);
    }
    Instant start = clock.instant();
    List<Admission> parent = new ArrayList<>();
    List<List<Admission>> child = new ArrayList<>();
    for (int k = 0; k < children; k++) {
      child.add(new ArrayList<>());
    }
    int refused = 0;
    for (int i = 0; i < 300; i++) {
      clock.advance(Duration.ofNanos(random.nextInt(6_000) * 1_000L + random.nextInt(1_000)));
      long tokens = 1 + random.nextInt(40);
      int k = random.nextInt(children);
      RateLimiter limiter = limiters.get(random.nextInt(instances));
      try {
        limiter.acquire("key-" + k, "api", Map.of("rps", 1L, "tps", tokens)).close();
        Admission admission =
            new Admission(Duration.between(start, clock.instant()).toNanos(), 1, tokens);
        parent.add(admission);
        child.get(k).add(admission);
      } catch (RateLimitExceededException e) {
        refused++;
      }
    }
    long local =
        limiters.stream().mapToLong(limiter -> limiter.reservationStats().localAdmissions()).sum();
    System.out.printf(
        "cascade reservation bound, %s: %d instances, %d admitted (%d sides locally), %d"
            + " refused%n",
        mode, instances, parent.size(), local, refused);
    assertThat(refused).as("the schedule must reach the limits").isPositive();
    assertThat(local).as("the schedule must reserve to mean anything").isPositive();
    assertWithinBound(parent, RPS, Admission::requests, mode.ordinal());
    assertWithinBound(parent, TPS, Admission::tokens, mode.ordinal());
    for (List<Admission> admissions : child) {
      assertWithinBound(admissions, childLimits.get(0), Admission::requests, mode.ordinal());
    }
    clients.forEach(DynamoDbClient::close);
  }

  @Test
  void concurrentAcquiresOnReservingInstancesStayWithinTheBound() throws Exception {
    Limit rps = Limit.perSecond("rps", 2_000).withBurst(200);
    DynamoDbClient first = DynamoDbLocal.shared().client();
    DynamoDbClient second = DynamoDbLocal.shared().client();
    String table = LimiterTables.create(first);
    List<RateLimiter> limiters = new ArrayList<>();
    for (DynamoDbClient client : List.of(first, second)) {
      limiters.add(
          RateLimiter.builder()
              .client(client)
              .tableName(table)
              .localReservation(new LocalReservation(Duration.ofMillis(50), 0.3))
              .build());
    }
    LongAdder admitted = new LongAdder();
    LongAdder refused = new LongAdder();
    ExecutorService threads = Executors.newFixedThreadPool(6);
    Clock clock = Clock.systemUTC();
    Instant start = clock.instant();
    Instant deadline = start.plusMillis(1_500);
    List<Future<?>> workers = new ArrayList<>();
    for (int t = 0; t < 6; t++) {
      RateLimiter limiter = limiters.get(t % 2);
      boolean async = t % 3 == 0;
      workers.add(
          threads.submit(
              () -> {
                while (clock.instant().isBefore(deadline)) {
                  try {
                    if (async) {
                      limiter.acquireAsync("hot", "api", Map.of("rps", 1L), List.of(rps)).join();
                    } else {
                      limiter.acquire("hot", "api", Map.of("rps", 1L), List.of(rps));
                    }
                    admitted.increment();
                  } catch (RateLimitExceededException | CompletionException e) {
                    if (e instanceof CompletionException
                        && !(e.getCause() instanceof RateLimitExceededException)) {
                      throw e;
                    }
                    refused.increment();
                  }
                }
                return null;
              }));
    }
    for (Future<?> worker : workers) {
      worker.get();
    }
    threads.shutdown();
    long elapsed = Duration.between(start, clock.instant()).toNanos();
    long local =
        limiters.stream().mapToLong(limiter -> limiter.reservationStats().localAdmissions()).sum();
    long bound = GcraReference.of(rps).bound(elapsed, 0, admitted.sum(), 0, 0, 0);
    System.out.printf(
        "concurrent reservation: %d admitted (%d locally, bound %d), %d refused in %d ms%n",
        admitted.sum(), local, bound, refused.sum(), elapsed / 1_000_000);
    assertThat(admitted.sum()).isLessThanOrEqualTo(bound);
    assertThat(local).as("the load must reserve to mean anything").isPositive();
    first.close();
    second.close();
  }

  /**
   * One schedule, with leases giving back at random when {@code givingBack} and the first
   * instance's writes suffering {@code fault} at random (null for none); returns how many acquires
   * the instances admitted locally. The tokens counted are those the callers kept.
   */
  private long run(long seed, boolean givingBack, Fault fault) {
    FaultInjector faults = new FaultInjector();
    if (fault != null) {
      faults.armRandomly(fault, 2, 0.2, "UpdateItem");
    }
    Random random = new Random(seed);
    Random giveBacks = new Random(-seed);
    ManualClock clock = ManualClock.at("2026-11-24T10:00:00Z");
    int instances = 2 + random.nextInt(7);
    List<DynamoDbClient> clients = new ArrayList<>();
    List<RateLimiter> limiters =
        fleet(instances, random, clock, CascadeMode.PARALLEL, faults, clients);
    Instant start = clock.instant();
    List<Admission> admitted = new ArrayList<>();
    // Between a lost answer and its retry, none, one or two writes of another instance: the
    // retry then finds its write applied alone, applied under one write, or cannot tell.
    faults.afterCommit(
        () -> {
          for (int k = giveBacks.nextInt(3); k > 0; k--) {
            long tokens = 1 + giveBacks.nextInt(40);
            try {
              limiters
                  .get(1)
                  .acquire("hot", "api", Map.of("rps", 1L, "tps", tokens), LIMITS)
                  .close();
              admitted.add(
                  new Admission(Duration.between(start, clock.instant()).toNanos(), 1, tokens));
            } catch (RateLimitExceededException e) {
              // refused: nothing admitted
            }
          }
        });
    int refused = 0;
    int undecided = 0;
    boolean burst = false;
    for (int i = 0; i < REQUESTS; i++) {
      // Phases of bursts (overload) and of paced requests (about the limit's pace), switched at
      // random, often after an idle spell that refills the bucket while reservations are held.
      if (random.nextInt(20) == 0) {
        burst = !burst;
        if (random.nextBoolean()) {
          clock.advance(Duration.ofMillis(50 + random.nextInt(400)));
        }
      }
      long gapMicros = burst ? random.nextInt(500) : random.nextInt(20_000);
      clock.advance(Duration.ofNanos(gapMicros * 1_000 + random.nextInt(1_000)));
      long tokens = 1 + random.nextInt(40);
      RateLimiter limiter = limiters.get(random.nextInt(instances));
      try {
        Lease lease = limiter.acquire("hot", "api", Map.of("rps", 1L, "tps", tokens), LIMITS);
        long at = Duration.between(start, clock.instant()).toNanos();
        int giveBack = givingBack ? giveBacks.nextInt(4) : 3;
        if (giveBack == 0) {
          lease.rollback();
        } else if (giveBack == 1 && tokens > 1) {
          lease.adjust(Map.of("tps", -(tokens / 2)));
          lease.close();
          admitted.add(new Admission(at, 1, tokens - tokens / 2));
        } else {
          lease.close();
          admitted.add(new Admission(at, 1, tokens));
        }
      } catch (RateLimitExceededException e) {
        refused++;
      } catch (RateLimiterUnavailableException e) {
        undecided++;
      }
    }
    long local =
        limiters.stream().mapToLong(limiter -> limiter.reservationStats().localAdmissions()).sum();
    System.out.printf(
        "reservation bound, seed %d: %d instances, %d admitted (%d locally), %d refused, %d"
            + " answers lost, %d undecided%n",
        seed, instances, admitted.size(), local, refused, faults.injected(), undecided);
    assertThat(refused).as("seed %d must reach the limit", seed).isPositive();
    if (fault != null) {
      assertThat(limiters.get(0).reservationStats().reservationWrites())
          .as("seed %d: the faulty instance must reserve to mean anything", seed)
          .isPositive();
      assertThat(faults.injected()).as("seed %d: answers lost", seed).isPositive();
    }
    assertWithinBound(admitted, RPS, Admission::requests, seed);
    assertWithinBound(admitted, TPS, Admission::tokens, seed);
    clients.forEach(DynamoDbClient::close);
    return local;
  }

  /**
   * {@code instances} limiters on one new table, each with its own client (the first one's calls
   * through {@code faults}, added to {@code clients}) and a reservation of a random window and
   * share.
   */
  private static List<RateLimiter> fleet(
      int instances,
      Random random,
      Clock clock,
      CascadeMode mode,
      FaultInjector faults,
      List<DynamoDbClient> clients) {
    List<RateLimiter> limiters = new ArrayList<>();
    String table = null;
    for (int i = 0; i < instances; i++) {
      DynamoDbClient client =
          i == 0 ? DynamoDbLocal.shared().client(faults) : DynamoDbLocal.shared().client();
      if (table == null) {
        table = LimiterTables.create(client);
      }
      clients.add(client);
      limiters.add(
          RateLimiter.builder()
              .client(client)
              .tableName(table)
              .clock(clock)
              .cascadeMode(mode)
              .localReservation(
                  new LocalReservation(
                      Duration.ofMillis(20 + random.nextInt(300)),
                      0.05 + random.nextDouble() * 0.45))
              .build());
    }
    return limiters;
  }

  /**
   * For every pair of admissions i ≤ j: the tokens of admissions i..j, times P, are at most C·P +
   * R·(t_j − t_i + (j − i + 1) + 1 ns) ({@link GcraReference#boundTimesPeriod}).
   */
  private static void assertWithinBound(
      List<Admission> admitted,
      Limit limit,
      java.util.function.ToLongFunction<Admission> tokensOf,
      long seed) {
    GcraReference reference = GcraReference.of(limit);
    for (int i = 0; i < admitted.size(); i++) {
      long tokens = 0;
      for (int j = i; j < admitted.size(); j++) {
        tokens += tokensOf.applyAsLong(admitted.get(j));
        long elapsed = admitted.get(j).atNanos() - admitted.get(i).atNanos();
        BigInteger bound = reference.boundTimesPeriod(elapsed, 0, j - i + 1, 0, 0, 0);
        BigInteger used =
            BigInteger.valueOf(tokens).multiply(BigInteger.valueOf(limit.refillPeriod().toNanos()));
        if (used.compareTo(bound) > 0) {
          throw new AssertionError(
              String.format(
                  "seed %d, %s: %d tokens admitted in [%d ns, %d ns] (admissions %d..%d), the bound"
                      + " is %s",
                  seed,
                  limit.name(),
                  tokens,
                  admitted.get(i).atNanos(),
                  admitted.get(j).atNanos(),
                  i,
                  j,
                  bound.divide(BigInteger.valueOf(limit.refillPeriod().toNanos()))));
        }
      }
    }
  }
}
