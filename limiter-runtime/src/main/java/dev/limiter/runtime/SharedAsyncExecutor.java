package dev.limiter.runtime;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs blocking calls for {@link RateLimiter#acquireAsync} when only a synchronous client was
 * given: {@link RateLimiter#DEFAULT_ASYNC_THREADS} threads at most, shared by every limiter of the
 * process, and a bounded queue; past it an acquire fails at once rather than piling up threads.
 */
final class SharedAsyncExecutor {

  /** Calls that may wait for one of those threads; more fail at once. */
  private static final int QUEUE = 10_000;

  private static final AtomicInteger THREADS = new AtomicInteger();
  static final ExecutorService INSTANCE;

  static {
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            RateLimiter.DEFAULT_ASYNC_THREADS,
            RateLimiter.DEFAULT_ASYNC_THREADS,
            60,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(QUEUE),
            task -> {
              Thread thread = new Thread(task, "limiter-async-" + THREADS.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
    pool.allowCoreThreadTimeOut(true);
    INSTANCE = pool;
  }

  private SharedAsyncExecutor() {}
}
