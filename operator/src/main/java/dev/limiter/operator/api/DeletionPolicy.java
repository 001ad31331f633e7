package dev.limiter.operator.api;

/**
 * What deleting a RateLimiterTable does to its DynamoDB table, or an EntityHierarchy to its items.
 */
public enum DeletionPolicy {
  /** Leave the table and everything around it in AWS (for a hierarchy: its items in the table). */
  Retain,
  /**
   * Delete the table, unless deletion protection is on (for a hierarchy: its items and its
   * entities' buckets).
   */
  Delete
}
