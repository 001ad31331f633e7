package dev.limiter.operator.api;

/** Whether global secondary indexes scale with the table. */
public enum IndexScaling {
  /** Every GSI gets the table's bounds and targets. */
  Inherit,
  /** Only the table scales. */
  None
}
