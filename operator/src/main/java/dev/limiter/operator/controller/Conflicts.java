package dev.limiter.operator.controller;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.time.Duration;

/**
 * A write of the operator refused with 409 Conflict: the object changed since the pass read it (a
 * user edited the spec, another pass wrote its status). Nothing failed — the change that caused it
 * brings a new pass, which reads the new version — so it is no ReconcileError to report on the
 * resource, only a reason to look again soon.
 */
final class Conflicts {

  /**
   * When a pass that met a conflict is tried again at the latest (the change's own event usually
   * comes first).
   */
  static final Duration RETRY = NextPass.MIN_DELAY;

  private Conflicts() {}

  /** Whether {@code failure}, or one of its causes, is the API server's 409 Conflict. */
  static boolean isConflict(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof KubernetesClientException e
          && e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
        return true;
      }
    }
    return false;
  }
}
