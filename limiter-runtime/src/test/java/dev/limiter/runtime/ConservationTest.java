package dev.limiter.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limiter.testkit.DynamoDbLocal;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Many threads on several limiter instances (each with its own client and cache) hammer one bucket
 * with the real clock: the total admitted must respect the GCRA bound for every limit.
 */
class ConservationTest {

  private static final Limit RPS = Limit.perSecond("rps", 40).withBurst(20);
  private static final Limit TPS = Limit.perSecond("tps", 800).withBurst(400);
  private static final List<Limit> LIMITS = List.of(RPS, TPS);
  private static final int THREADS = 16;
  private static final Duration RUN = Duration.ofSeconds(3);

  @Test
  void admittedNeverExceedsCapacityPlusRefillOverElapsedTime() throws Exception {
    DynamoDbLocal local = DynamoDbLocal.shared();
    DynamoDbClient syncA = local.client();
    DynamoDbClient syncB = local.client();
    DynamoDbAsyncClient async = local.asyncClient();
    String table = LimiterTables.create(syncA);
    List<RateLimiter> limiters =
        List.of(
            RateLimiter.builder().client(syncA).tableName(table).build(),
            RateLimiter.builder().client(syncB).tableName(table).build(),
            RateLimiter.builder().asyncClient(async).tableName(table).build());

    LongAdder requests = new LongAdder();
    LongAdder rejections = new LongAdder();
    LongAdder admittedRequests = new LongAdder();
    LongAdder admittedTokens = new LongAdder();
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    Instant start = Clock.systemUTC().instant();
    Instant deadline = start.plus(RUN);
    List<Future<?>> workers = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      RateLimiter limiter = limiters.get(t % limiters.size());
      boolean useAsync = t % 2 == 0;
      workers.add(
          pool.submit(
              () -> {
                while (Clock.systemUTC().instant().isBefore(deadline)) {
                  long tokens = ThreadLocalRandom.current().nextLong(1, 51);
                  Map<String, Long> consume = Map.of("rps", 1L, "tps", tokens);
                  requests.increment();
                  try {
                    if (useAsync) {
                      limiter.acquireAsync("hot", "api", consume, LIMITS).join();
                    } else {
                      limiter.acquire("hot", "api", consume, LIMITS);
                    }
                    admittedRequests.increment();
                    admittedTokens.add(tokens);
                  } catch (RateLimitExceededException | CompletionException e) {
                    if (e instanceof CompletionException
                        && !(e.getCause() instanceof RateLimitExceededException)) {
                      throw e;
                    }
                    rejections.increment();
                  }
                }
                return null;
              }));
    }
    for (Future<?> worker : workers) {
      worker.get();
    }
    Instant end = Clock.systemUTC().instant();
    pool.shutdown();
    long elapsedNanos = Duration.between(start, end).toNanos();

    long rpsBound = bound(RPS, elapsedNanos);
    long tpsBound = bound(TPS, elapsedNanos);
    System.out.printf(
        "conservation: %d requests, %d admitted (bound %d), %d tokens (bound %d), %d rejected in %d"
            + " ms%n",
        requests.sum(),
        admittedRequests.sum(),
        rpsBound,
        admittedTokens.sum(),
        tpsBound,
        rejections.sum(),
        elapsedNanos / 1_000_000);

    assertThat(rejections.sum())
        .as("the load must exceed the limit for the test to mean anything")
        .isPositive();
    assertThat(admittedRequests.sum()).isLessThanOrEqualTo(rpsBound);
    assertThat(admittedTokens.sum()).isLessThanOrEqualTo(tpsBound);
    // Two limits bind in turn, so neither allowance is used up; still, most of it must be.
    assertThat(admittedRequests.sum()).as("admissions under overload").isGreaterThan(rpsBound / 2);

    syncA.close();
    syncB.close();
    async.close();
  }

  /** capacity + refill·(elapsed + 1 ns)/period, the most GCRA with per-call ceiling may admit. */
  private static long bound(Limit limit, long elapsedNanos) {
    return limit.capacity()
        + BigInteger.valueOf(limit.refillAmount())
            .multiply(BigInteger.valueOf(elapsedNanos + 1))
            .divide(BigInteger.valueOf(limit.refillPeriod().toNanos()))
            .longValueExact();
  }
}
