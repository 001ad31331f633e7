package dev.limiter.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limiter.testkit.DynamoDbLocal;
import dev.limiter.testkit.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;

/**
 * A missing bucket is a full bucket, so every bucket write sets the item's TTL to a time at which
 * all its limits are certainly full again; DynamoDB deleting the item then changes no decision.
 * DynamoDB Local does not run TTL deletion itself: the tests delete expired items as it would.
 */
class BucketExpiryTest {

  private static final long SECOND = 1_000_000_000L;
  private static final long MARGIN_SECONDS = RateLimiter.DEFAULT_BUCKET_TTL_MARGIN.toSeconds();

  private final ManualClock clock = ManualClock.at("2026-12-01T10:00:00Z");
  private DynamoDbClient client;
  private DynamoDbClient inspection;

  @BeforeEach
  void setUp() {
    client = DynamoDbLocal.shared().client();
    inspection = DynamoDbLocal.shared().inspectionClient();
  }

  @AfterEach
  void tearDown() {
    client.close();
    inspection.close();
  }

  private RateLimiter limiter(String table) {
    return RateLimiter.builder().client(client).tableName(table).clock(clock).build();
  }

  private Map<String, AttributeValue> item(String table, String key, String resource) {
    return inspection
        .getItem(
            b ->
                b.tableName(table)
                    .key(LimiterTableSchema.bucketKey(key, resource))
                    .consistentRead(true))
        .item();
  }

  private static long ttl(Map<String, AttributeValue> item) {
    return Long.parseLong(item.get(LimiterTableSchema.TTL_ATTRIBUTE).n());
  }

  private static long tat(Map<String, AttributeValue> item, String limit) {
    return Long.parseLong(item.get(LimiterTableSchema.tatAttribute(limit)).n());
  }

  private long nowSeconds() {
    return clock.instant().getEpochSecond();
  }

  @Test
  void everyWriteSetsAnExpiryAfterTheBucketIsFullAgainAndNeverLowersIt() {
    String table = LimiterTables.create(inspection);
    RateLimiter limiter = limiter(table);
    List<Limit> perSecond = List.of(Limit.perSecond("rps", 10));
    Lease lease = limiter.acquire("key", "api", Map.of("rps", 4L), perSecond);
    Map<String, AttributeValue> acquired = item(table, "key", "api");
    // Full again at tat; the expiry adds the margin, and stays within the debt bound and a minute's
    // rounding of it.
    long debtSeconds = RateLimiter.DEFAULT_DEBT_PERIODS;
    assertThat(ttl(acquired) * SECOND)
        .isGreaterThanOrEqualTo(tat(acquired, "rps") + MARGIN_SECONDS * SECOND);
    assertThat(ttl(acquired))
        .isLessThanOrEqualTo(nowSeconds() + 1 + debtSeconds + MARGIN_SECONDS + 60);

    lease.adjust(Map.of("rps", 1_000L));
    lease.close();
    Map<String, AttributeValue> charged = item(table, "key", "api");
    assertThat(ttl(charged) * SECOND)
        .isGreaterThanOrEqualTo(tat(charged, "rps") + MARGIN_SECONDS * SECOND);

    Lease refunded = limiter.acquire("key2", "api", Map.of("rps", 5L), perSecond);
    refunded.rollback();
    assertThat(item(table, "key2", "api")).containsKey(LimiterTableSchema.TTL_ATTRIBUTE);

    // A per-day limit in the same item keeps it for a day, whatever a later per-second write
    // computes.
    limiter.acquire("mixed", "api", Map.of("rpd", 10L), List.of(Limit.perDay("rpd", 10)));
    long dayExpiry = ttl(item(table, "mixed", "api"));
    assertThat(dayExpiry).isGreaterThanOrEqualTo(nowSeconds() + Duration.ofDays(1).toSeconds());
    clock.advance(Duration.ofSeconds(5));
    limiter(table).acquire("mixed", "api", Map.of("rps", 1L), perSecond);
    assertThat(ttl(item(table, "mixed", "api"))).isEqualTo(dayExpiry);
  }

  @Test
  void deletingExpiredItemsChangesNoDecision() {
    String kept = LimiterTables.create(inspection);
    String swept = LimiterTables.create(inspection);
    RateLimiter keeping = limiter(kept);
    RateLimiter sweeping = limiter(swept);
    List<Limit> limits = List.of(Limit.perSecond("rps", 5), Limit.perMinute("rpm", 20));
    Random random = new Random(12);
    long deleted = 0;
    int refusals = 0;
    for (int step = 0; step < 400; step++) {
      String key = "key-" + random.nextInt(12);
      long tokens = 1 + random.nextInt(5);
      int action = random.nextInt(4);
      Map<String, Long> consume = Map.of("rps", tokens, "rpm", tokens);
      Outcome a = run(keeping, key, consume, limits, action);
      Outcome b = run(sweeping, key, consume, limits, action);
      assertThat(b).as("step %d on %s", step, key).isEqualTo(a);
      refusals += a.admitted() ? 0 : 1;
      clock.advance(Duration.ofMillis(random.nextInt(5) == 0 ? 150_000 : random.nextInt(700)));
      deleted += sweep(swept, nowSeconds());
    }
    System.out.printf(
        "expiry: %d items deleted by TTL, %d refusals, decisions identical%n", deleted, refusals);
    assertThat(deleted).as("items the TTL deleted").isGreaterThan(10);
    assertThat(refusals)
        .as("the limits must bind for the comparison to mean anything")
        .isGreaterThan(10);
  }

