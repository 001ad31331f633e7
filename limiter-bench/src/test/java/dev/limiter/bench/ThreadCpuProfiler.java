package dev.limiter.bench;

import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;
import java.util.Collection;
import java.util.List;
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
 * operations. Unlike the average time it does not count the time a thread waits for a core, so it
 * stays a cost on a machine that other work shares. JIT compiler and GC threads are not counted
 * ({@code -prof gc} reports the allocation that drives the GC). {@code -prof
 * dev.limiter.bench.ThreadCpuProfiler}.
 */
public final class ThreadCpuProfiler implements InternalProfiler {

  private final ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
  private long startNanos;

  @Override
  public void beforeIteration(BenchmarkParams benchmark, IterationParams iteration) {
    startNanos = cpuNanos();
  }

  @Override
  public Collection<? extends Result> afterIteration(
      BenchmarkParams benchmark, IterationParams iteration, IterationResult result) {
    long ops = result.getMetadata().getAllOps();
    double perOp = ops == 0 ? Double.NaN : (cpuNanos() - startNanos) / 1_000.0 / ops;
    return List.of(new ScalarResult("cpu.time.norm", perOp, "us/op", AggregationPolicy.AVG));
  }

  private long cpuNanos() {
    long total = 0;
    for (long cpu : threads.getThreadCpuTime(threads.getAllThreadIds())) {
      total += Math.max(cpu, 0);
    }
    return total;
  }

  @Override
  public String getDescription() {
    return "CPU time of the JVM's Java threads per operation";
  }
}
