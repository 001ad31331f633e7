package dev.limiter.operator.plan;

import dev.limiter.operator.api.BillingMode;
import java.time.Instant;
import java.util.Map;

/**
 * The capacity side of a DescribeTable: mode, throughput and decrease-quota state of the table and
 * of each global secondary index. Throughput of an on-demand table is ignored whatever DynamoDB
 * reports (no phantom diffs).
 *
 * @param mode current billing mode
 * @param table the table's provisioned throughput; null on demand
 * @param tableDecreases the table's decrease-quota state
 * @param indexes each GSI's provisioned throughput (null values on demand)
 * @param indexDecreases each GSI's decrease-quota state
 * @param maxReadRequestUnits on-demand read cap, -1 for none
 * @param maxWriteRequestUnits on-demand write cap, -1 for none
 * @param lastSwitchToOnDemand BillingModeSummary.LastUpdateToPayPerRequestDateTime, null if never
 */
public record ObservedCapacity(
    BillingMode mode,
    Throughput table,
    Decreases tableDecreases,
    Map<String, Throughput> indexes,
    Map<String, Decreases> indexDecreases,
    long maxReadRequestUnits,
    long maxWriteRequestUnits,
    Instant lastSwitchToOnDemand) {

  /** DescribeTable's NumberOfDecreasesToday and LastDecreaseDateTime (either may be null). */
  public record Decreases(Long today, Instant last) {
    /** Nothing known. */
    public static final Decreases NONE = new Decreases(null, null);
  }

  /** The decrease state of a GSI, {@link Decreases#NONE} when unknown. */
  public Decreases decreasesOf(String index) {
    return indexDecreases.getOrDefault(index, Decreases.NONE);
  }
}