  /**
   * One step: an acquire, then close, an adjustment or a rollback; what the limiter decided and the
   * bucket after.
   */
  private static Outcome run(
      RateLimiter limiter, String key, Map<String, Long> consume, List<Limit> limits, int action) {
    boolean admitted;
    try {
      Lease lease = limiter.acquire(key, "api", consume, limits);
      admitted = true;
      switch (action) {
        case 0 -> lease.rollback();
        case 1 -> lease.adjust(Map.of("rps", 20L));
        case 2 -> lease.adjust(Map.of("rpm", -consume.get("rpm")));
        default -> {}
      }
      lease.close();
    } catch (RateLimitExceededException e) {
      admitted = false;
    }
    return new Outcome(admitted, limiter.available(key, "api", limits));
  }

  private record Outcome(boolean admitted, Map<String, Long> available) {}

  /**
   * Deletes the bucket items whose TTL has passed, as DynamoDB's TTL may at any time from then on.
   */
  private long sweep(String table, long nowSeconds) {
    long deleted = 0;
    for (Map<String, AttributeValue> item :
        inspection.scanPaginator(ScanRequest.builder().tableName(table).build()).items()) {
      AttributeValue ttl = item.get(LimiterTableSchema.TTL_ATTRIBUTE);
      if (ttl != null && Long.parseLong(ttl.n()) <= nowSeconds) {
        inspection.deleteItem(
            b ->
                b.tableName(table)
                    .key(
                        Map.of(
                            LimiterTableSchema.PARTITION_KEY,
                                item.get(LimiterTableSchema.PARTITION_KEY),
                            LimiterTableSchema.SORT_KEY, item.get(LimiterTableSchema.SORT_KEY))));
        deleted++;
      }
    }
    return deleted;
  }

  /**
   * The measurement: one-shot keys on a per-second limit (100,000 with {@code
   * -Dexpiry.keys=100000}; fewer by default to keep the suite short). Every item's expiry lies
   * after the moment its bucket is full again plus the margin, and at most the debt bound and a
   * minute's rounding later, so no item outlives its key's last use by more than about two minutes.
   */
  @Test
  void oneShotKeysLeaveNoItemAlivePastItsExpiry() throws Exception {
    int keys = Integer.getInteger("expiry.keys", 2_000);
    String table = LimiterTables.create(inspection);
    DynamoDbAsyncClient async = DynamoDbLocal.shared().asyncClient();
    RateLimiter limiter =
        RateLimiter.builder().asyncClient(async).tableName(table).clock(clock).build();
    List<Limit> limits = List.of(Limit.perSecond("rps", 10));
    Instant start = clock.instant();
    Semaphore inFlight = new Semaphore(32);
    List<CompletableFuture<Lease>> acquires = new ArrayList<>();
    long began = System.nanoTime();
    for (int i = 0; i < keys; i++) {
      clock.set(start.plusMillis(i));
      inFlight.acquire();
      acquires.add(
          limiter
              .acquireAsync("one-shot-" + i, "api", Map.of("rps", 1L), limits)
              .whenComplete((lease, failure) -> inFlight.release()));
    }
    CompletableFuture.allOf(acquires.toArray(CompletableFuture[]::new)).join();
    long writeMillis = (System.nanoTime() - began) / 1_000_000;

    long bound =
        1
            + RateLimiter.DEFAULT_DEBT_PERIODS
            + MARGIN_SECONDS
            + BucketBounds.EXPIRY_GRANULARITY_SECONDS;
    AtomicLong items = new AtomicLong();
    AtomicLong longestLife = new AtomicLong();
    AtomicLong lastExpiry = new AtomicLong();
    for (Map<String, AttributeValue> item :
        inspection.scanPaginator(ScanRequest.builder().tableName(table).build()).items()) {
      if (!item.get(LimiterTableSchema.PARTITION_KEY).s().startsWith("E#one-shot-")) {
        continue;
      }
      items.incrementAndGet();
      long fullAgain = tat(item, "rps");
      long written = fullAgain - Limit.perSecond("rps", 10).costNanos(1);
      long expiry = ttl(item);
      assertThat(expiry * SECOND).isGreaterThanOrEqualTo(fullAgain + MARGIN_SECONDS * SECOND);
      longestLife.accumulateAndGet(expiry - written / SECOND, Math::max);
      lastExpiry.accumulateAndGet(expiry, Math::max);
    }
    System.out.printf(
        "expiry: %d one-shot keys written in %d ms, %d items, longest life %d s (bound %d s)%n",
        keys, writeMillis, items.get(), longestLife.get(), bound);
    assertThat(items.get()).isEqualTo(keys);
    assertThat(longestLife.get()).isLessThanOrEqualTo(bound);

    // Past the last expiry every item may be gone; a deleted bucket answers as the full bucket it
    // was.
    clock.set(Instant.ofEpochSecond(lastExpiry.get()));
    for (int i = 0; i < keys; i += Math.max(1, keys / 20)) {
      String key = "one-shot-" + i;
      Map<String, Long> before = limiter.available(key, "api", limits);
      inspection.deleteItem(b -> b.tableName(table).key(LimiterTableSchema.bucketKey(key, "api")));
      assertThat(limiter.available(key, "api", limits)).isEqualTo(before).containsEntry("rps", 10L);
    }
    async.close();
  }
}
