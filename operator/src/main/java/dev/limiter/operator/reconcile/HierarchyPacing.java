package dev.limiter.operator.reconcile;

import dev.limiter.operator.aws.HierarchyItems;

/**
 * How fast the operator may write a hierarchy's items: a share of a provisioned table's write
 * capacity, or a fixed rate on an on-demand table, whatever the hierarchies on the table are. Set
 * by the platform team (operator configuration), not by namespace users.
 *
 * @param provisionedPercent percent of the provisioned write units (1 to 100)
 * @param onDemandUnitsPerSecond write units per second on an on-demand table (at least 1)
 */
public record HierarchyPacing(int provisionedPercent, long onDemandUnitsPerSecond) {

  /** 10 % of provisioned capacity; 100 write units a second on demand. */
  public static final HierarchyPacing DEFAULT = new HierarchyPacing(10, 100);

  /** Validates the bounds. */
  public HierarchyPacing {
    if (provisionedPercent < 1 || provisionedPercent > 100) {
      throw new IllegalArgumentException(
          "the hierarchy write share must be 1 to 100 percent, got " + provisionedPercent);
    }
    if (onDemandUnitsPerSecond < 1) {
      throw new IllegalArgumentException(
          "the on-demand hierarchy write rate must be at least 1 unit a second, got "
              + onDemandUnitsPerSecond);
    }
  }

  /**
   * Write units per second the operator may use on the table {@code facts} describe (at least one).
   */
  public double unitsPerSecond(HierarchyItems.TableFacts facts) {
    if (facts.writeCapacityUnits() == null) {
      return onDemandUnitsPerSecond;
    }
    return Math.max(1, facts.writeCapacityUnits() * provisionedPercent / 100.0);
  }
}
