package dev.limiter.operator.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.limiter.operator.api.EntityHierarchy;
import dev.limiter.operator.api.EntityHierarchyStatus;
import dev.limiter.operator.api.RateLimiterTable;
import dev.limiter.operator.api.RateLimiterTableStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.net.HttpURLConnection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The steps the operator's end-to-end tests take on the Kubernetes API for one kind of resource,
 * over one client: read a resource, edit it as a person would, list the events of an object and
 * wait for a condition; and finding a condition of a resource. Every wait gives up after the
 * duration the steps were made with.
 *
 * @param <T> the kind: {@link RateLimiterTable} ({@link #tables}) or {@link EntityHierarchy}
 *     ({@link #hierarchies})
 */
public final class KubeSteps<T extends HasMetadata & Namespaced> {

  private final KubernetesClient client;
  private final Class<T> kind;
  private final Duration wait;

  private KubeSteps(KubernetesClient client, Class<T> kind, Duration wait) {
    this.client = client;
    this.kind = kind;
    this.wait = wait;
  }

  /** Steps on RateLimiterTables over {@code client}, whose waits give up after {@code wait}. */
  public static KubeSteps<RateLimiterTable> tables(KubernetesClient client, Duration wait) {
    return new KubeSteps<>(client, RateLimiterTable.class, wait);
  }

  /** Steps on EntityHierarchies over {@code client}, whose waits give up after {@code wait}. */
  public static KubeSteps<EntityHierarchy> hierarchies(KubernetesClient client, Duration wait) {
    return new KubeSteps<>(client, EntityHierarchy.class, wait);
  }

  /** The resource {@code namespace/name}, or null when there is none. */
  public T get(String namespace, String name) {
    return client.resources(kind).inNamespace(namespace).withName(name).get();
  }

  /**
   * Changes the resource {@code namespace/name} with {@code change}, again when the API server
   * refuses it for a conflict with a write the operator made in between (as kubectl would).
   */
  public void edit(String namespace, String name, UnaryOperator<T> change) {
    await()
        .atMost(wait)
        .ignoreExceptionsMatching(
            e ->
                e instanceof KubernetesClientException k
                    && k.getCode() == HttpURLConnection.HTTP_CONFLICT)
        .until(
            () ->
                client.resources(kind).inNamespace(namespace).withName(name).edit(change) != null);
  }

  /** The events whose involved object is named {@code name}, in {@code namespace}. */
  public List<Event> events(String namespace, String name) {
    return client.v1().events().inNamespace(namespace).list().getItems().stream()
        .filter(event -> name.equals(event.getInvolvedObject().getName()))
        .toList();
  }

  /**
   * Waits until the condition {@code Ready} of the resource {@code namespace/name} is {@code True}.
   */
  public void awaitReady(String namespace, String name) {
    await()
        .atMost(wait)
        .untilAsserted(
            () -> {
              Condition ready = condition(get(namespace, name), "Ready");
              assertThat(ready.getStatus())
                  .as("Ready of %s: %s", name, ready.getMessage())
                  .isEqualTo("True");
            });
  }

  /**
   * Waits until the condition {@code type} of the resource {@code namespace/name} has {@code
   * status} and {@code reason}.
   */
  public void awaitCondition(
      String namespace, String name, String type, String status, String reason) {
    await()
        .atMost(wait)
        .untilAsserted(
            () -> {
              Condition condition = condition(get(namespace, name), type);
              assertThat(condition.getStatus() + " " + condition.getReason())
                  .as(condition.getMessage())
                  .isEqualTo(status + " " + reason);
            });
  }

  /**
   * Waits until the condition {@code Ready} of the resource {@code namespace/name} of {@code
   * context} is {@code True}, reading the resource as plain data (what the test sees then does not
   * depend on the model classes' reading of it).
   */
  public void awaitReadyAsPlainData(
      ResourceDefinitionContext context, String namespace, String name) {
    await()
        .atMost(wait)
        .untilAsserted(
            () ->
                assertThat(plainCondition(context, namespace, name, "Ready"))
                    .hasValueSatisfying(ready -> assertThat(ready.getStatus()).isEqualTo("True")));
  }

  /**
   * The condition {@code type} of the resource {@code namespace/name} of {@code context}, read as
   * plain data.
   */
  @SuppressWarnings("unchecked")
  public Optional<Condition> plainCondition(
      ResourceDefinitionContext context, String namespace, String name, String type) {
    GenericKubernetesResource resource =
        client.genericKubernetesResources(context).inNamespace(namespace).withName(name).get();
    Map<String, Object> status =
        resource == null
            ? null
            : (Map<String, Object>) resource.getAdditionalProperties().get("status");
    List<Map<String, Object>> conditions =
        status == null || status.get("conditions") == null
            ? List.of()
            : (List<Map<String, Object>>) status.get("conditions");
    return conditions.stream()
        .filter(c -> type.equals(c.get("type")))
        .map(c -> Serialization.jsonMapper().convertValue(c, Condition.class))
        .findFirst();
  }

  /**
   * The resource type {@code plural} (of {@code kind}) of the operator's API group, to read its
   * resources as plain data.
   */
  public static ResourceDefinitionContext definition(String plural, String kind) {
    return new ResourceDefinitionContext.Builder()
        .withGroup(RateLimiterTable.GROUP)
        .withVersion(RateLimiterTable.VERSION)
        .withPlural(plural)
        .withKind(kind)
        .withNamespaced(true)
        .build();
  }

  /**
   * The condition {@code type} of {@code resource}; fails the test when it has no status or no such
   * condition.
   */
  public static Condition condition(HasMetadata resource, String type) {
    assertThat(statusOf(resource)).as("status of %s", resource.getMetadata().getName()).isNotNull();
    return findCondition(resource, type)
        .orElseThrow(() -> new AssertionError("no condition " + type));
  }

  /**
   * The condition {@code type} of {@code resource}, empty when the resource, its status or the
   * condition is missing.
   */
  public static Optional<Condition> findCondition(HasMetadata resource, String type) {
    return conditions(resource).stream().filter(c -> c.getType().equals(type)).findFirst();
  }

  /** The conditions of {@code resource}, none when it, its status or its conditions are missing. */
  public static List<Condition> conditions(HasMetadata resource) {
    Object status = statusOf(resource);
    List<Condition> conditions = null;
    if (status instanceof RateLimiterTableStatus table) {
      conditions = table.conditions();
    } else if (status instanceof EntityHierarchyStatus hierarchy) {
      conditions = hierarchy.conditions();
    }
    return conditions == null ? List.of() : conditions;
  }

  /**
   * The status of a RateLimiterTable or an EntityHierarchy; null when it (or its status) is
   * missing.
   */
  private static Object statusOf(HasMetadata resource) {
    if (resource == null) {
      return null;
    }
    if (resource instanceof RateLimiterTable table) {
      return table.getStatus();
    }
    if (resource instanceof EntityHierarchy hierarchy) {
      return hierarchy.getStatus();
    }
    throw new IllegalArgumentException("no status known for " + resource.getKind());
  }
}
