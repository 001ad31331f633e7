package dev.limiter.runtime;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The lease of an acquire on a cascading child: the child's and the parent's bucket leases moved
 * together. Adjustments reach the parent for the limits it has; rollback and close act on both.
 */
final class CascadeLease implements Lease {

  private final Lease child;
  private final Lease parent;
  private final Set<String> parentLimits;

  CascadeLease(Lease child, Lease parent, Set<String> parentLimits) {
    this.child = child;
    this.parent = parent;
    this.parentLimits = Set.copyOf(parentLimits);
  }

  @Override
  public Map<String, Long> consumed() {
    return child.consumed();
  }

  @Override
  public void adjust(Map<String, Long> deltas) {
    child.adjust(deltas);
    Map<String, Long> forParent = new LinkedHashMap<>();
    deltas.forEach(
        (name, delta) -> {
          if (parentLimits.contains(name)) {
            forParent.put(name, delta);
          }
        });
    if (!forParent.isEmpty()) {
      parent.adjust(forParent);
    }
  }

  @Override
  public void rollback() {
    try {
      child.rollback();
    } finally {
      parent.rollback();
    }
  }

  @Override
  public boolean enforced() {
    return true;
  }

  @Override
  public void close() {
    try {
      child.close();
    } finally {
      parent.close();
    }
  }
}
