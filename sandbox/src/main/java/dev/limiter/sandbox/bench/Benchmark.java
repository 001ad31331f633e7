package dev.limiter.sandbox.bench;

import dev.limiter.testkit.DynamoDbLocal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Compares our limiter with Bucket4j on one DynamoDB Local server in one run.
 *
 * <p>The server runs in this JVM, so each engine first loads it for four warm-ups' time to let the
 * JIT settle. Throughput: then, for each engine and each scenario ({1, 16} threads × {one hot key,
 * 10,000 keys picked uniformly per call}, on loopback and again with a round trip added to every
 * call as a real network has), a fresh engine on a fresh table is warmed up, then measured; the
 * report gives throughput, latency percentiles, DynamoDB calls and capacity units per acquire. Both
 * engines enforce the same generous limit (1,000,000 tokens, refilled 1,000,000/s) so that the
 * admitted path is what gets measured.
 *
 * <p>Correctness: 16 threads on one hot key under a binding limit (100 tokens, refilled 200/s),
 * admissions compared with the most the limit allows over the elapsed time.
 *
 * <p>System properties: {@code bench.warmup} and {@code bench.duration} (seconds, 3 and 8 by
 * default), {@code bench.rttMillis} (added round trip, 2 by default; 0 runs loopback only). Run
 * with {@code mvn -Pbench -pl sandbox -am -DskipTests verify}.
 */
public final class Benchmark {

  private static final BucketSpec GENEROUS =
      new BucketSpec(1_000_000, 1_000_000, Duration.ofSeconds(1));
  private static final BucketSpec BINDING = new BucketSpec(100, 200, Duration.ofSeconds(1));
  private static final Scenario CONTENDED = new Scenario(16, 1);
  private static final Scenario SERVER_WARMUP = new Scenario(16, 10_000);
  private static final int SERVER_WARMUP_FACTOR = 4;
  private static final Duration CORRECTNESS_RUN = Duration.ofSeconds(5);
  private static final List<Engine.Factory> ENGINES =
      List.of(LimiterEngine::new, Bucket4jEngine::new);

  private final DynamoDbLocal local;
  private int tables;

  private Benchmark(DynamoDbLocal local) {
    this.local = local;
  }

  /** Runs the benchmark, prints its report to standard output and exits the JVM. */
  public static void main(String[] args) {
    int status = 0;
    try {
      Duration warmup = seconds("bench.warmup", 3, 0);
      Duration measured = seconds("bench.duration", 8, 1);
      Duration roundTrip = Duration.ofMillis(Long.getLong("bench.rttMillis", 2));
      DynamoDbLocal local = DynamoDbLocal.start();
      try {
        new Benchmark(local).run(warmup, measured, scenarios(roundTrip));
      } finally {
        local.stop();
      }
    } catch (Exception | Error e) {
      e.printStackTrace();
      status = 1;
    }
    // DynamoDB Local leaves a non-daemon job thread behind after stop(), which would keep this
    // JVM, and exec:java waiting for it, alive forever.
    System.exit(status);
  }

  /**
   * {1, 16} threads × {one hot key, 10,000 keys}, on loopback and with {@code roundTrip} added per
   * call.
   */
  private static List<Scenario> scenarios(Duration roundTrip) {
    List<Scenario> scenarios = new ArrayList<>();
    for (Duration network :
        roundTrip.isZero() ? List.of(Duration.ZERO) : List.of(Duration.ZERO, roundTrip)) {
      for (int threads : new int[] {1, 16}) {
        for (int keys : new int[] {1, 10_000}) {
          scenarios.add(new Scenario(threads, keys, network));
        }
      }
    }
    return scenarios;
  }

  private void run(Duration warmup, Duration measured, List<Scenario> scenarios)
      throws InterruptedException {
    System.out.printf(
        Locale.ROOT,
        "DynamoDB Local at %s; warm-up %ds, measured %ds per run; limit: %s%n%n",
        local.endpoint(),
        warmup.toSeconds(),
        measured.toSeconds(),
        GENEROUS);
    warmUpServer(warmup.multipliedBy(SERVER_WARMUP_FACTOR));
    List<Measurement> measurements = new ArrayList<>();
    for (Scenario scenario : scenarios) {
      for (Engine.Factory factory : ENGINES) {
        measurements.add(measure(factory, scenario, warmup, measured));
      }
    }
    List<CorrectnessRun> checks = new ArrayList<>();
    for (Engine.Factory factory : ENGINES) {
      checks.add(checkCorrectness(factory));
    }
    System.out.println();
    System.out.println("Throughput and cost (admitted path)");
    System.out.println(Report.throughput(measurements));
    System.out.println(
        "Correctness: "
            + CONTENDED.label()
            + ", "
            + BINDING
            + ", "
            + CORRECTNESS_RUN.toSeconds()
            + "s");
    System.out.println(Report.correctness(checks));
    System.out.println("Ratios " + LimiterEngine.NAME + "/" + Bucket4jEngine.NAME);
    System.out.println(Report.ratios(measurements));
  }

  /**
   * DynamoDB Local runs in this JVM and takes tens of seconds of load before its JIT-compiled speed
   * settles; without this the first scenarios would measure a colder server than the last.
   */
  private void warmUpServer(Duration perEngine) throws InterruptedException {
    for (Engine.Factory factory : ENGINES) {
      try (Engine engine = open(factory, GENEROUS, Duration.ZERO)) {
        System.out.printf(
            Locale.ROOT,
            "warming up the server with %s for %ds%n",
            engine.name(),
            perEngine.toSeconds());
        LoadGenerator.run(engine, SERVER_WARMUP, perEngine);
      }
    }
  }

  private Measurement measure(
      Engine.Factory factory, Scenario scenario, Duration warmup, Duration measured)
      throws InterruptedException {
    try (Engine engine = open(factory, GENEROUS, scenario.roundTrip())) {
      System.out.printf(Locale.ROOT, "running %-8s %s%n", engine.name(), scenario.label());
      LoadGenerator.run(engine, scenario, warmup);
      engine.recorder().reset();
      PhaseResult phase = LoadGenerator.run(engine, scenario, measured);
      return Measurement.of(engine, scenario, phase);
    }
  }

  private CorrectnessRun checkCorrectness(Engine.Factory factory) throws InterruptedException {
    // No warm-up: the bucket must start full for the bound to hold from the first call.
    try (Engine engine = open(factory, BINDING, Duration.ZERO)) {
      System.out.printf(Locale.ROOT, "checking %-8s %s%n", engine.name(), CONTENDED.label());
      PhaseResult phase = LoadGenerator.run(engine, CONTENDED, CORRECTNESS_RUN);
      return new CorrectnessRun(engine.name(), phase, BINDING.admissionBound(phase.elapsedNanos()));
    }
  }

  private Engine open(Engine.Factory factory, BucketSpec spec, Duration roundTrip) {
    return factory.open(local, "bench-" + ++tables, spec, new NetworkDelay(roundTrip));
  }

  private static Duration seconds(String property, long fallback, long min) {
    long value = Long.getLong(property, fallback);
    if (value < min) {
      throw new IllegalArgumentException(
          property + " must be at least " + min + " s, got " + value);
    }
    return Duration.ofSeconds(value);
  }
}
