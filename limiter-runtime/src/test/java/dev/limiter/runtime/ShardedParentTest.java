package dev.limiter.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.limiter.testkit.DynamoDbLocal;
import dev.limiter.testkit.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A high-fanout parent split over shards, on DynamoDB Local: the aggregate never exceeds the
 * parent's limit, under concurrency and while the shard count changes. The clock stands still, so
 * no token refills and the bound is exactly the parent's capacity.
 */
class ShardedParentTest {

  private static final int CAPACITY = 40;
  private static final List<Limit> PROJECT =
      List.of(Limit.of("rpm", CAPACITY, CAPACITY, Duration.ofHours(1)));
  private static final List<Limit> KEY = List.of(Limit.perSecond("rpm", 1_000));
  private static final int CHILDREN = 32;

  private final ManualClock clock = ManualClock.at("2026-11-24T10:00:00Z");
  private DynamoDbClient client;
  private String table;
  private RateLimiter admin;

  @BeforeEach
  void setUp() {
    client = DynamoDbLocal.shared().client();
    table = LimiterTables.create(client);
    admin = limiter();
    admin.entities().createEntity("project-1", null, false, 4);
    for (int i = 0; i < CHILDREN; i++) {
      admin.entities().createEntity("key-" + i, "project-1", true);
    }
    admin.limits().set(new LimitScope.Entity("project-1"), PROJECT);
  }

  @AfterEach
  void tearDown() {
    client.close();
  }

  @Test
  void setShardsKeepsTheItemsOwner() {
    client.putItem(
        b ->
            b.tableName(table)
                .item(LimiterItems.entity(new Entity("owned", null, false, 2), "team-a/tenants")));
    admin.entities().setShards("owned", 4);
    Map<String, AttributeValue> item =
        client
            .getItem(
                b ->
                    b.tableName(table)
                        .key(LimiterTableSchema.entityKey("owned"))
                        .consistentRead(true))
            .item();
    assertThat(item.get(LimiterTableSchema.OWNER_ATTRIBUTE))
        .isEqualTo(AttributeValue.fromS("team-a/tenants"));
    assertThat(item.get(LimiterTableSchema.SHARDS_ATTRIBUTE)).isEqualTo(AttributeValue.fromN("4"));
    assertThat(admin.entities().getEntity("owned")).contains(new Entity("owned", null, false, 4));
  }

  @Test
  void availableAndTimeUntilAvailableAggregateEveryShard() {
    RateLimiter limiter = limiter();
    assertThat(limiter.available("project-1", "llm", PROJECT))
        .containsExactly(Map.entry("rpm", (long) CAPACITY));
    // 4 shards of 10 tokens each; take 25 tokens in 5-token acquires spread over the shards.
    for (int i = 0; i < 5; i++) {
      limiter.acquire("project-1", "llm", Map.of("rpm", 5L), PROJECT).close();
    }
    assertThat(limiter.available("project-1", "llm", PROJECT))
        .containsExactly(Map.entry("rpm", (long) CAPACITY - 25));
    assertThat(limiter.timeUntilAvailable("project-1", "llm", Map.of("rpm", 5L), PROJECT))
        .as("some shard still holds 5")
        .isZero();
    int taken = 25;
    for (int i = 0; i < 1_000 && taken < CAPACITY; i++) {
      try {
        limiter.acquire("project-1", "llm", Map.of("rpm", 1L), PROJECT).close();
        taken++;
      } catch (RateLimitExceededException e) {
        // the shards tried were empty; others are not yet
      }
    }
    assertThat(taken).isEqualTo(CAPACITY);
    assertThat(limiter.available("project-1", "llm", PROJECT))
        .containsExactly(Map.entry("rpm", 0L));
    // Each shard refills 10 tokens an hour: 5 tokens take 30 minutes on any of them.
    assertThat(limiter.timeUntilAvailable("project-1", "llm", Map.of("rpm", 5L), PROJECT))
        .isEqualTo(Duration.ofMinutes(30));
    assertThatThrownBy(
            () -> limiter.timeUntilAvailable("project-1", "llm", Map.of("rpm", 11L), PROJECT))
        .as("more than one shard's share can never be acquired")
        .isInstanceOf(RequestExceedsCapacityException.class);
  }

  private RateLimiter limiter() {
    return RateLimiter.builder().client(client).tableName(table).clock(clock).build();
  }

  @Test
  void sixteenThreadsNeverTakeMoreThanTheParentsLimitAcrossItsShards() throws Exception {
    RateLimiter limiter = limiter();
    AtomicInteger admitted = runLoad(List.of(limiter), 16, 30);
    assertThat(admitted.get()).isLessThanOrEqualTo(CAPACITY);
    // With three shards tried per acquire, the last tokens of the fourth can be missed, never
    // overdrawn.
    assertThat(admitted.get()).isGreaterThanOrEqualTo(CAPACITY - 4);
    assertThat(shardPartitionsWritten())
        .as("writes spread over the shards")
        .hasSizeGreaterThanOrEqualTo(3);
  }

