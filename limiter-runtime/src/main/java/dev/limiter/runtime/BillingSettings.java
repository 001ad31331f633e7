package dev.limiter.runtime;

/** How a limiter table is billed; applied to the table and to every global secondary index. */
public sealed interface BillingSettings {

  /** Provisioned throughput; {@code index…} units apply to each GSI. */
  record Provisioned(
      long readCapacityUnits,
      long writeCapacityUnits,
      long indexReadCapacityUnits,
      long indexWriteCapacityUnits)
      implements BillingSettings {
    /** Validates that every figure is at least 1, as DynamoDB requires. */
    public Provisioned {
      requirePositive("readCapacityUnits", readCapacityUnits);
      requirePositive("writeCapacityUnits", writeCapacityUnits);
      requirePositive("indexReadCapacityUnits", indexReadCapacityUnits);
      requirePositive("indexWriteCapacityUnits", indexWriteCapacityUnits);
    }
  }

  /** On-demand (pay per request); a cap of {@code -1} means none. */
  record OnDemand(long maxReadRequestUnits, long maxWriteRequestUnits) implements BillingSettings {
    /** Validates that each cap is -1 (none) or at least 1. */
    public OnDemand {
      requireCap("maxReadRequestUnits", maxReadRequestUnits);
      requireCap("maxWriteRequestUnits", maxWriteRequestUnits);
    }

    /** Whether either cap is set. */
    public boolean capped() {
      return maxReadRequestUnits != -1 || maxWriteRequestUnits != -1;
    }
  }

  /** Provisioned throughput, the same for the table and each GSI. */
  static BillingSettings provisioned(long readCapacityUnits, long writeCapacityUnits) {
    return new Provisioned(
        readCapacityUnits, writeCapacityUnits, readCapacityUnits, writeCapacityUnits);
  }

  /** On-demand without throughput caps. */
  static BillingSettings onDemand() {
    return new OnDemand(-1, -1);
  }

  /** On-demand with caps ({@code -1} for none). */
  static BillingSettings onDemand(long maxReadRequestUnits, long maxWriteRequestUnits) {
    return new OnDemand(maxReadRequestUnits, maxWriteRequestUnits);
  }

  private static void requirePositive(String field, long value) {
    if (value < 1) {
      throw new IllegalArgumentException(field + " must be at least 1, got " + value);
    }
  }

  private static void requireCap(String field, long value) {
    if (value != -1 && value < 1) {
      throw new IllegalArgumentException(
          field + " must be -1 (no cap) or at least 1, got " + value);
    }
  }
}
