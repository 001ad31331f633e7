package dev.limiter.sandbox.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.limiter.runtime.ReservationStats;
import dev.limiter.testkit.ConsumedCapacityRecorder;
import dev.limiter.testkit.DynamoDbLocal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** The hot-key benchmark's accounting, on figures given by hand and on a tiny real run. */
class HotAccountingTest {

  private static final AtomicInteger TABLES = new AtomicInteger();
  private static final LatencySamples.Percentiles NO_LATENCY = new LatencySamples.Percentiles(0, 0);
  private static final WriteCounts NO_WRITES = new WriteCounts(ReservationStats.NONE, 0, 0);

  @Test
  void perAdmittedFiguresBoundAndSpread() {
    BucketSpec spec = new BucketSpec(100, 100, Duration.ofSeconds(1));
    HotRun run =
        new HotRun(
            List.of(150L, 50L),
            40,
            0,
            0,
            70,
            10,
            4,
            0,
            2_000_000_000L,
            1_500_000_000L,
            NO_LATENCY,
            "");
    HotMeasurement m =
        new HotMeasurement(
            "e", new HotScenario(1, Duration.ZERO, 2.0), spec, run, 80, 50, 30, NO_WRITES);

    assertThat(run.admitted()).isEqualTo(200);
    assertThat(run.offered()).isEqualTo(240);
    assertThat(run.admittedPerSecond()).isEqualTo(100.0);
    assertThat(run.rejectedPerSecond()).isEqualTo(20.0);
    assertThat(run.callsPerRejection()).isEqualTo(0.25);
    assertThat(run.minShare()).isEqualTo(0.25);
    assertThat(run.maxShare()).isEqualTo(0.75);
    assertThat(m.callsPerAdmitted()).isEqualTo(0.4);
    assertThat(m.writeUnitsPerAdmitted()).isEqualTo(0.25);
    assertThat(m.readUnitsPerAdmitted()).isEqualTo(0.15);
    assertThat(m.admittedPerWriteUnit()).isEqualTo(4.0);
    // C + R·t/P = 100 + 100 · 1.5 s / 1 s
    assertThat(m.bound()).isEqualTo(250.0);
    assertThat(m.boundShare()).isEqualTo(0.8);
    assertThat(m.overAdmission()).isZero();
  }

  @Test
  void overAdmissionCountsWholeTokensBeyondTheBound() {
    BucketSpec spec = new BucketSpec(100, 100, Duration.ofSeconds(1));
    HotRun run =
        new HotRun(
            List.of(130L, 130L),
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            1_000_000_000L,
            1_505_000_000L,
            NO_LATENCY,
            "");
    HotMeasurement m =
        new HotMeasurement(
            "e", new HotScenario(1, Duration.ZERO, 2.0), spec, run, 0, 0, 0, NO_WRITES);

    // admissions went on 0.505 s past the phase's second
    assertThat(run.admittedPerSecond()).isCloseTo(260 / 1.505, within(1e-9));
    // bound 250.5: 260 admitted are 10 whole tokens over it
    assertThat(m.bound()).isCloseTo(250.5, within(1e-9));
    assertThat(m.overAdmission()).isEqualTo(10);
  }

  /**
   * Two instances of ours on one key of capacity 10 (refilled once a minute): every arrival is
   * counted once, exactly the capacity is admitted, the calls attributed to acquires are all the
   * writes the clients made, and refusals inside a known refusal's retryAfter cost none.
   */
  @Test
  void tinyRunAccountsForEveryArrivalAndCall() throws InterruptedException {
    DynamoDbLocal local = DynamoDbLocal.shared();
    BucketSpec spec = new BucketSpec(10, 1, Duration.ofMinutes(1));
    HotEngine.Kind kind = OursHotEngine.kind("ours", builder -> builder);
    String table = "hot-accounting-" + TABLES.incrementAndGet();
    ConsumedCapacityRecorder recorder = new ConsumedCapacityRecorder();
    List<DynamoDbClient> clients = new ArrayList<>();
    List<HotEngine> instances = new ArrayList<>();
    try (DynamoDbClient admin = local.inspectionClient()) {
      kind.createTable(admin, table);
      for (int i = 0; i < 2; i++) {
        DynamoDbClient client = local.client(recorder, new ThreadCalls());
        clients.add(client);
        instances.add(kind.open(client, table, spec));
      }
      // 40 arrivals per second in total for 0.5 s: 10 per instance, 20 ms apart
      HotScenario scenario = new HotScenario(1, Duration.ZERO, 40.0 * 60);
      // a first call per instance on another key loads what the run would otherwise wait for;
      // neither it nor what opening the instances called is part of the run
      instances.forEach(instance -> instance.tryAcquire("warm"));
      recorder.reset();

      HotRun run = PacedLoad.run(instances, scenario, spec, "t", Duration.ofMillis(500));

      HotMeasurement m =
          HotMeasurement.of("ours", scenario, spec, run, recorder, ReservationStats.NONE);
      assertThat(run.offered()).isEqualTo(20);
      assertThat(run.failed()).isZero();
      assertThat(run.dropped()).isZero();
      assertThat(run.admitted()).isEqualTo(10);
      assertThat(m.overAdmission()).isZero();
      // ours writes on the acquiring thread; its cached hierarchy look-ups run on its executor
      assertThat(run.admittedCalls() + run.rejectedCalls()).isEqualTo(recorder.calls("UpdateItem"));
      assertThat(run.knownRejections()).isPositive();
      assertThat(run.knownRejectionCalls()).isZero();
    } finally {
      instances.forEach(HotEngine::close);
      clients.forEach(DynamoDbClient::close);
    }
  }
}
