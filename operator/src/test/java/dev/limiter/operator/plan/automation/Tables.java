package dev.limiter.operator.plan.automation;

import dev.limiter.operator.api.BillingMode;
import dev.limiter.operator.api.ThrottleReading;
import dev.limiter.operator.plan.DesiredTable;
import dev.limiter.operator.plan.ObservedCapacity;
import dev.limiter.operator.plan.ObservedSchemas;
import dev.limiter.operator.plan.ObservedTable;
import dev.limiter.operator.plan.Throughput;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;

/** Observed tables and readings for the automation planners' tests. */
final class Tables {

  static final String NAME = "team-a-limits";
  static final String OWNER = "team-a/limits";

  private Tables() {}

  /** A provisioned ACTIVE table with one GSI, {@code gsi1}, at the same units. */
  static ObservedTable provisioned(long read, long write) {
    return table(BillingMode.Provisioned, new Throughput(read, write), 0, null);
  }

  /** An on-demand ACTIVE table with one GSI; {@code lastSwitchToOnDemand} may be null. */
  static ObservedTable onDemand(Instant lastSwitchToOnDemand) {
    return table(BillingMode.OnDemand, null, 0, lastSwitchToOnDemand);
  }

  /** A provisioned table of {@code sizeBytes}. */
  static ObservedTable provisioned(long read, long write, long sizeBytes) {
    return table(BillingMode.Provisioned, new Throughput(read, write), sizeBytes, null);
  }

  private static ObservedTable table(
      BillingMode mode, Throughput throughput, long sizeBytes, Instant lastToOnDemand) {
    Map<String, Throughput> indexes = new LinkedHashMap<>();
    indexes.put("gsi1", throughput);
    ObservedCapacity capacity =
        new ObservedCapacity(
            mode,
            throughput,
            ObservedCapacity.Decreases.NONE,
            indexes,
            Map.of(),
            -1,
            -1,
            lastToOnDemand);
    return new ObservedTable(
        NAME,
        "arn:aws:dynamodb:us-east-1:123456789012:table/" + NAME,
        "ACTIVE",
        capacity,
        false,
        null,
        true,
        TimeToLiveStatus.DISABLED,
        false,
        Map.of(DesiredTable.OWNER_TAG, OWNER),
        sizeBytes,
        ObservedSchemas.limiter());
  }

  /** A reading at {@code at} over 5 minutes. */
  static ThrottleReading reading(
      Instant at,
      long readThrottles,
      long writeThrottles,
      long keyRange,
      long provisionedThroughput,
      long index,
      long peakRead,
      long peakWrite) {
    return new ThrottleReading(
        at.toString(),
        "5m",
        readThrottles,
        writeThrottles,
        keyRange,
        provisionedThroughput,
        index,
        peakRead,
        peakWrite,
        0L);
  }

  /**
   * A reading of an on-demand table whose {@code maxOnDemand} write throttles are against its own
   * caps.
   */
  static ThrottleReading cappedOnDemand(Instant at, long maxOnDemand) {
    return new ThrottleReading(
        at.toString(), "5m", 0L, maxOnDemand, 0L, 0L, 0L, 0L, 40L, maxOnDemand);
  }

  /** A reading without throttling. */
  static ThrottleReading quiet(Instant at, long peakRead, long peakWrite) {
    return reading(at, 0, 0, 0, 0, 0, peakRead, peakWrite);
  }
}
