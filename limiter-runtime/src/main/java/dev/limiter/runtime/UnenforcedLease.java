package dev.limiter.runtime;

import java.util.Map;

/** The lease of an acquire admitted without DynamoDB under {@link OnUnavailable#ALLOW}. */
final class UnenforcedLease implements Lease {

  static final UnenforcedLease INSTANCE = new UnenforcedLease();

  private UnenforcedLease() {}

  @Override
  public Map<String, Long> consumed() {
    return Map.of();
  }

  @Override
  public void adjust(Map<String, Long> deltas) {
    // Nothing was taken, so there is nothing to adjust.
  }

  @Override
  public void rollback() {
    // Nothing was taken, so there is nothing to give back.
  }

  @Override
  public boolean enforced() {
    return false;
  }

  @Override
  public void close() {
    // Nothing pending.
  }
}
