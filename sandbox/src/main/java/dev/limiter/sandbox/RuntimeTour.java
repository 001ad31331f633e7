package dev.limiter.sandbox;

import dev.limiter.runtime.AvailabilityListener;
import dev.limiter.runtime.BillingSettings;
import dev.limiter.runtime.Lease;
import dev.limiter.runtime.Limit;
import dev.limiter.runtime.LimiterTableSchema;
import dev.limiter.runtime.OnUnavailable;
import dev.limiter.runtime.RateLimitExceededException;
import dev.limiter.runtime.RateLimiter;
import dev.limiter.runtime.RateLimiterUnavailableException;
import dev.limiter.runtime.ReservationStats;
import dev.limiter.testkit.ConsumedCapacityRecorder;
import dev.limiter.testkit.DynamoDbLocal;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * A tour of the runtime against a table the operator made: admitted and rejected acquires, leases,
 * cost per acquire and fail-open/fail-closed behaviour while DynamoDB is unreachable.
 */
final class RuntimeTour {

  private static final List<Limit> API_KEY_LIMITS =
      List.of(Limit.perSecond("rps", 2).withBurst(5), Limit.perMinute("tpm", 10_000));

  /**
   * The burst step's limit: one token every 5 s, so that the refill during the seven requests stays
   * far below one token however slow the machine (at 2/s, a loaded machine refilled one). Its key
   * is in no hierarchy, so the limits passed here are the ones enforced.
   */
  private static final List<Limit> BURST_LIMITS = List.of(Limit.perMinute("rpm", 12).withBurst(5));

  private final PrintStream out;
  private final DynamoDbLocal server;
  private final String table;

  /**
   * @param out where the tour is told
   * @param server the DynamoDB Local the table lives in (stopped and restarted by the outage step)
   * @param table the table to use
   */
  RuntimeTour(PrintStream out, DynamoDbLocal server, String table) {
    this.out = out;
    this.server = server;
    this.table = table;
  }

  /** Runs every step with {@code limiter}, a workload's limiter on {@link #table}. */
  void run(RateLimiter limiter) throws InterruptedException {
    burstThenReject(limiter);
    llmTokens(limiter);
    ConsumedCapacityRecorder recorder = new ConsumedCapacityRecorder();
    try (DynamoDbClient client = server.client(recorder)) {
      costPerAcquire(RateLimiter.builder().client(client).tableName(table).build(), recorder);
      hotKey(client, recorder);
      outage(client);
    }
  }

  private void burstThenReject(RateLimiter limiter) throws InterruptedException {
    section("1. Burst of 7 requests against rpm=12/min with burst 5");
    for (int i = 1; i <= 7; i++) {
      try {
        limiter.acquire("api-key-9", "llm-api", Map.of("rpm", 1L), BURST_LIMITS);
        out.printf("  request %d: admitted%n", i);
      } catch (RateLimitExceededException e) {
        out.printf(
            "  request %d: rejected, retry after %d ms, headers %s%n",
            i, e.retryAfter().toMillis(), e.httpHeaders());
      }
    }
    Duration wait =
        limiter.timeUntilAvailable("api-key-9", "llm-api", Map.of("rpm", 1L), BURST_LIMITS);
    out.printf("  waiting %d ms (timeUntilAvailable) ...%n", wait.toMillis());
    Thread.sleep(wait.toMillis() + 1);
    limiter.acquire("api-key-9", "llm-api", Map.of("rpm", 1L), BURST_LIMITS);
    out.println("  request 8: admitted after the refill");
  }

  private void llmTokens(RateLimiter limiter) {
    section("2. LLM call: reserve an estimate, adjust to the real token count");
    try (Lease lease =
        limiter.acquire("api-key-2", "llm-api", Map.of("rps", 1L, "tpm", 500L), API_KEY_LIMITS)) {
      lease.adjust(Map.of("tpm", 11_500L - 500L));
      out.printf(
          "  estimated 500 tokens, the call used 11,500: lease consumed %s%n", lease.consumed());
    }
    out.printf(
        "  available now: %s (negative = debt, paid back by the refill)%n",
        limiter.available("api-key-2", "llm-api", API_KEY_LIMITS));
    try {
      limiter.acquire("api-key-2", "llm-api", Map.of("rps", 1L, "tpm", 100L), API_KEY_LIMITS);
    } catch (RateLimitExceededException e) {
      out.printf("  next call rejected: %s%n", e.violations().get(0));
    }
    try {
      limiter.withLease(
          "api-key-3",
          "llm-api",
          Map.of("rps", 1L, "tpm", 2_000L),
          API_KEY_LIMITS,
          lease -> {
            throw new IllegalStateException("upstream model timed out");
          });
    } catch (IllegalStateException e) {
      out.printf(
          "  withLease body failed (%s): tokens rolled back, available %s%n",
          e.getMessage(), limiter.available("api-key-3", "llm-api", API_KEY_LIMITS));
    }
  }

