package dev.limiter.sandbox;

import dev.limiter.operator.api.EntityHierarchy;
import dev.limiter.operator.api.RateLimiterTable;
import dev.limiter.operator.api.RateLimiterTableStatus;
import dev.limiter.operator.plan.WorkloadConfigMap;
import dev.limiter.runtime.RateLimiter;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The sandbox's demo: applies the manifests in {@code config/samples/} as {@code kubectl apply}
 * would, waits until every RateLimiterTable is Ready, prints their status, then runs acquires
 * through a limiter built from the ConfigMap the operator published, as a workload would.
 */
final class SandboxDemo {

  /** Reasons after which waiting longer cannot make a resource Ready. */
  private static final Set<String> TERMINAL = Set.of("InvalidSpec", "TableConflict", "Conflict");

  private final Sandbox sandbox;
  private final PrintStream out;
  private final Duration timeout;

  SandboxDemo(Sandbox sandbox, PrintStream out, Duration timeout) {
    this.sandbox = sandbox;
    this.out = out;
    this.timeout = timeout;
  }

  /** Runs the demo; throws {@link IllegalStateException} when a resource does not become Ready. */
  void run(Path samples) throws IOException, InterruptedException {
    KubernetesClient client = sandbox.kubernetes();
    List<HasMetadata> applied = apply(client, samples);
    List<ObjectMeta> tables = ofKind(applied, RateLimiterTable.class);
    if (tables.isEmpty()) {
      throw new IllegalStateException("no RateLimiterTable in " + samples);
    }
    out.printf("%nWaiting for %d RateLimiterTable(s) to become Ready ...%n", tables.size());
    List<RateLimiterTable> ready = new ArrayList<>();
    for (ObjectMeta table : tables) {
      ready.add(
          awaitReady(
              client,
              RateLimiterTable.class,
              table,
              RateLimiterTable::getStatus,
              status -> status.observedGeneration(),
              status -> status.conditions()));
    }
    printStatus(ready);
    List<EntityHierarchy> hierarchies = new ArrayList<>();
    for (ObjectMeta hierarchy : ofKind(applied, EntityHierarchy.class)) {
      hierarchies.add(
          awaitReady(
              client,
              EntityHierarchy.class,
              hierarchy,
              EntityHierarchy::getStatus,
              status -> status.observedGeneration(),
              status -> status.conditions()));
    }
    for (EntityHierarchy hierarchy : hierarchies) {
      out.printf(
          "%nEntityHierarchy %s/%s Ready in table %s: %d entities, %d limit sets, %d shards%n",
          hierarchy.getMetadata().getNamespace(),
          hierarchy.getMetadata().getName(),
          hierarchy.getStatus().tableName(),
          hierarchy.getStatus().entities(),
          hierarchy.getStatus().limits(),
          hierarchy.getStatus().shards());
    }

    RateLimiterTable first = ready.get(0);
    ConfigMap configMap =
        configMap(client, first.getMetadata().getNamespace(), first.getMetadata().getName());
    out.printf(
        "%nConfigMap %s/%s, what a workload's envFrom sees: %s%n",
        first.getMetadata().getNamespace(), configMap.getMetadata().getName(), configMap.getData());
    out.println(
        "A workload builds its limiter with RateLimiter.fromEnvironment() from those variables.");
    for (EntityHierarchy hierarchy : hierarchies) {
      Map<String, String> environment =
          configMap(
                  client,
                  hierarchy.getMetadata().getNamespace(),
                  hierarchy.getSpec().tableRef().name())
              .getData();
      try (RateLimiter limiter = RateLimiter.fromEnvironment(environment);
          DynamoDbClient inspection = sandbox.dynamoDb().inspectionClient()) {
        new HierarchyTour(out, inspection).run(hierarchy, limiter);
      }
    }
    // The outage step restarts DynamoDB Local; without the operator nothing recreates or adopts
    // tables meanwhile.
    sandbox.stopOperator();
    try (RateLimiter limiter = RateLimiter.fromEnvironment(configMap.getData())) {
      new RuntimeTour(out, sandbox.dynamoDb(), configMap.getData().get("LIMITER_TABLE_NAME"))
          .run(limiter);
    }
    out.printf("%nDemo finished.%n");
  }

  private static ConfigMap configMap(
      KubernetesClient client, String namespace, String tableResource) {
    String name = tableResource + WorkloadConfigMap.SUFFIX;
    ConfigMap configMap = client.configMaps().inNamespace(namespace).withName(name).get();
    if (configMap == null) {
      throw new IllegalStateException(
          "the operator published no ConfigMap " + namespace + "/" + name);
    }
    return configMap;
  }