  @Test
  void aParentsShardShareRefusesNamingTheParent() {
    RateLimiter limiter = limiter();
    for (int i = 0; i < CAPACITY; i++) {
      try {
        limiter.acquire("key-" + (i % CHILDREN), "llm-api", Map.of("rpm", 1L), KEY).close();
      } catch (RateLimitExceededException e) {
        break;
      }
    }
    for (int i = 0; i < 20; i++) {
      try {
        limiter.acquire("key-0", "llm-api", Map.of("rpm", 1L), KEY).close();
      } catch (RateLimitExceededException e) {
        assertThat(e.violations()).extracting(Violation::entityId).containsOnly("project-1");
      }
    }
    assertThatThrownBy(() -> limiter.acquire("key-1", "llm-api", Map.of("rpm", 1L), KEY))
        .isInstanceOf(RateLimitExceededException.class);
    assertThat(limiter.available("key-1", "llm-api", KEY).get("rpm"))
        .as("refunded child")
        .isGreaterThan(990L);
  }

  @Test
  void changingTheShardCountMidLoadKeepsTheAggregateWithinTheLimit() throws Exception {
    RateLimiter stale = limiter();
    stale.acquire("key-0", "llm-api", Map.of("rpm", 1L), KEY).close(); // caches four shards

    admin.entities().setShards("project-1", 8);
    assertThatThrownBy(() -> admin.entities().setShards("project-1", 2))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("still changing from 4 to 8");
    RateLimiter fresh = limiter();
    AtomicInteger admitted = runLoad(List.of(stale, fresh), 16, 30);
    assertThat(admitted.get() + 1)
        .as("old and transitional views together")
        .isLessThanOrEqualTo(CAPACITY);

    clock.advance(ShardLayout.TRANSITION);
    RateLimiter settled = limiter();
    for (int i = 0; i < 50; i++) {
      try {
        settled.acquire("key-" + (i % CHILDREN), "llm-api", Map.of("rpm", 1L), KEY).close();
      } catch (RateLimitExceededException e) {
        // shards 0-3 are spent; the new ones admit their share
      }
    }
    assertThat(shardPartitionsWritten())
        .as("shards 4-7 in use after the transition")
        .anySatisfy(partition -> assertThat(partition).matches("E#project-1#[4-7]"));
    assertThat(admin.entities().getEntity("project-1").orElseThrow().shards()).isEqualTo(8);
  }

  @Test
  void deletingAShardedEntityRemovesEveryShard() {
    admin.entities().createEntity("tenant", null, false, 3);
    admin.limits().set(new LimitScope.Entity("tenant"), List.of(Limit.perMinute("rpm", 30)));
    RateLimiter limiter = limiter();
    for (int i = 0; i < 12; i++) {
      limiter.acquire("tenant", "llm-api", Map.of("rpm", 1L)).close();
    }
    admin.entities().deleteEntity("tenant");
    assertThat(client.scan(b -> b.tableName(table)).items())
        .noneSatisfy(item -> assertThat(item.get("pk").s()).startsWith("E#tenant"));
  }

  @Test
  void deletingAnEntityRemovesTheBucketsOfEveryShardCountItEverHad() {
    admin.entities().createEntity("tenant", null, false, 8);
    admin.limits().set(new LimitScope.Entity("tenant"), List.of(Limit.perMinute("rpm", 800)));
    RateLimiter limiter = limiter();
    for (int i = 0; i < 200; i++) {
      limiter.acquire("tenant", "llm-api", Map.of("rpm", 1L)).close();
    }
    assertThat(bucketPartitions("tenant")).as("buckets on all 8 shards").hasSize(8);
    admin.entities().setShards("tenant", 4);
    clock.advance(ShardLayout.TRANSITION);
    admin.entities().setShards("tenant", 2);

    admin.entities().deleteEntity("tenant");

    assertThat(client.scan(b -> b.tableName(table)).items())
        .extracting(item -> item.get("pk").s())
        .filteredOn(pk -> pk.startsWith("E#tenant"))
        .as("items left of the deleted entity")
        .isEmpty();
  }

  private List<String> bucketPartitions(String entity) {
    return client.scan(b -> b.tableName(table)).items().stream()
        .filter(
            item ->
                item.get("pk").s().startsWith("E#" + entity) && item.get("sk").s().startsWith("B#"))
        .map(item -> item.get("pk").s())
        .distinct()
        .toList();
  }

  private AtomicInteger runLoad(List<RateLimiter> limiters, int threads, int acquiresPerThread)
      throws Exception {
    AtomicInteger admitted = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Callable<Void>> tasks = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        RateLimiter limiter = limiters.get(t % limiters.size());
        int thread = t;
        tasks.add(
            () -> {
              for (int i = 0; i < acquiresPerThread; i++) {
                try {
                  limiter
                      .acquire(
                          "key-" + ((thread * acquiresPerThread + i) % CHILDREN),
                          "llm-api",
                          Map.of("rpm", 1L),
                          KEY)
                      .close();
                  admitted.incrementAndGet();
                } catch (RateLimitExceededException e) {
                  // refused by the parent's shards
                }
              }
              return null;
            });
      }
      for (Future<Void> result : pool.invokeAll(tasks)) {
        result.get();
      }
    } finally {
      pool.shutdownNow();
    }
    return admitted;
  }

  private List<String> shardPartitionsWritten() {
    return client.scan(b -> b.tableName(table)).items().stream()
        .map(item -> item.get("pk"))
        .map(AttributeValue::s)
        .filter(pk -> pk.startsWith("E#project-1"))
        .filter(
            pk ->
                client
                    .getItem(
                        g ->
                            g.tableName(table)
                                .key(
                                    Map.of(
                                        "pk",
                                        AttributeValue.fromS(pk),
                                        "sk",
                                        AttributeValue.fromS("B#llm-api"))))
                    .hasItem())
        .distinct()
        .toList();
  }
}
