package dev.limiter.runtime;

/** How an acquire on a cascading child writes the child's and the parent's buckets. */
public enum CascadeMode {
  /**
   * Both writes at once, 2 WCU in steady state; when exactly one is refused the other is refunded
   * by a third write. Between the two writes a concurrent caller may see the admitted side's tokens
   * taken for a moment (it errs towards admitting less).
   */
  PARALLEL,
  /**
   * Both writes in one DynamoDB transaction: all or nothing, never a visible intermediate state, at
   * 4 WCU per acquire (transactions cost two units per item).
   */
  TRANSACTION
}
