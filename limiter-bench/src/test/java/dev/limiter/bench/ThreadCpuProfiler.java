package dev.limiter.bench;

import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * CPU time per operation, {@code cpu.time.norm} in µs/op: the CPU the benchmark JVM's Java threads
 * (the benchmark's and any executor's it hands work to) used over an iteration, divided by the
 * operations (a thread that ends during the iteration leaves its time out). Unlike the average time
 * it does not count the time a thread waits for a core, so it stays a cost on a machine that other
 * work shares. JIT compiler and GC threads are not counted ({@code -prof gc} reports the allocation
 * that drives the GC). {@code -prof dev.limiter.bench.ThreadCpuProfiler}.
 */
public final class ThreadCpuProfiler implements InternalProfiler {

  private final ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
  private Map<Long, Long> start = Map.of();

  @Override
  public void beforeIteration(BenchmarkParams benchmark, IterationParams iteration) {
    start = cpuNanosByThread();
  }

  @Override
  public Collection<? extends Result> afterIteration(
      BenchmarkParams benchmark, IterationParams iteration, IterationResult result) {
    long ops = result.getMetadata().getAllOps();
    // Per thread, so that a thread ending during the iteration (an SDK timer or pool thread)
    // takes only its own time with it instead of the difference of two sums going negative.
    long used = 0;
    for (Map.Entry<Long, Long> thread : cpuNanosByThread().entrySet()) {
      used += thread.getValue() - start.getOrDefault(thread.getKey(), 0L);
    }
    double perOp = ops == 0 ? Double.NaN : used / 1_000.0 / ops;
    return List.of(new ScalarResult("cpu.time.norm", perOp, "us/op", AggregationPolicy.AVG));
  }

  private Map<Long, Long> cpuNanosByThread() {
    long[] ids = threads.getAllThreadIds();
    long[] cpu = threads.getThreadCpuTime(ids);
    Map<Long, Long> byThread = new HashMap<>();
    for (int i = 0; i < ids.length; i++) {
      if (cpu[i] >= 0) {
        byThread.put(ids[i], cpu[i]);
      }
    }
    return byThread;
  }

  @Override
  public String getDescription() {
    return "CPU time of the JVM's Java threads per operation";
  }
}
