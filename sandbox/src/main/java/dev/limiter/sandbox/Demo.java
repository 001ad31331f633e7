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
import dev.limiter.testkit.ConsumedCapacityRecorder;
import dev.limiter.testkit.DynamoDbLocal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The limiter on embedded defaults: DynamoDB Local in this JVM, one limiter table, and a tour of
 * admitted and rejected acquires, leases, cost per acquire and fail-open/fail-closed behaviour.
 */
public final class Demo {

  private static final String TABLE = "demo-limits";
  private static final List<Limit> API_KEY_LIMITS = List.of(
      Limit.perSecond("rps", 2).withBurst(5),
      Limit.perMinute("tpm", 10_000));

  private Demo() {}

  /** Runs the tour and exits. */
  public static void main(String[] args) throws InterruptedException {
    try (DynamoDbLocal server = DynamoDbLocal.start()) {
      ConsumedCapacityRecorder recorder = new ConsumedCapacityRecorder();
      try (DynamoDbClient client = server.client(recorder)) {
        client.createTable(LimiterTableSchema.createTableRequest(TABLE, BillingSettings.onDemand()));
        System.out.printf("DynamoDB Local on %s, table %s created from LimiterTableSchema%n%n", server.endpoint(), TABLE);
        RateLimiter limiter = RateLimiter.builder().client(client).tableName(TABLE).build();
        burstThenReject(limiter);
        llmTokens(limiter);
        costPerAcquire(limiter, recorder);
        outage(server, client);
      }
    }
  }

  private static void burstThenReject(RateLimiter limiter) throws InterruptedException {
    section("1. Burst of 7 requests against rps=2/s with burst 5");
    for (int i = 1; i <= 7; i++) {
      try {
        limiter.acquire("api-key-1", "llm-api", Map.of("rps", 1L), API_KEY_LIMITS);
        System.out.printf("  request %d: admitted%n", i);
      } catch (RateLimitExceededException e) {
        System.out.printf("  request %d: rejected, retry after %d ms, headers %s%n",
            i, e.retryAfter().toMillis(), e.httpHeaders());
      }
    }
    Duration wait = limiter.timeUntilAvailable("api-key-1", "llm-api", Map.of("rps", 1L), API_KEY_LIMITS);
    System.out.printf("  waiting %d ms (timeUntilAvailable) ...%n", wait.toMillis());
    Thread.sleep(wait.toMillis() + 1);
    limiter.acquire("api-key-1", "llm-api", Map.of("rps", 1L), API_KEY_LIMITS);
    System.out.println("  request 8: admitted after the refill");
  }

  private static void llmTokens(RateLimiter limiter) {
    section("2. LLM call: reserve an estimate, adjust to the real token count");
    try (Lease lease = limiter.acquire("api-key-2", "llm-api", Map.of("rps", 1L, "tpm", 500L), API_KEY_LIMITS)) {
      lease.adjust(Map.of("tpm", 11_500L - 500L));
      System.out.printf("  estimated 500 tokens, the call used 11,500: lease consumed %s%n", lease.consumed());
    }
    System.out.printf("  available now: %s (negative = debt, paid back by the refill)%n",
        limiter.available("api-key-2", "llm-api", API_KEY_LIMITS));
    try {
      limiter.acquire("api-key-2", "llm-api", Map.of("rps", 1L, "tpm", 100L), API_KEY_LIMITS);
    } catch (RateLimitExceededException e) {
      System.out.printf("  next call rejected: %s%n", e.violations().get(0));
    }
    try {
      limiter.withLease("api-key-3", "llm-api", Map.of("rps", 1L, "tpm", 2_000L), API_KEY_LIMITS, lease -> {
        throw new IllegalStateException("upstream model timed out");
      });
    } catch (IllegalStateException e) {
      System.out.printf("  withLease body failed (%s): tokens rolled back, available %s%n",
          e.getMessage(), limiter.available("api-key-3", "llm-api", API_KEY_LIMITS));
    }
  }

  private static void costPerAcquire(RateLimiter limiter, ConsumedCapacityRecorder recorder) {
    section("3. Cost: 100 admitted acquires with two limits each");
    Limit generous = Limit.perSecond("rps", 1_000);
    Limit tokens = Limit.perMinute("tpm", 1_000_000);
    limiter.acquire("api-key-4", "llm-api", Map.of("rps", 1L, "tpm", 10L), List.of(generous, tokens));
    recorder.reset();
    for (int i = 0; i < 100; i++) {
      limiter.acquire("api-key-4", "llm-api", Map.of("rps", 1L, "tpm", 10L), List.of(generous, tokens));
    }
    System.out.printf("  DynamoDB calls: %d, write units: %.0f, read units: %.0f%n",
        recorder.totalCalls(), recorder.writeUnits(), recorder.readUnits());
  }

  private static void outage(DynamoDbLocal server, DynamoDbClient client) {
    section("4. DynamoDB unreachable: BLOCK fails closed, ALLOW fails open (each logs once)");
    AvailabilityListener printer = new AvailabilityListener() {
      @Override
      public void onOutage(String tableName, OnUnavailable policy, Throwable cause) {
        System.out.printf("  [%s listener] outage of %s: %s%n", policy, tableName, cause.getClass().getSimpleName());
      }

      @Override
      public void onRecovery(String tableName, Duration duration, long failedCalls) {
        System.out.printf("  [listener] %s recovered after %d ms, %d calls failed%n", tableName, duration.toMillis(), failedCalls);
      }
    };
    RateLimiter closed = RateLimiter.builder().client(client).tableName(TABLE)
        .onUnavailable(OnUnavailable.BLOCK).availabilityListener(printer).build();
    RateLimiter open = RateLimiter.builder().client(client).tableName(TABLE)
        .onUnavailable(OnUnavailable.ALLOW).availabilityListener(printer).build();
    server.stop();
    for (int i = 0; i < 2; i++) {
      try {
        closed.acquire("api-key-5", "llm-api", Map.of("rps", 1L), API_KEY_LIMITS);
      } catch (RateLimiterUnavailableException e) {
        System.out.println("  BLOCK: " + e.getClass().getSimpleName());
      }
      Lease lease = open.acquire("api-key-5", "llm-api", Map.of("rps", 1L), API_KEY_LIMITS);
      System.out.println("  ALLOW: admitted, lease enforced=" + lease.enforced());
    }
    server.restart();
    client.createTable(LimiterTableSchema.createTableRequest(TABLE, BillingSettings.onDemand()));
    closed.acquire("api-key-5", "llm-api", Map.of("rps", 1L), API_KEY_LIMITS);
    open.acquire("api-key-5", "llm-api", Map.of("rps", 1L), API_KEY_LIMITS);
    System.out.println("  back: both limiters enforce again (the in-memory table was recreated)");
  }

  private static void section(String title) {
    System.out.printf("%n%s%n", title);
  }
}
