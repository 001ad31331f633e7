package dev.limiter.sandbox.bench;

import dev.limiter.runtime.Limit;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BucketConfiguration;
import java.time.Duration;

/**
 * One token bucket, stated once and translated for both engines so that they always enforce the
 * same limit: {@code capacity} tokens, refilled greedily by {@code refillTokens} per {@code
 * refillPeriod}.
 */
record BucketSpec(long capacity, long refillTokens, Duration refillPeriod) {

  /** The name of the single limit on our side; each acquire takes one token of it. */
  static final String LIMIT_NAME = "rps";

  /** As our limiter's {@link Limit}. */
  Limit toLimit() {
    return Limit.of(LIMIT_NAME, capacity, refillTokens, refillPeriod);
  }

  /** As a Bucket4j configuration with one greedily refilled bandwidth. */
  BucketConfiguration toBucket4j() {
    return BucketConfiguration.builder()
        .addLimit(
            Bandwidth.builder().capacity(capacity).refillGreedy(refillTokens, refillPeriod).build())
        .build();
  }

  /** Most tokens a bucket, full at the start, may admit over {@code elapsedNanos}. */
  double admissionBound(long elapsedNanos) {
    return capacity + (double) refillTokens * elapsedNanos / refillPeriod.toNanos();
  }

  @Override
  public String toString() {
    return "capacity "
        + capacity
        + ", refill "
        + refillTokens
        + "/"
        + refillPeriod.toSeconds()
        + "s";
  }
}