  private static List<ObjectMeta> ofKind(
      List<HasMetadata> applied, Class<? extends HasMetadata> type) {
    return applied.stream()
        .filter(
            item ->
                HasMetadata.getKind(type).equals(item.getKind())
                    && HasMetadata.getApiVersion(type).equals(item.getApiVersion()))
        .map(HasMetadata::getMetadata)
        .toList();
  }

  /** Applies every manifest in {@code samples}; returns what it applied. */
  private List<HasMetadata> apply(KubernetesClient client, Path samples) throws IOException {
    List<Path> files;
    try (Stream<Path> list = Files.list(samples)) {
      files =
          list.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))
              .sorted()
              .toList();
    }
    List<HasMetadata> applied = new ArrayList<>();
    for (Path file : files) {
      List<HasMetadata> items;
      try (InputStream in = Files.newInputStream(file)) {
        items = client.load(in).items();
      }
      for (HasMetadata item : items) {
        String namespace = item.getMetadata().getNamespace();
        if (namespace != null) {
          client
              .namespaces()
              .resource(
                  new NamespaceBuilder()
                      .withNewMetadata()
                      .withName(namespace)
                      .endMetadata()
                      .build())
              .createOr(NonDeletingOperation::update);
        }
        HasMetadata result = client.resource(item).createOr(NonDeletingOperation::update);
        out.printf(
            "applied %s %s/%s (from %s)%n",
            result.getKind(), namespace, result.getMetadata().getName(), file.getFileName());
        applied.add(result);
      }
    }
    return applied;
  }

  private <T extends HasMetadata, S> T awaitReady(
      KubernetesClient client,
      Class<T> type,
      ObjectMeta meta,
      Function<T, S> status,
      Function<S, Long> observedGeneration,
      Function<S, List<Condition>> conditions)
      throws InterruptedException {
    String where = meta.getNamespace() + "/" + meta.getName();
    Instant deadline = Instant.now().plus(timeout);
    while (true) {
      T resource =
          client.resources(type).inNamespace(meta.getNamespace()).withName(meta.getName()).get();
      S current = resource == null ? null : status.apply(resource);
      Optional<Condition> ready =
          current == null || conditions.apply(current) == null
              ? Optional.empty()
              : conditions.apply(current).stream()
                  .filter(c -> "Ready".equals(c.getType()))
                  .findFirst();
      boolean observed =
          current != null
              && resource.getMetadata().getGeneration().equals(observedGeneration.apply(current));
      if (observed && ready.isPresent() && "True".equals(ready.get().getStatus())) {
        return resource;
      }
      if (observed && ready.isPresent() && TERMINAL.contains(ready.get().getReason())) {
        throw new IllegalStateException(
            where
                + " cannot become Ready: "
                + ready.get().getReason()
                + ": "
                + ready.get().getMessage());
      }
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException(
            where
                + " is not Ready after "
                + timeout.toSeconds()
                + " s: "
                + ready
                    .map(c -> c.getReason() + ": " + c.getMessage())
                    .orElse("no Ready condition yet"));
      }
      Thread.sleep(200);
    }
  }

  private void printStatus(List<RateLimiterTable> tables) {
    out.printf(
        "%n%-10s %-12s %-6s %-20s %-12s %-5s %-5s%n",
        "NAMESPACE", "NAME", "READY", "TABLE", "BILLING", "READ", "WRITE");
    for (RateLimiterTable table : tables) {
      RateLimiterTableStatus status = table.getStatus();
      out.printf(
          "%-10s %-12s %-6s %-20s %-12s %-5s %-5s%n",
          table.getMetadata().getNamespace(),
          table.getMetadata().getName(),
          condition(table, "Ready").map(Condition::getStatus).orElse(""),
          status.tableName(),
          status.billingMode(),
          orEmpty(status.readCapacityUnits()),
          orEmpty(status.writeCapacityUnits()));
    }
    for (RateLimiterTable table : tables) {
      out.printf(
          "%n%s/%s conditions:%n",
          table.getMetadata().getNamespace(), table.getMetadata().getName());
      for (Condition c : table.getStatus().conditions()) {
        out.printf(
            "  %-20s %-7s %-22s %s%n", c.getType(), c.getStatus(), c.getReason(), c.getMessage());
      }
    }
  }

  private static String orEmpty(Long value) {
    return value == null ? "" : value.toString();
  }

  private static Optional<Condition> condition(RateLimiterTable table, String type) {
    if (table == null || table.getStatus() == null || table.getStatus().conditions() == null) {
      return Optional.empty();
    }
    return table.getStatus().conditions().stream()
        .filter(c -> type.equals(c.getType()))
        .findFirst();
  }
}
