package dev.limiter.sandbox.bench;

import dev.limiter.runtime.ReservationStats;
import dev.limiter.testkit.ConsumedCapacityRecorder;
import dev.limiter.testkit.DynamoDbLocal;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The hot-key benchmark: {@value #INSTANCES} limiter instances, each on its own DynamoDB client,
 * under paced open-loop load on one DynamoDB Local server in one run.
 *
 * <p>Scenarios: one hot key and 10,000 keys (picked uniformly per call), on loopback and with a
 * round trip added to every call, at 80 % of the limit's refill rate and at 2× overload, offered in
 * equal parts by the instances. Every engine enforces the same limit on every key ({@code
 * bench.hot.rate} tokens refilled per second, as many of capacity; one token per acquire). Below
 * the limit the measured phase runs on the keys its warm-up made hot; under overload on keys no
 * warm-up touched, so each bucket starts full and admissions can be held against the bound {@code C
 * + R·t/P}. Engines: ours without and with local reservation, and Bucket4j over our CAS proxy
 * manager with each of its client-side optimizations. The throughput-per-WCU target is read against
 * three of them ({@link HotEngines#peers}): {@code batching()} alone at our over-admission bound (0
 * tokens), the better of delaying and predicting at our error size (Bucket4j over-admits up to
 * instances × {@code maxUnsynchronizedTokens}, ours under-admits up to instances × share ×
 * capacity: so {@code maxUnsynchronizedTokens} = share × capacity, timeout = our window), and the
 * better of the two with 1 unsynchronized token, the closest to our over-admission bound that
 * Bucket4j allows (at most instances tokens over; run on one key only, see {@link HotEngines#on}).
 * For ours with reservation it prints where the writes go. Last, each engine on one key that
 * refuses nearly everything, for what refusals inside an earlier one's {@code retryAfter} cost.
 *
 * <p>System properties: {@code bench.hot.warmup} and {@code bench.hot.duration} (seconds, 1 and 4
 * by default), {@code bench.hot.rate} (the limit: tokens per second and capacity, {@value
 * #DEFAULT_RATE} by default), {@code bench.rttMillis} (added round trip, 3 by default; 0 runs
 * loopback only), {@code bench.hot.windowMillis} and {@code bench.hot.share} (our reservation, 1000
 * and 0.1), {@code bench.hot.workers} (calls in flight per instance, 4), {@code bench.hot.engines}
 * and {@code bench.hot.keys} (comma-separated subsets, e.g. {@code ours,b4j-delay} and {@code 1};
 * all engines and {@code 1,10000} by default). Run with {@code mvn -B -q -Pbench-hot -pl sandbox
 * -am -DskipTests verify}, which forks this JVM: the properties go in {@code JAVA_TOOL_OPTIONS}.
 */
public final class HotBenchmark {

  static final int INSTANCES = 8;
  private static final long DEFAULT_RATE = 500;
  private static final double[] LOADS = {0.8, 2.0};
  private static final int MANY_KEYS = 10_000;
  private static final Duration SERVER_WARMUP = Duration.ofSeconds(4);
  private static final BucketSpec REFUSING = new BucketSpec(10, 1, Duration.ofSeconds(1));
  private static final HotScenario REFUSALS = new HotScenario(1, Duration.ZERO, 160);
  private static final Duration REFUSAL_RUN = Duration.ofSeconds(2);

  private final DynamoDbLocal local;
  private final BucketSpec limit;
  private final Duration warmup;
  private final Duration measured;
  private int tables;

  private HotBenchmark(DynamoDbLocal local, BucketSpec limit, Duration warmup, Duration measured) {
    this.local = local;
    this.limit = limit;
    this.warmup = warmup;
    this.measured = measured;
  }

  /** Runs the benchmark, prints its figures to standard output and exits the JVM. */
  public static void main(String[] args) {
    int status = 0;
    try {
      Duration warmup = Duration.ofSeconds(Long.getLong("bench.hot.warmup", 1));
      Duration measured = Duration.ofSeconds(Math.max(1, Long.getLong("bench.hot.duration", 4)));
      Duration roundTrip = Duration.ofMillis(Long.getLong("bench.rttMillis", 3));
      Duration window = Duration.ofMillis(Long.getLong("bench.hot.windowMillis", 1000));
      double share = Double.parseDouble(System.getProperty("bench.hot.share", "0.1"));
      long rate = Long.getLong("bench.hot.rate", DEFAULT_RATE);
      BucketSpec limit = new BucketSpec(rate, rate, Duration.ofSeconds(1));
      HotEngines engines =
          new HotEngines(
              window, share, limit, INSTANCES, names(System.getProperty("bench.hot.engines")));
      DynamoDbLocal local = DynamoDbLocal.start();
      try {
        new HotBenchmark(local, limit, warmup, measured)
            .run(engines, scenarios(roundTrip, keyCounts()), roundTrip);
      } finally {
        local.stop();
      }
    } catch (Exception | Error e) {
      e.printStackTrace();
      status = 1;
    }
    // DynamoDB Local leaves a non-daemon job thread behind after stop().
    System.exit(status);
  }

  /** The engines named in a comma-separated list; all when {@code list} is null. */
  private static Optional<List<String>> names(String list) {
    return Optional.ofNullable(list).map(l -> List.of(l.split(",")));
  }

  /** The key counts of {@code bench.hot.keys} (comma-separated), 1 and 10,000 by default. */
  private static List<Integer> keyCounts() {
    String list = System.getProperty("bench.hot.keys", "1," + MANY_KEYS);
    return Arrays.stream(list.split(",")).map(String::trim).map(Integer::valueOf).toList();
  }

  /** {@code keyCounts} × {loopback, + roundTrip} × {80 %, 200 %}. */
  private static List<HotScenario> scenarios(Duration roundTrip, List<Integer> keyCounts) {
    List<HotScenario> scenarios = new ArrayList<>();
    for (int keys : keyCounts) {
      for (Duration network :
          roundTrip.isZero() ? List.of(Duration.ZERO) : List.of(Duration.ZERO, roundTrip)) {
        for (double load : LOADS) {
          scenarios.add(new HotScenario(keys, network, load));
        }
      }
    }
    return scenarios;
  }

  private void run(HotEngines engines, List<HotScenario> scenarios, Duration roundTrip)
      throws InterruptedException {
    long began = System.nanoTime();
    System.out.printf(
        Locale.ROOT,
        "Hot-key benchmark, %s. DynamoDB Local at %s; %d instances (one SDK client each), %d"
            + " workers each; limit on every key: %s, 1 token per acquire; loads %s of the refill"
            + " rate in total, paced open-loop; added round trip %d ms; warm-up %ds, measured %ds"
            + " per run (fresh table each; measured below the limit on the warm-up's keys, under"
            + " overload on fresh keys)%n%s%n%n",
        Instant.now(),
        local.endpoint(),
        INSTANCES,
        PacedLoad.WORKERS_PER_INSTANCE,
        limit,
        "80% and 200%",
        roundTrip.toMillis(),
        warmup.toSeconds(),
        measured.toSeconds(),
        engines.describe());
    System.out.println(machineLoad("at the start"));
    warmUpServer(engines);
    List<HotMeasurement> measurements = new ArrayList<>();
    for (HotScenario scenario : scenarios) {
      for (HotEngine.Kind kind : engines.on(scenario)) {
        measurements.add(measure(kind, scenario));
      }
    }
    List<HotMeasurement> refusals = new ArrayList<>();
    for (HotEngine.Kind kind : engines.all()) {
      refusals.add(checkRefusals(kind));
    }
    String rival = HotReport.bestPerWriteUnit(measurements, engines.bucket4jTuned());
    String closest = HotReport.bestPerWriteUnit(measurements, engines.bucket4jClosest());
    List<HotReport.Peer> peers = engines.peers(rival, closest);
    List<String> shown = new ArrayList<>(engines.ours());
    peers.forEach(peer -> shown.add(peer.engine()));
    System.out.println();
    System.out.println(
        "Figures (latency from scheduled arrival; calls/rej attributed to the calling thread;"
            + " known rej = refusals inside an earlier refusal's retryAfter on the same instance"
            + " and key; adm/bound and over on one key under overload: bound = C + R*t/P over"
            + " the phase, from a full bucket;"
            + " spread = smallest-largest instance share, 12.5% each when even)");
    System.out.println(
        HotReport.figures(measurements.stream().filter(m -> shown.contains(m.engine())).toList()));
    System.out.println(
        "Other Bucket4j optimizations (of delaying and predicting, "
            + rival
            + " does best per WCU on the hot key; with 1 unsynchronized token, "
            + closest
            + "):");
    System.out.println(
        HotReport.figures(measurements.stream().filter(m -> !shown.contains(m.engine())).toList()));
    System.out.println(
        "Local refusals: 1 key, "
            + REFUSING
            + ", "
            + Math.round(REFUSALS.offeredPerSecond(REFUSING))
            + " acquires/s offered in total, "
            + REFUSAL_RUN.toSeconds()
            + " s: the bucket is empty after the first 0.1 s, then every refusal's retryAfter"
            + " spans many of the instance's arrivals");
    System.out.println(HotReport.refusals(refusals));
    System.out.println(
        "Where "
            + engines.reservingName()
            + "'s writes go (count, then per admitted acquire; ideal = one reserving write per"
            + " instance per window; extra attempts = UpdateItems beyond one per write, each a"
            + " branch guessed from a stale state; failed conditions = those and the bucket's"
            + " refusals)");
    System.out.println(
        HotReport.writes(
            measurements.stream().filter(m -> m.engine().equals(engines.reservingName())).toList(),
            INSTANCES,
            engines.window()));
    System.out.println("Targets");
    System.out.println(
        HotReport.targetLines(
            HotReport.targets(
                measurements, refusals, engines.reservingName(), engines.ours(), peers)));
    System.out.println(machineLoad("at the end"));
    System.out.printf(Locale.ROOT, "Total run time %.0f s%n", (System.nanoTime() - began) / 1e9);
  }

  /**
   * DynamoDB Local runs in this JVM; a few seconds of load on each engine let its JIT settle before
   * the first measurement.
   */
  private void warmUpServer(HotEngines engines) throws InterruptedException {
    HotScenario spread = new HotScenario(MANY_KEYS, Duration.ZERO, 0.8);
    for (HotEngine.Kind kind : engines.all()) {
      System.out.printf(
          Locale.ROOT,
          "warming up the server with %s for %ds%n",
          kind.name(),
          SERVER_WARMUP.toSeconds());
      try (Fleet fleet = open(kind, Duration.ZERO)) {
        PacedLoad.run(fleet.instances, spread, limit, "s", SERVER_WARMUP);
      }
    }
  }

  private HotMeasurement measure(HotEngine.Kind kind, HotScenario scenario)
      throws InterruptedException {
    try (Fleet fleet = open(kind, scenario.roundTrip())) {
      System.out.printf(Locale.ROOT, "running %-13s %s%n", kind.name(), scenario.label());
      if (!warmup.isZero()) {
        PacedLoad.run(fleet.instances, scenario, limit, "w", warmup);
      }
      fleet.recorder.reset();
      ReservationStats before = fleet.reservationStats();
      // Below the limit the measured keys are the warm-up's, already hot (a steady state); under
      // overload they are fresh, so that each bucket starts full and the bound holds from the
      // start.
      String keys = scenario.overload() ? "m" : "w";
      HotRun run = PacedLoad.run(fleet.instances, scenario, limit, keys, measured);
      ReservationStats during = minus(fleet.reservationStats(), before);
      if (during.reservationWrites() + during.localAdmissions() > 0) {
        System.out.printf(
            Locale.ROOT,
            "  reservation: %d admitted locally, %d reservation writes (%d refused), %d plain"
                + " writes%n",
            during.localAdmissions(),
            during.reservationWrites(),
            during.refusedReservations(),
            during.plainWrites());
      }
      if (run.failed() > 0) {
        System.out.printf(
            Locale.ROOT,
            "  %d calls failed, the first with %s%n",
            run.failed(),
            run.firstFailure());
      }
      return HotMeasurement.of(kind.name(), scenario, limit, run, fleet.recorder, during);
    }
  }

  /**
   * The machine's load, as the figures depend on it: the server, the clients and whatever else runs
   * share the cores.
   */
  private static String machineLoad(String when) {
    return String.format(
        Locale.ROOT,
        "System load average (1 min) %s: %.2f on %d cores",
        when,
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
        Runtime.getRuntime().availableProcessors());
  }

  /**
   * One key that refuses nearly everything, each refusal with a long {@code retryAfter}: what
   * refusals inside it cost.
   */
  private HotMeasurement checkRefusals(HotEngine.Kind kind) throws InterruptedException {
    try (Fleet fleet = open(kind, Duration.ZERO, REFUSING)) {
      System.out.printf(Locale.ROOT, "checking %-13s local refusals%n", kind.name());
      HotRun run = PacedLoad.run(fleet.instances, REFUSALS, REFUSING, "r", REFUSAL_RUN);
      return HotMeasurement.of(
          kind.name(), REFUSALS, REFUSING, run, fleet.recorder, fleet.reservationStats());
    }
  }

  private static ReservationStats minus(ReservationStats after, ReservationStats before) {
    return new ReservationStats(
        after.localAdmissions() - before.localAdmissions(),
        after.reservationWrites() - before.reservationWrites(),
        after.refusedReservations() - before.refusedReservations(),
        after.plainWrites() - before.plainWrites());
  }

  private Fleet open(HotEngine.Kind kind, Duration roundTrip) {
    return open(kind, roundTrip, limit);
  }

  private Fleet open(HotEngine.Kind kind, Duration roundTrip, BucketSpec spec) {
    return new Fleet(local, kind, "hot-" + ++tables, spec, new NetworkDelay(roundTrip));
  }

  /** One engine's instances on a fresh table, each with its own client, sharing one recorder. */
  private static final class Fleet implements AutoCloseable {

    final ConsumedCapacityRecorder recorder = new ConsumedCapacityRecorder();
    final List<HotEngine> instances = new ArrayList<>();
    private final List<DynamoDbClient> clients = new ArrayList<>();
    private final DynamoDbClient admin;
    private final String tableName;

    Fleet(
        DynamoDbLocal local,
        HotEngine.Kind kind,
        String tableName,
        BucketSpec limit,
        NetworkDelay network) {
      this.tableName = tableName;
      admin = local.inspectionClient();
      kind.createTable(admin, tableName);
      ThreadCalls calls = new ThreadCalls();
      for (int i = 0; i < INSTANCES; i++) {
        DynamoDbClient client = local.client(recorder, calls, network);
        clients.add(client);
        instances.add(kind.open(client, tableName, limit));
      }
    }

    /** The instances' reservation counters, summed. */
    ReservationStats reservationStats() {
      List<ReservationStats> all = instances.stream().map(HotEngine::reservationStats).toList();
      return new ReservationStats(
          all.stream().mapToLong(ReservationStats::localAdmissions).sum(),
          all.stream().mapToLong(ReservationStats::reservationWrites).sum(),
          all.stream().mapToLong(ReservationStats::refusedReservations).sum(),
          all.stream().mapToLong(ReservationStats::plainWrites).sum());
    }

    @Override
    public void close() {
      instances.forEach(HotEngine::close);
      clients.forEach(DynamoDbClient::close);
      // Dropping the table keeps the in-memory server from growing over the runs.
      admin.deleteTable(b -> b.tableName(tableName));
      admin.close();
    }
  }
}
