package dev.limiter.sandbox.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/** Runs a scenario's threads against an engine, back to back, for a fixed time. */
final class LoadGenerator {

  private LoadGenerator() {}

  /**
   * Calls {@code engine} from {@code scenario.threads()} threads until {@code duration} has passed.
   */
  static PhaseResult run(Engine engine, Scenario scenario, Duration duration)
      throws InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(scenario.threads());
    try {
      // Threads start together so that thread start-up is not counted as elapsed time.
      CountDownLatch go = new CountDownLatch(1);
      List<Future<WorkerResult>> workers = new ArrayList<>();
      AtomicLong deadline = new AtomicLong();
      for (int i = 0; i < scenario.threads(); i++) {
        workers.add(
            pool.submit(
                () -> {
                  go.await();
                  return work(engine, scenario, deadline.get());
                }));
      }
      long start = System.nanoTime();
      deadline.set(start + duration.toNanos());
      go.countDown();
      long admitted = 0;
      long rejected = 0;
      List<LatencySamples> latencies = new ArrayList<>();
      for (Future<WorkerResult> worker : workers) {
        WorkerResult result = join(worker, engine);
        admitted += result.admitted();
        rejected += result.rejected();
        latencies.add(result.latencies());
      }
      long elapsed = System.nanoTime() - start;
      return new PhaseResult(admitted, rejected, elapsed, LatencySamples.percentiles(latencies));
    } finally {
      pool.shutdownNow();
    }
  }

  private static WorkerResult work(Engine engine, Scenario scenario, long deadline) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    LatencySamples latencies = new LatencySamples();
    long admitted = 0;
    long rejected = 0;
    while (true) {
      String key = scenario.nextKey(random);
      long begin = System.nanoTime();
      if (begin - deadline >= 0) {
        return new WorkerResult(admitted, rejected, latencies);
      }
      boolean ok = engine.tryAcquire(key);
      latencies.add(System.nanoTime() - begin);
      if (ok) {
        admitted++;
      } else {
        rejected++;
      }
    }
  }

  private static WorkerResult join(Future<WorkerResult> worker, Engine engine)
      throws InterruptedException {
    try {
      return worker.get();
    } catch (ExecutionException e) {
      throw new IllegalStateException(engine.name() + " failed during the run", e.getCause());
    }
  }

  private record WorkerResult(long admitted, long rejected, LatencySamples latencies) {}
}
