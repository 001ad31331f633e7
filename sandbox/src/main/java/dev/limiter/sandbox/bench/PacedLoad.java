package dev.limiter.sandbox.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Open-loop load: every instance is offered acquires at a fixed pace, whatever its calls' latency,
 * as independent clients send requests. Each instance has a dispatcher that hands every arrival, on
 * time, to the instance's worker pool; a call's latency runs from its scheduled arrival, so time
 * spent queued behind slow calls counts. Arrivals still queued when the drain time has passed after
 * the phase are dropped and counted; calls in flight then are waited for.
 */
final class PacedLoad {

  /**
   * Worker threads per instance (calls in flight at once on one instance), {@code
   * bench.hot.workers}: enough for the paced rate at the added round trip, few enough that a
   * saturated server queues arrivals here rather than conflicting writes on one item there.
   */
  static final int WORKERS_PER_INSTANCE = Integer.getInteger("bench.hot.workers", 4);

  private static final Duration DRAIN = Duration.ofSeconds(3);

  private PacedLoad() {}

  /**
   * Offers {@code scenario}'s load for {@code duration}, split evenly over {@code instances}, on
   * keys of {@code phase}.
   */
  static HotRun run(
      List<HotEngine> instances,
      HotScenario scenario,
      BucketSpec spec,
      String phase,
      Duration duration)
      throws InterruptedException {
    double perInstance = scenario.offeredPerSecond(spec) / instances.size();
    long interval = Math.round(1e9 / perInstance);
    List<InstanceTally> tallies = new ArrayList<>();
    List<ExecutorService> pools = new ArrayList<>();
    List<Thread> dispatchers = new ArrayList<>();
    long start = System.nanoTime() + Duration.ofMillis(20).toNanos();
    long deadline = start + duration.toNanos();
    for (HotEngine engine : instances) {
      InstanceTally tally = new InstanceTally();
      ExecutorService pool = Executors.newFixedThreadPool(WORKERS_PER_INSTANCE);
      // Instances start out of step, as independent clients do.
      long first = start + ThreadLocalRandom.current().nextLong(interval);
      Thread dispatcher =
          new Thread(
              () -> dispatch(engine, tally, pool, scenario, phase, first, interval, deadline),
              "paced-load");
      dispatcher.start();
      tallies.add(tally);
      pools.add(pool);
      dispatchers.add(dispatcher);
    }
    for (Thread dispatcher : dispatchers) {
      dispatcher.join();
    }
    long drainDeadline = System.nanoTime() + DRAIN.toNanos();
    for (ExecutorService pool : pools) {
      pool.shutdown();
      pool.awaitTermination(Math.max(0, drainDeadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    }
    long dropped = 0;
    for (ExecutorService pool : pools) {
      // Queued arrivals are dropped; calls in flight end on their own (interrupting one would
      // count as a DynamoDB outage in the engine).
      dropped += ((ThreadPoolExecutor) pool).getQueue().drainTo(new ArrayList<>());
    }
    for (ExecutorService pool : pools) {
      pool.awaitTermination(1, TimeUnit.MINUTES);
    }
    return HotRun.of(tallies, start, duration.toNanos(), dropped);
  }

  private static void dispatch(
      HotEngine engine,
      InstanceTally tally,
      ExecutorService pool,
      HotScenario scenario,
      String phase,
      long first,
      long interval,
      long deadline) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (long arrival = first; arrival - deadline < 0; arrival += interval) {
      long wait;
      while ((wait = arrival - System.nanoTime()) > 0) {
        LockSupport.parkNanos(wait);
      }
      String key = scenario.nextKey(phase, random);
      long scheduled = arrival;
      pool.execute(() -> call(engine, tally, key, scheduled));
    }
  }

  private static void call(HotEngine engine, InstanceTally tally, String key, long scheduled) {
    long begin = System.nanoTime();
    boolean insideKnown = tally.knownRefused(key, begin);
    long callsBefore = ThreadCalls.current();
    HotEngine.Outcome outcome;
    try {
      outcome = engine.tryAcquire(key);
    } catch (RuntimeException e) {
      tally.fail(e);
      return;
    }
    long calls = ThreadCalls.current() - callsBefore;
    long end = System.nanoTime();
    tally.latency(end - scheduled);
    if (outcome.admitted()) {
      tally.admitted(key, calls, end);
    } else {
      tally.rejected(key, calls, begin, outcome.retryAfterNanos(), insideKnown);
    }
  }
}
