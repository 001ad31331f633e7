package dev.limiter.operator.api;

import dev.limiter.runtime.Entity;

/**
 * What one DynamoDB partition serves, and the write share a shard of a parent entity plans for. In
 * {@code api} because the CRD's bound on {@code shardsFor.writesPerSecond} derives from them.
 */
public final class PartitionLimits {

  /** Bytes at which a partition splits. */
  public static final long BYTES = 10L * 1024 * 1024 * 1024;

  /** Read units one partition serves. */
  public static final long READ_UNITS = 3000;

  /** Write units one partition serves. */
  public static final long WRITE_UNITS = 1000;

  /**
   * Writes per second a shard is planned for: a partition's write units less the 20% headroom the
   * runbook keeps.
   */
  public static final long SHARD_WRITE_SHARE = WRITE_UNITS * 4 / 5;

  /**
   * The most writes per second {@code shardsFor} may declare: what the largest shard count absorbs.
   */
  public static final long MAX_SHARDED_WRITES = Entity.MAX_SHARDS * SHARD_WRITE_SHARE;

  private PartitionLimits() {}
}
