package dev.limiter.operator.plan.hierarchy;

import java.util.List;

/**
 * What one pass does to a hierarchy's items.
 *
 * @param puts items to write (new or changed), at most the pass's budget
 * @param deletes owned items no longer desired, within what is left of the budget
 * @param conflicts desired items that exist and belong to someone else: never written
 * @param pending writes and deletes left for later passes
 */
public record HierarchyPlan(
    List<DesiredItem> puts, List<ItemKey> deletes, List<Conflict> conflicts, long pending) {

  /** A desired item that another owner (or nobody, when it was made outside the operator) holds. */
  public record Conflict(ItemKey key, String owner) {
    @Override
    public String toString() {
      return key.partition()
          + "/"
          + key.sort()
          + " (owned by "
          + (owner == null ? "no hierarchy" : owner)
          + ")";
    }
  }

  /** Whether the table holds exactly what the spec asks for. */
  public boolean converged() {
    return puts.isEmpty() && deletes.isEmpty() && pending == 0;
  }
}
