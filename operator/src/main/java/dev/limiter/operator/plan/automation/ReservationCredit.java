package dev.limiter.operator.plan.automation;

import java.util.Comparator;
import java.util.List;

/**
 * The write units a capacity plan need not provision because entities' keys reserve locally. Pure.
 *
 * <p>Only an entity whose reservation declares {@code instances} is credited (the estimate of an
 * undeclared count is a lower bound, not a plan), and only while the declared acquires of the
 * credited entities are covered by the plan's {@code requestsPerSecond} (they are part of the
 * traffic the plan declares, or crediting them would take off writes the plan never counted). The
 * largest savings are credited first. Each credited entity still gets its estimated writes: the
 * credit is its acquires less its estimate, never more.
 *
 * @param entities how many entities are credited
 * @param acquiresPerSecond their declared acquires per second
 * @param writesPerSecond their estimated writes per second
 */
public record ReservationCredit(int entities, long acquiresPerSecond, long writesPerSecond) {

  /** No credit. */
  public static final ReservationCredit NONE = new ReservationCredit(0, 0, 0);

  /** The credit {@code demands} earn against a plan of {@code requestsPerSecond}. */
  public static ReservationCredit of(long requestsPerSecond, List<EntityDemand> demands) {
    List<ReservationEstimate> credited =
        demands.stream()
            .flatMap(demand -> demand.reservation().stream())
            .filter(estimate -> estimate.instances().isPresent() && estimate.writesSaved() > 0)
            .sorted(Comparator.comparingLong(ReservationEstimate::writesSaved).reversed())
            .toList();
    int entities = 0;
    long acquires = 0;
    long writes = 0;
    for (ReservationEstimate estimate : credited) {
      if (acquires + estimate.acquiresPerSecond() > requestsPerSecond) {
        continue;
      }
      entities++;
      acquires += estimate.acquiresPerSecond();
      writes += estimate.roundedWritesPerSecond();
    }
    return new ReservationCredit(entities, acquires, writes);
  }

  /** Writes per second the credit takes off the plan. */
  public long writesSaved() {
    return acquiresPerSecond - writesPerSecond;
  }
}
