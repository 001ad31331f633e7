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
   * 4 WCU per acquire (transactions cost two units per item). With local reservation, a side this
   * instance's reservation admits, or that reserves first by a write of its own (the request's
   * tokens inside the reservation), stands apart and only the other side is written, alone (1 WCU);
   * if that refuses, the side goes back to the reservation with no write, so it stays all or
   * nothing. A reservation that is not kept leaves both sides to one transaction.
   */
  TRANSACTION
}
