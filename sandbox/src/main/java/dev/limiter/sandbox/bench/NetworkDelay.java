package dev.limiter.sandbox.bench;

import java.time.Duration;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * Adds a fixed delay to every HTTP attempt, standing in for the in-region round trip that DynamoDB
 * Local on loopback does not have. Without it the benchmark measures only the local server's CPU,
 * where a read is nearly free and a write is not; with it, round trips count as they do against
 * real DynamoDB.
 */
final class NetworkDelay implements ExecutionInterceptor {

  private final Duration delay;

  NetworkDelay(Duration delay) {
    this.delay = delay;
  }

  @Override
  public void beforeTransmission(
      Context.BeforeTransmission context, ExecutionAttributes attributes) {
    if (delay.isZero()) {
      return;
    }
    try {
      Thread.sleep(delay.toMillis(), delay.toNanosPart() % 1_000_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while emulating network delay", e);
    }
  }
}
