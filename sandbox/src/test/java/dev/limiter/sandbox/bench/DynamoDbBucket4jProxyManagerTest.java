package dev.limiter.sandbox.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limiter.testkit.ConsumedCapacityRecorder;
import dev.limiter.testkit.DynamoDbLocal;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.proxy.ClientSideConfig;
import io.github.bucket4j.distributed.proxy.generic.compare_and_swap.CompareAndSwapOperation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

class DynamoDbBucket4jProxyManagerTest {

  private static final AtomicInteger TABLES = new AtomicInteger();
  // Refill is far slower than any test run, so every admission comes out of the initial capacity.
  private static final BucketConfiguration TEN_PER_MINUTE = bucket(10, 1, Duration.ofMinutes(1));
  private static final BucketConfiguration FIFTY_PER_HOUR = bucket(50, 1, Duration.ofHours(1));

  private final DynamoDbLocal local = DynamoDbLocal.shared();

  @Test
  void admitsExactlyTheCapacity() {
    DynamoDbClient client = local.client();
    DynamoDbBucket4jProxyManager manager = manager(client, newTable(client));
    Bucket bucket = manager.builder().build("user-1", TEN_PER_MINUTE);

    int admitted = 0;
    for (int i = 0; i < 20; i++) {
      admitted += bucket.tryConsume(1) ? 1 : 0;
    }

    assertThat(admitted).isEqualTo(10);
  }

  @Test
  void managersSharingTheTableShareTheBucket() {
    DynamoDbClient clientA = local.client();
    DynamoDbClient clientB = local.client();
    String table = newTable(clientA);
    List<Bucket> views =
        List.of(
            manager(clientA, table).builder().build("user-1", TEN_PER_MINUTE),
            manager(clientB, table).builder().build("user-1", TEN_PER_MINUTE));

    int admitted = 0;
    for (int i = 0; i < 20; i++) {
      admitted += views.get(i % 2).tryConsume(1) ? 1 : 0;
    }

    assertThat(admitted).isEqualTo(10);
  }

  @Test
  void keysHaveSeparateBuckets() {
    DynamoDbClient client = local.client();
    DynamoDbBucket4jProxyManager manager = manager(client, newTable(client));
    Bucket first = manager.builder().build("user-1", TEN_PER_MINUTE);
    Bucket second = manager.builder().build("user-2", TEN_PER_MINUTE);

    assertThat(first.tryConsume(10)).isTrue();

    assertThat(first.tryConsume(1)).isFalse();
    assertThat(second.tryConsume(10)).isTrue();
  }

  @Test
  void compareAndSwapFailsOnStaleOrMissingOriginal() {
    DynamoDbClient client = local.client();
    String table = newTable(client);
    // Two operations on one key, as two clients would hold between their read and their write.
    CompareAndSwapOperation first = manager(client, table).beginCompareAndSwapOperation("user-1");
    CompareAndSwapOperation second = manager(client, table).beginCompareAndSwapOperation("user-1");
    Optional<Long> noTimeout = Optional.empty();
    byte[] a = {1, 2};
    byte[] b = {3, 4};
    byte[] c = {5, 6};

    assertThat(first.getStateData(noTimeout)).isEmpty();
    // The manager stores the bytes as given; the decoded state is not used.
    assertThat(first.compareAndSwap(null, a, null, noTimeout)).isTrue();
    assertThat(second.compareAndSwap(null, b, null, noTimeout))
        .as("create over an existing bucket")
        .isFalse();
    assertThat(first.compareAndSwap(a, c, null, noTimeout)).isTrue();
    assertThat(second.compareAndSwap(a, b, null, noTimeout))
        .as("swap from a stale original")
        .isFalse();

    assertThat(second.getStateData(noTimeout))
        .hasValueSatisfying(state -> assertThat(state).containsExactly(c));
  }

  @Test
  void racingManagersNeverAdmitMoreThanTheCapacity() throws Exception {
    ConsumedCapacityRecorder recorderA = new ConsumedCapacityRecorder();
    ConsumedCapacityRecorder recorderB = new ConsumedCapacityRecorder();
    DynamoDbClient clientA = local.client(recorderA);
    DynamoDbClient clientB = local.client(recorderB);
    String table = newTable(clientA);
    List<DynamoDbBucket4jProxyManager> managers =
        List.of(manager(clientA, table), manager(clientB, table));
    int threads = 8;
    int attemptsPerThread = 20;

    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Integer>> workers = new ArrayList<>();
    try {
      for (int t = 0; t < threads; t++) {
        Bucket bucket = managers.get(t % 2).builder().build("hot", FIFTY_PER_HOUR);
        workers.add(
            pool.submit(
                () -> {
                  go.await();
                  int admitted = 0;
                  for (int i = 0; i < attemptsPerThread; i++) {
                    admitted += bucket.tryConsume(1) ? 1 : 0;
                  }
                  return admitted;
                }));
      }
      go.countDown();
      int admitted = 0;
      for (Future<Integer> worker : workers) {
        admitted += worker.get();
      }

      // 160 attempts on 50 tokens: every token is taken once, none twice.
      assertThat(admitted).isEqualTo(50);
      assertThat(recorderA.failedConditionalWrites() + recorderB.failedConditionalWrites())
          .as("writes lost to a concurrent writer and retried")
          .isPositive();
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void removedBucketStartsOverFull() {
    DynamoDbClient client = local.client();
    DynamoDbBucket4jProxyManager manager = manager(client, newTable(client));
    Bucket bucket = manager.builder().build("user-1", TEN_PER_MINUTE);
    assertThat(bucket.tryConsume(10)).isTrue();
    assertThat(bucket.tryConsume(1)).isFalse();

    manager.removeProxy("user-1");

    assertThat(manager.getProxyConfiguration("user-1")).isEmpty();
    assertThat(bucket.tryConsume(10)).isTrue();
  }

  private static DynamoDbBucket4jProxyManager manager(DynamoDbClient client, String table) {
    return new DynamoDbBucket4jProxyManager(client, table, ClientSideConfig.getDefault());
  }

  private static String newTable(DynamoDbClient client) {
    String name = "bucket4j-" + ProcessHandle.current().pid() + "-" + TABLES.incrementAndGet();
    DynamoDbBucket4jProxyManager.createTable(client, name);
    return name;
  }

  private static BucketConfiguration bucket(long capacity, long refill, Duration period) {
    return BucketConfiguration.builder()
        .addLimit(Bandwidth.builder().capacity(capacity).refillGreedy(refill, period).build())
        .build();
  }
}
