package dev.limiter.operator.plan;

import dev.limiter.operator.api.BillingMode;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** What to do about a table's capacity in this pass: at most one UpdateTable. */
public sealed interface CapacityDecision {

  /** Nothing to change. */
  record InSync() implements CapacityDecision {}

  /**
   * Switch the billing mode. A switch to provisioned carries {@code throughput} for the table and
   * every GSI in {@code indexes}, in the same call, as DynamoDB requires.
   */
  record SwitchBillingMode(BillingMode to, Throughput throughput, Set<String> indexes)
      implements CapacityDecision {}

  /**
   * Change provisioned throughput; {@code table} null when only indexes change. {@code remaining}
   * is a further change the decrease quota holds back.
   */
  record UpdateThroughput(
      Throughput table, Map<String, Throughput> indexes, Optional<Deferral> remaining)
      implements CapacityDecision {}

  /** Change the on-demand caps ({@code -1} for none). */
  record UpdateOnDemandCaps(long maxReadRequestUnits, long maxWriteRequestUnits)
      implements CapacityDecision {}

  /** A change is due but not allowed yet. */
  record Deferred(Deferral deferral) implements CapacityDecision {}
}