  private void costPerAcquire(RateLimiter limiter, ConsumedCapacityRecorder recorder) {
    section("3. Cost: 100 admitted acquires with two limits each");
    Limit generous = Limit.perSecond("rps", 1_000);
    Limit tokens = Limit.perMinute("tpm", 1_000_000);
    limiter.acquire(
        "api-key-4", "llm-api", Map.of("rps", 1L, "tpm", 10L), List.of(generous, tokens));
    recorder.reset();
    for (int i = 0; i < 100; i++) {
      limiter.acquire(
          "api-key-4", "llm-api", Map.of("rps", 1L, "tpm", 10L), List.of(generous, tokens));
    }
    out.printf(
        "  DynamoDB calls: %d, write units: %.0f, read units: %.0f%n",
        recorder.totalCalls(), recorder.writeUnits(), recorder.readUnits());
  }

  /**
   * One instance acquiring on a hot key with local reservation: most acquires are admitted from
   * tokens its writes reserved, without a call, and the bound holds all the same.
   */
  private void hotKey(DynamoDbClient client, ConsumedCapacityRecorder recorder)
      throws InterruptedException {
    section(
        "3b. Hot key with local reservation (window 1 s): 1000 acquires, one a millisecond, limit"
            + " 2000/s");
    List<Limit> limits = List.of(Limit.perSecond("rps", 2_000));
    RateLimiter limiter =
        RateLimiter.builder()
            .client(client)
            .tableName(table)
            .localReservation(Duration.ofSeconds(1))
            .build();
    recorder.reset();
    for (int i = 0; i < 1_000; i++) {
      limiter.acquire("api-key-5", "llm-api", Map.of("rps", 1L), limits).close();
      Thread.sleep(0, 900_000);
    }
    ReservationStats stats = limiter.reservationStats();
    out.printf(
        "  admitted 1000: %d locally, %d by writes (%d reserving); DynamoDB calls: %d, write units:"
            + " %.0f (%.3f per acquire)%n",
        stats.localAdmissions(),
        stats.reservationWrites() + stats.plainWrites() - stats.refusedReservations(),
        stats.reservationWrites(),
        recorder.totalCalls(),
        recorder.writeUnits(),
        recorder.writeUnits() / 1_000);
  }

  private void outage(DynamoDbClient client) {
    section("4. DynamoDB unreachable: BLOCK fails closed, ALLOW fails open (each logs once)");
    AvailabilityListener printer =
        new AvailabilityListener() {
          @Override
          public void onOutage(String tableName, OnUnavailable policy, Throwable cause) {
            out.printf(
                "  [%s listener] outage of %s: %s%n",
                policy, tableName, cause.getClass().getSimpleName());
          }

          @Override
          public void onRecovery(String tableName, Duration duration, long failedCalls) {
            out.printf(
                "  [listener] %s recovered after %d ms, %d calls failed%n",
                tableName, duration.toMillis(), failedCalls);
          }
        };
    RateLimiter closed =
        RateLimiter.builder()
            .client(client)
            .tableName(table)
            .onUnavailable(OnUnavailable.BLOCK)
            .availabilityListener(printer)
            .build();
    RateLimiter open =
        RateLimiter.builder()
            .client(client)
            .tableName(table)
            .onUnavailable(OnUnavailable.ALLOW)
            .availabilityListener(printer)
            .build();
    server.stop();
    for (int i = 0; i < 2; i++) {
      try {
        closed.acquire("api-key-5", "llm-api", Map.of("rps", 1L), API_KEY_LIMITS);
      } catch (RateLimiterUnavailableException e) {
        out.println("  BLOCK: " + e.getClass().getSimpleName());
      }
      Lease lease = open.acquire("api-key-5", "llm-api", Map.of("rps", 1L), API_KEY_LIMITS);
      out.println("  ALLOW: admitted, lease enforced=" + lease.enforced());
    }
    server.restart();
    client.createTable(LimiterTableSchema.createTableRequest(table, BillingSettings.onDemand()));
    long start = System.nanoTime();
    awaitEnforced(() -> closed.acquire("api-key-5", "llm-api", Map.of("rps", 1L), API_KEY_LIMITS));
    awaitEnforced(() -> open.acquire("api-key-5", "llm-api", Map.of("rps", 1L), API_KEY_LIMITS));
    out.printf(
        "  back: both limiters enforce again after %d ms (their probes noticed the recreated"
            + " table)%n",
        (System.nanoTime() - start) / 1_000_000);
  }

  /**
   * Until an acquire is enforced: during an outage limiters decide without DynamoDB until a probe
   * succeeds.
   */
  private static void awaitEnforced(Supplier<Lease> acquire) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!enforced(acquire)) {
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException(
            "the limiter did not notice the table's recovery within 10 s");
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  private static boolean enforced(Supplier<Lease> acquire) {
    try {
      return acquire.get().enforced();
    } catch (RateLimiterUnavailableException e) {
      return false;
    }
  }

  private void section(String title) {
    out.printf("%n%s%n", title);
  }
}
