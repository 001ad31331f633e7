package dev.limiter.operator.api;

/** DynamoDB capacity mode. */
public enum BillingMode {
  /** Provisioned read and write capacity units. */
  Provisioned,
  /** On-demand (pay per request). */
  OnDemand
}
