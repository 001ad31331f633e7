package dev.limiter.operator.apiserver;

import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Installed in the operator's client: once armed, changes an object's spec as a user would (through
 * another client) just before the operator's next write of that object's status leaves, so that the
 * write is based on a version that is no longer current — the race a busy cluster produces now and
 * then, produced here every time.
 */
final class SpecChangeBeforeStatusWrite implements Interceptor {

  private final AtomicReference<Armed> armed = new AtomicReference<>();
  private final AtomicInteger fired = new AtomicInteger();

  /**
   * What to do before the status write to {@code statusPath} (the object's {@code .../status} URL
   * path).
   */
  private record Armed(String statusPath, Runnable userChange) {}

  /** Before the next status write to {@code statusPath}, run {@code userChange}; once. */
  void arm(String statusPath, Runnable userChange) {
    armed.set(new Armed(statusPath, userChange));
  }

  /** How often a user change ran before a status write. */
  int fired() {
    return fired.get();
  }

  @Override
  public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
    Armed current = armed.get();
    boolean write = "PUT".equals(request.method()) || "PATCH".equals(request.method());
    if (current != null
        && write
        && request.uri().getPath().equals(current.statusPath())
        && armed.compareAndSet(current, null)) {
      current.userChange().run();
      fired.incrementAndGet();
    }
  }
}
