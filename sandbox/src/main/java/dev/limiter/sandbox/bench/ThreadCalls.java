package dev.limiter.sandbox.bench;

import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * Counts the DynamoDB calls each thread starts, so that a synchronous acquire's calls can be told
 * apart from another's: the difference of {@link #current()} before and after it.
 *
 * <p>Exact for engines that call DynamoDB on the acquiring thread. A call one thread makes on
 * behalf of others (Bucket4j's batching, where one waiting request carries the others') counts for
 * the thread that made it.
 */
final class ThreadCalls implements ExecutionInterceptor {

  private static final ThreadLocal<long[]> COUNT = ThreadLocal.withInitial(() -> new long[1]);

  @Override
  public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
    COUNT.get()[0]++;
  }

  /** Calls started by this thread so far, through any client carrying this interceptor. */
  static long current() {
    return COUNT.get()[0];
  }
}
