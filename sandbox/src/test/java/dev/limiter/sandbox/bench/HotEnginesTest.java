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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** The peers the hot-key benchmark's 10× target is read against. */
class HotEnginesTest {

  private static final AtomicInteger TABLES = new AtomicInteger();
  private static final BucketSpec LIMIT = new BucketSpec(500, 500, Duration.ofSeconds(1));

  @Test
  void theTargetIsReadAgainstAnEqualOverAdmissionBoundAnEqualErrorSizeAndTheClosestBound() {
    HotEngines engines = new HotEngines(Duration.ofSeconds(1), 0.1, LIMIT, 8, Optional.empty());

    assertThat(engines.peers(HotEngines.PREDICTING, HotEngines.DELAYING_1))
        .containsExactly(
            new HotReport.Peer(HotEngines.BATCHING, "equal over-admission bound, 0 tokens"),
            new HotReport.Peer(HotEngines.PREDICTING, "equal error size, 50 unsynchronized tokens"),
            new HotReport.Peer(
                HotEngines.DELAYING_1,
                "closest over-admission bound allowed, 1 token per instance, <= 8 over"));
    assertThat(engines.bucket4jClosest())
        .containsExactly(HotEngines.DELAYING_1, HotEngines.PREDICTING_1);
  }

  @Test
  void theOneTokenSettingsRunOnTheHotKeyOnly() {
    HotEngines engines = new HotEngines(Duration.ofSeconds(1), 0.1, LIMIT, 8, Optional.empty());

    assertThat(engines.on(new HotScenario(1, Duration.ofMillis(3), 2.0)))
        .extracting(HotEngine.Kind::name)
        .containsExactly(
            HotEngines.OURS,
            HotEngines.RESERVING,
            HotEngines.BATCHING,
            HotEngines.DELAYING,
            HotEngines.PREDICTING,
            HotEngines.DELAYING_1,
            HotEngines.PREDICTING_1);
    assertThat(engines.on(new HotScenario(10_000, Duration.ZERO, 0.8)))
        .extracting(HotEngine.Kind::name)
        .containsExactly(
            HotEngines.OURS,
            HotEngines.RESERVING,
            HotEngines.BATCHING,
            HotEngines.DELAYING,
            HotEngines.PREDICTING);
  }

  @Test
  void aSelectionLimitsEveryScenariosEngines() {
    HotEngines engines =
        new HotEngines(
            Duration.ofSeconds(1),
            0.1,
            LIMIT,
            8,
            Optional.of(List.of(HotEngines.RESERVING, HotEngines.PREDICTING_1)));

    assertThat(engines.on(new HotScenario(1, Duration.ZERO, 0.8)))
        .extracting(HotEngine.Kind::name)
        .containsExactly(HotEngines.RESERVING, HotEngines.PREDICTING_1);
    assertThat(engines.on(new HotScenario(10_000, Duration.ZERO, 0.8)))
        .extracting(HotEngine.Kind::name)
        .containsExactly(HotEngines.RESERVING);
  }

  @Test
  void bucket4jHasNoDelayingOrPredictingSettingWithoutUnsynchronizedTokens() {
    assertThatThrownBy(() -> new DelayParameters(0, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void batchingAloneNeverAdmitsBeyondTheCapacity() throws Exception {
    assertThat(admittedOfTwenty(HotEngines.BATCHING)).as("80 attempts on 20 tokens").isEqualTo(20);
  }

  @ParameterizedTest
  @ValueSource(strings = {HotEngines.DELAYING_1, HotEngines.PREDICTING_1})
  void oneUnsynchronizedTokenAdmitsAtMostOneTokenOverPerInstance(String engine) throws Exception {
    assertThat(admittedOfTwenty(engine))
        .as("80 attempts from 4 instances on 20 tokens")
        .isBetween(1, 24);
  }

  /**
   * What 80 concurrent attempts from 4 instances of {@code engine}, two threads each so that each
   * proxy sees concurrent requests, admit from a bucket of 20 tokens refilled far slower than the
   * test runs.
   */
  private static int admittedOfTwenty(String engine) throws Exception {
    DynamoDbLocal local = DynamoDbLocal.shared();
    HotEngine.Kind kind =
        new HotEngines(Duration.ofSeconds(1), 0.1, LIMIT, 4, Optional.of(List.of(engine)))
            .all()
            .get(0);
    BucketSpec twenty = new BucketSpec(20, 1, Duration.ofHours(1));
    DynamoDbClient admin = local.client();
    String table = engine + "-" + TABLES.incrementAndGet();
    kind.createTable(admin, table);
    List<DynamoDbClient> clients = new ArrayList<>();
    List<HotEngine> instances = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      DynamoDbClient client = local.client();
      clients.add(client);
      instances.add(kind.open(client, table, twenty));
    }
    ExecutorService threads = Executors.newFixedThreadPool(8);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Integer>> workers = new ArrayList<>();
    try {
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
      return admitted;
    } finally {
      threads.shutdownNow();
      instances.forEach(HotEngine::close);
      clients.forEach(DynamoDbClient::close);
      admin.close();
    }
  }
}
