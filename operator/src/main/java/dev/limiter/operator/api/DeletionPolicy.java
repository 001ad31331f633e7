package dev.limiter.operator.api;

/** What deleting a RateLimiterTable does to its DynamoDB table. */
public enum DeletionPolicy {
  /** Leave the table and everything around it in AWS. */
  Retain,
  /** Delete the table, unless deletion protection is on. */
  Delete
}
