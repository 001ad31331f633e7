package dev.limiter.operator.plan;

/**
 * Provisioned read and write capacity units.
 *
 * @param read read capacity units
 * @param write write capacity units
 */
public record Throughput(long read, long write) {

  /** Validates DynamoDB's minimum of one unit each. */
  public Throughput {
    if (read < 1 || write < 1) {
      throw new IllegalArgumentException(
          "capacity units must be at least 1, got read=" + read + ", write=" + write);
    }
  }
}
