package dev.limiter.bench;

import dev.limiter.runtime.Lease;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * Client-side CPU per admitted acquire (single-threaded average time: nothing blocks, so time is
 * CPU) over {@link CannedDynamoDb}: ours with one limit and with five, synchronously, and with one
 * limit asynchronously (on the limiter's executor: the canned client is synchronous), the bare
 * SDK's UpdateItem of the same request with and without the limiter's per-request retry plugin (the
 * floor under ours), and Bucket4j's compare-and-swap path; and ours with one limit on a hot key
 * with local reservation, most acquires admitted without a call. Run with {@code -prof gc} for
 * bytes allocated per acquire and {@code -prof dev.limiter.bench.ThreadCpuProfiler} for CPU per
 * acquire on a shared machine.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ClientCostBenchmark {

  /** Our limiter with one limit. */
  @State(Scope.Thread)
  public static class OneLimit {
    OursOnCannedDynamoDb ours;

    @Setup(Level.Trial)
    public void setUp() {
      ours = new OursOnCannedDynamoDb(1);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      ours.close();
    }
  }

  /** Our limiter with one limit, over the clients {@code RateLimiter.fromEnvironment} builds. */
  @State(Scope.Thread)
  public static class OneLimitEnvironmentClients {
    OursOnCannedDynamoDb ours;

    @Setup(Level.Trial)
    public void setUp() {
      ours = OursOnCannedDynamoDb.withEnvironmentClients(1);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      ours.close();
    }
  }

  /** Our limiter with one limit, bucket writes on a client of one attempt given to the builder. */
  @State(Scope.Thread)
  public static class OneLimitBucketWriteClient {
    OursOnCannedDynamoDb ours;

    @Setup(Level.Trial)
    public void setUp() {
      ours = OursOnCannedDynamoDb.withBucketWriteClient(1);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      ours.close();
    }
  }

  /** Our limiter with one limit, its UpdateItems answered by a {@link CannedBucket}. */
  @State(Scope.Thread)
  public static class OneLimitCannedBucket {
    OursOnCannedDynamoDb ours;

    @Setup(Level.Trial)
    public void setUp() {
      ours = OursOnCannedDynamoDb.withCannedBucket(1);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      ours.close();
    }
  }

  /** Our limiter with local reservation on one hot key offered 80 % of its limit. */
  @State(Scope.Thread)
  public static class HotKeyReservation {
    OursHotKeyOnCannedBucket ours;

    @Setup(Level.Trial)
    public void setUp() {
      ours = new OursHotKeyOnCannedBucket();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      ours.close();
    }
  }

  /** Our limiter with five limits, each taken from by every acquire. */
  @State(Scope.Thread)
  public static class FiveLimits {
    OursOnCannedDynamoDb ours;

    @Setup(Level.Trial)
    public void setUp() {
      ours = new OursOnCannedDynamoDb(5);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      ours.close();
    }
  }

  /** The bare SDK sending our one-limit acquire's UpdateItemRequest. */
  @State(Scope.Thread)
  public static class BareSdk {
    BareSdkOnCannedDynamoDb sdk;

    @Setup(Level.Trial)
    public void setUp() {
      sdk = new BareSdkOnCannedDynamoDb(1);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      sdk.close();
    }
  }

  /** Bucket4j over its compare-and-swap proxy manager. */
  @State(Scope.Thread)
  public static class Bucket4j {
    Bucket4jOnCannedDynamoDb bucket4j;

    @Setup(Level.Trial)
    public void setUp() {
      bucket4j = new Bucket4jOnCannedDynamoDb();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      bucket4j.close();
    }
  }

  @Benchmark
  public Lease oursOneLimit(OneLimit state) {
    return state.ours.acquire();
  }

  /**
   * As {@link #oursOneLimit}, over the environment's clients: bucket writes go to a client without
   * the SDK's retries, so they carry no per-request plugin.
   */
  @Benchmark
  public Lease oursOneLimitEnvironmentClients(OneLimitEnvironmentClients state) {
    return state.ours.acquire();
  }

  /**
   * As {@link #oursOneLimit}, bucket writes on a client of one attempt ({@code bucketWriteClient}):
   * no per-request plugin, and nothing else changed.
   */
  @Benchmark
  public Lease oursOneLimitBucketWriteClient(OneLimitBucketWriteClient state) {
    return state.ours.acquire();
  }

  /**
   * As {@link #oursOneLimit}, each UpdateItem answered by the stateful {@link CannedBucket} instead
   * of the fixed answer: the difference is what that answer costs per write.
   */
  @Benchmark
  public Lease oursOneLimitCannedBucket(OneLimitCannedBucket state) {
    return state.ours.acquire();
  }

  /**
   * One limit on a hot key with local reservation ({@link OursHotKeyOnCannedBucket}): most acquires
   * are admitted locally, one reserving UpdateItem (answered by a {@link CannedBucket}) per about
   * 41; per acquire, amortized.
   */
  @Benchmark
  public Lease oursOneLimitHotKeyReservation(HotKeyReservation state) {
    return state.ours.acquire();
  }

  /** As {@link #oursOneLimit}, through the limiter's executor (it was given a sync client only). */
  @Benchmark
  public Lease oursOneLimitAsync(OneLimit state) {
    return state.ours.acquireAsync().join();
  }

  @Benchmark
  public Lease oursFiveLimits(FiveLimits state) {
    return state.ours.acquire();
  }

  /**
   * The SDK's floor under {@link #oursOneLimit}: its UpdateItemRequest as the limiter sent it (with
   * the per-request plugin that turns a retrying client's retries off), on the bare SDK.
   */
  @Benchmark
  public UpdateItemResponse sdkUpdateItemWithPlugin(BareSdk state) {
    return state.sdk.send(state.sdk.asSent());
  }

  /** As {@link #sdkUpdateItemWithPlugin}, without the plugin: what the SDK alone costs per call. */
  @Benchmark
  public UpdateItemResponse sdkUpdateItem(BareSdk state) {
    return state.sdk.send(state.sdk.withoutOverride());
  }

  @Benchmark
  public boolean bucket4jCas(Bucket4j state) {
    boolean admitted = state.bucket4j.tryConsume();
    if (!admitted) {
      throw new IllegalStateException("Bucket4j refused a token of a bucket far from its limit");
    }
    return admitted;
  }
}
