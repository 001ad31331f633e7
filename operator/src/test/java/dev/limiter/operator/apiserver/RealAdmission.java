package dev.limiter.operator.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.FieldValidateable.Validation;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * What a real kube-apiserver says to a custom resource: a dry-run create (or, with a stored
 * resource, a real create of that one and a dry-run update to the new one), with kubectl's strict
 * field validation. The answer is the server's refusals as {@code <field>: <message>}, one per
 * cause; empty when it admits the resource.
 */
public final class RealAdmission {

  /**
   * The start of the cause kube-apiserver adds, at no field, when it skipped CEL rules of an object
   * its schema refuses.
   */
  public static final String RULES_NOT_CHECKED =
      "<nil>: Invalid value: null: some validation rules were not checked";

  private static final AtomicInteger NAMES = new AtomicInteger();
  private static final Pattern UNKNOWN_FIELD = Pattern.compile("unknown field \"([^\"]+)\"");

  private final KubernetesClient client;

  public RealAdmission(KubernetesClient client) {
    this.client = client;
  }

  /** The refusals of creating {@code resource}. */
  public List<String> create(JsonNode resource) {
    GenericKubernetesResource object = toResource(resource);
    try {
      in(object).resource(object).dryRun().fieldValidation(Validation.STRICT).create();
      return List.of();
    } catch (KubernetesClientException e) {
      return refusals(e);
    }
  }

  /**
   * The refusals of updating {@code stored} (created here under a fresh name, for real) to {@code
   * resource}.
   *
   * @throws IllegalStateException when the server refuses {@code stored} itself
   */
  public List<String> update(JsonNode resource, JsonNode stored) {
    String name = stored.path("metadata").path("name").asText() + "-" + NAMES.incrementAndGet();
    GenericKubernetesResource old = toResource(renamed(stored, name));
    GenericKubernetesResource created;
    try {
      created = in(old).resource(old).fieldValidation(Validation.STRICT).create();
    } catch (KubernetesClientException e) {
      throw new IllegalStateException("the stored resource is refused: " + refusals(e), e);
    }
    GenericKubernetesResource updated = toResource(renamed(resource, name));
    updated.getMetadata().setResourceVersion(created.getMetadata().getResourceVersion());
    try {
      in(updated).resource(updated).dryRun().fieldValidation(Validation.STRICT).update();
      return List.of();
    } catch (KubernetesClientException e) {
      return refusals(e);
    } finally {
      in(created).withName(name).delete();
    }
  }

  private NonNamespaceOperation<
          GenericKubernetesResource,
          GenericKubernetesResourceList,
          Resource<GenericKubernetesResource>>
      in(GenericKubernetesResource object) {
    return client
        .genericKubernetesResources(object.getApiVersion(), object.getKind())
        .inNamespace(object.getMetadata().getNamespace());
  }

  private static ObjectNode renamed(JsonNode resource, String name) {
    ObjectNode copy = resource.deepCopy();
    copy.withObject("/metadata").put("name", name);
    return copy;
  }

  private static GenericKubernetesResource toResource(JsonNode resource) {
    return Serialization.unmarshal(resource.toString(), GenericKubernetesResource.class);
  }

  /**
   * The causes of a refusal as {@code field: message}; the status message when the server gives no
   * causes.
   */
  static List<String> refusals(KubernetesClientException e) {
    Status status = e.getStatus();
    if (status == null) {
      throw e;
    }
    if (status.getDetails() == null
        || status.getDetails().getCauses() == null
        || status.getDetails().getCauses().isEmpty()) {
      // strict field validation answers 400 with the unknown fields named in the message only
      List<String> unknown =
          UNKNOWN_FIELD
              .matcher(status.getMessage())
              .results()
              .map(match -> match.group(1) + ": unknown field")
              .toList();
      return unknown.isEmpty() ? List.of(status.getMessage()) : unknown;
    }
    return status.getDetails().getCauses().stream()
        .map(
            cause -> (cause.getField() == null ? "" : cause.getField() + ": ") + cause.getMessage())
        .toList();
  }
}
