package dev.limiter.runtime;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** Waits for the limiter's futures, rethrowing their failures unwrapped. */
final class Futures {

  private Futures() {}

  /** The future's value; its failure unwrapped ({@link #rethrow}) when it failed. */
  static <T> T join(CompletableFuture<T> future) {
    try {
      return future.join();
    } catch (CompletionException e) {
      throw rethrow(DynamoDbGateway.unwrap(e));
    }
  }

  /**
   * Throws {@code cause} as is when unchecked; wrapped in a {@link RateLimiterException} otherwise.
   */
  static RuntimeException rethrow(Throwable cause) {
    if (cause instanceof RuntimeException runtime) {
      throw runtime;
    }
    if (cause instanceof Error error) {
      throw error;
    }
    throw new RateLimiterException("limiter call failed", cause);
  }
}
