package dev.limiter.sandbox.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.limiter.testkit.DynamoDbLocal;
import io.github.bucket4j.distributed.proxy.optimization.DelayParameters;
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

/** The peers the hot-key benchmark's 10× target is read against. */
class HotEnginesTest {

  private static final AtomicInteger TABLES = new AtomicInteger();
  private static final BucketSpec LIMIT = new BucketSpec(500, 500, Duration.ofSeconds(1));

  @Test
  void theTargetIsReadAgainstAnEqualOverAdmissionBoundAndAnEqualErrorSize() {
    HotEngines engines = new HotEngines(Duration.ofSeconds(1), 0.1, LIMIT, Optional.empty());

    assertThat(engines.peers(HotEngines.PREDICTING))
        .containsExactly(
            new HotReport.Peer(HotEngines.BATCHING, "equal over-admission bound, 0 tokens"),
            new HotReport.Peer(
                HotEngines.PREDICTING, "equal error size, 50 unsynchronized tokens"));
  }

  @Test
  void bucket4jHasNoDelayingOrPredictingSettingWithoutUnsynchronizedTokens() {
    assertThatThrownBy(() -> new DelayParameters(0, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void batchingAloneNeverAdmitsBeyondTheCapacity() throws Exception {
    DynamoDbLocal local = DynamoDbLocal.shared();
    HotEngine.Kind batching =
        new HotEngines(Duration.ofSeconds(1), 0.1, LIMIT, Optional.of(List.of(HotEngines.BATCHING)))
            .all()
            .get(0);
    // Refilled far slower than the test runs: every admission comes out of the 20 tokens.
    BucketSpec twenty = new BucketSpec(20, 1, Duration.ofHours(1));
    DynamoDbClient admin = local.client();
    String table = "b4j-batch-" + TABLES.incrementAndGet();
    batching.createTable(admin, table);
    List<DynamoDbClient> clients = new ArrayList<>();
    List<HotEngine> instances = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      DynamoDbClient client = local.client();
      clients.add(client);
      instances.add(batching.open(client, table, twenty));
    }
    ExecutorService threads = Executors.newFixedThreadPool(8);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Integer>> workers = new ArrayList<>();
    try {
      // Two threads per instance, so that its proxy batches concurrent requests.
      for (int t = 0; t < 8; t++) {
        HotEngine instance = instances.get(t % instances.size());
        workers.add(
            threads.submit(
                () -> {
                  go.await();
                  int admitted = 0;
                  for (int i = 0; i < 10; i++) {
                    admitted += instance.tryAcquire("hot").admitted() ? 1 : 0;
                  }
                  return admitted;
                }));
      }
      go.countDown();
      int admitted = 0;
      for (Future<Integer> worker : workers) {
        admitted += worker.get();
      }

      assertThat(admitted).as("80 attempts on 20 tokens").isEqualTo(20);
    } finally {
      threads.shutdownNow();
      instances.forEach(HotEngine::close);
      clients.forEach(DynamoDbClient::close);
      admin.close();
    }
  }
}
