package dev.limiter.operator.reconcile;

import dev.limiter.operator.metrics.ReconcileMetrics;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;

/** Emits the operator's Kubernetes events on the resource they concern, and counts them. */
final class KubernetesEvents {

  private final ReconcileMetrics metrics;

  KubernetesEvents(ReconcileMetrics metrics) {
    this.metrics = metrics;
  }

  void emit(KubernetesClient client, HasMetadata resource, TableReconciliation.Event event, Instant now) {
    metrics.event(event.warning(), event.reason());
    client.v1().events().inNamespace(resource.getMetadata().getNamespace()).resource(new EventBuilder()
        .withNewMetadata()
          .withGenerateName(resource.getMetadata().getName() + ".")
          .withNamespace(resource.getMetadata().getNamespace())
        .endMetadata()
        .withInvolvedObject(new ObjectReferenceBuilder()
            .withApiVersion(resource.getApiVersion())
            .withKind(resource.getKind())
            .withName(resource.getMetadata().getName())
            .withNamespace(resource.getMetadata().getNamespace())
            .withUid(resource.getMetadata().getUid())
            .build())
        .withType(event.warning() ? "Warning" : "Normal")
        .withReason(event.reason())
        .withMessage(event.message())
        .withFirstTimestamp(now.toString())
        .withLastTimestamp(now.toString())
        .withCount(1)
        .withNewSource().withComponent("limiter-operator").endSource()
        .build()).create();
  }
}
