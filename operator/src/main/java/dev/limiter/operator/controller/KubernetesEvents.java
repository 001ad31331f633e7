package dev.limiter.operator.controller;

import dev.limiter.operator.metrics.ReconcileMetrics;
import dev.limiter.operator.reconcile.TableReconciliation;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.net.HttpURLConnection;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Emits the operator's Kubernetes events on the resource they concern, and counts them. An event
 * repeating one already emitted (same object, type, reason and message) is not a new Event: the
 * existing one's count and last timestamp advance, as Kubernetes' own event recorders do, so a
 * warning repeated every pass stays one line in {@code kubectl describe}.
 */
final class KubernetesEvents {

  /** Distinct events remembered for aggregation, as client-go's correlator keeps. */
  private static final int REMEMBERED = 4096;

  private final ReconcileMetrics metrics;

  /** The Event each distinct event was recorded in, least recently emitted first. */
  private final Map<Key, Recorded> recorded =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Recorded> eldest) {
          return size() > REMEMBERED;
        }
      };

  KubernetesEvents(ReconcileMetrics metrics) {
    this.metrics = metrics;
  }

  /** What makes two events the same. */
  private record Key(
      String namespace,
      String kind,
      String name,
      String uid,
      boolean warning,
      String reason,
      String message) {}

  /** The Event an event was recorded in, and how often it happened. */
  private record Recorded(String name, int count) {}

  void emit(
      KubernetesClient client, HasMetadata resource, TableReconciliation.Event event, Instant now) {
    metrics.event(event.warning(), event.reason());
    String namespace = resource.getMetadata().getNamespace();
    Key key =
        new Key(
            namespace,
            resource.getKind(),
            resource.getMetadata().getName(),
            resource.getMetadata().getUid(),
            event.warning(),
            event.reason(),
            event.message());
    Recorded last;
    synchronized (recorded) {
      last = recorded.get(key);
    }
    if (last != null && repeat(client, namespace, last, now)) {
      remember(key, new Recorded(last.name(), last.count() + 1));
      return;
    }
    Event created =
        client
            .v1()
            .events()
            .inNamespace(namespace)
            .resource(
                new EventBuilder()
                    .withNewMetadata()
                    .withGenerateName(resource.getMetadata().getName() + ".")
                    .withNamespace(namespace)
                    .endMetadata()
                    .withInvolvedObject(
                        new ObjectReferenceBuilder()
                            .withApiVersion(resource.getApiVersion())
                            .withKind(resource.getKind())
                            .withName(resource.getMetadata().getName())
                            .withNamespace(namespace)
                            .withUid(resource.getMetadata().getUid())
                            .build())
                    .withType(event.warning() ? "Warning" : "Normal")
                    .withReason(event.reason())
                    .withMessage(event.message())
                    .withFirstTimestamp(now.toString())
                    .withLastTimestamp(now.toString())
                    .withCount(1)
                    .withNewSource()
                    .withComponent("limiter-operator")
                    .endSource()
                    .build())
            .create();
    remember(key, new Recorded(created.getMetadata().getName(), 1));
  }

  /**
   * Advances the recorded Event's count and last timestamp; false when it is gone (Events expire).
   * The patch names the Event it applies to: patching by name alone, the client would read the
   * Event first, which needs a permission ({@code get events}) the operator does not otherwise use.
   */
  private static boolean repeat(
      KubernetesClient client, String namespace, Recorded last, Instant now) {
    String patch = "{\"count\":" + (last.count() + 1) + ",\"lastTimestamp\":\"" + now + "\"}";
    Event recorded =
        new EventBuilder()
            .withNewMetadata()
            .withName(last.name())
            .withNamespace(namespace)
            .endMetadata()
            .build();
    try {
      client
          .v1()
          .events()
          .inNamespace(namespace)
          .resource(recorded)
          .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
        return false;
      }
      throw e;
    }
  }

  private void remember(Key key, Recorded value) {
    synchronized (recorded) {
      recorded.put(key, value);
    }
  }
}
