package dev.limiter.sandbox;

import dev.limiter.operator.api.RateLimiterTable;
import dev.limiter.operator.api.RateLimiterTableStatus;
import dev.limiter.operator.reconcile.RateLimiterTableReconciler;
import dev.limiter.runtime.RateLimiter;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Condition;
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
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The sandbox's demo: applies the manifests in {@code config/samples/} as {@code kubectl apply}
 * would, waits until every RateLimiterTable is Ready, prints their status, then runs acquires
 * through a limiter built from the ConfigMap the operator published, as a workload would.
 */
final class SandboxDemo {

  /** Reasons after which waiting longer cannot make a resource Ready. */
  private static final Set<String> TERMINAL = Set.of("InvalidSpec", "TableConflict");

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
    List<ObjectMeta> tables = apply(client, samples);
    if (tables.isEmpty()) {
      throw new IllegalStateException("no RateLimiterTable in " + samples);
    }
    out.printf("%nWaiting for %d RateLimiterTable(s) to become Ready ...%n", tables.size());
    List<RateLimiterTable> ready = new ArrayList<>();
    for (ObjectMeta table : tables) {
      ready.add(awaitReady(client, table.getNamespace(), table.getName()));
    }
    printStatus(ready);

    RateLimiterTable first = ready.get(0);
    String configMapName = first.getMetadata().getName() + RateLimiterTableReconciler.CONFIG_MAP_SUFFIX;
    ConfigMap configMap = client.configMaps().inNamespace(first.getMetadata().getNamespace()).withName(configMapName).get();
    if (configMap == null) {
      throw new IllegalStateException("the operator published no ConfigMap " + configMapName);
    }
    out.printf("%nConfigMap %s/%s, what a workload's envFrom sees: %s%n",
        first.getMetadata().getNamespace(), configMapName, configMap.getData());
    out.println("A workload builds its limiter with RateLimiter.fromEnvironment() from those variables.");
    // The outage step restarts DynamoDB Local; without the operator nothing recreates or adopts tables meanwhile.
    sandbox.stopOperator();
    try (RateLimiter limiter = RateLimiter.fromEnvironment(configMap.getData())) {
      new RuntimeTour(out, sandbox.dynamoDb(), configMap.getData().get("LIMITER_TABLE_NAME")).run(limiter);
    }
    out.printf("%nDemo finished.%n");
  }

  /** Applies every manifest in {@code samples}; returns the RateLimiterTables among them. */
  private List<ObjectMeta> apply(KubernetesClient client, Path samples) throws IOException {
    List<Path> files;
    try (Stream<Path> list = Files.list(samples)) {
      files = list.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml")).sorted().toList();
    }
    List<ObjectMeta> tables = new ArrayList<>();
    for (Path file : files) {
      List<HasMetadata> items;
      try (InputStream in = Files.newInputStream(file)) {
        items = client.load(in).items();
      }
      for (HasMetadata item : items) {
        String namespace = item.getMetadata().getNamespace();
        if (namespace != null) {
          client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
              .createOr(NonDeletingOperation::update);
        }
        HasMetadata applied = client.resource(item).createOr(NonDeletingOperation::update);
        out.printf("applied %s %s/%s (from %s)%n", applied.getKind(), namespace, applied.getMetadata().getName(), file.getFileName());
        if (HasMetadata.getKind(RateLimiterTable.class).equals(applied.getKind())
            && HasMetadata.getApiVersion(RateLimiterTable.class).equals(applied.getApiVersion())) {
          tables.add(applied.getMetadata());
        }
      }
    }
    return tables;
  }

  private RateLimiterTable awaitReady(KubernetesClient client, String namespace, String name) throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    while (true) {
      RateLimiterTable table = client.resources(RateLimiterTable.class).inNamespace(namespace).withName(name).get();
      Optional<Condition> ready = condition(table, "Ready");
      boolean current = table != null && table.getStatus() != null
          && table.getMetadata().getGeneration().equals(table.getStatus().observedGeneration());
      if (current && ready.isPresent() && "True".equals(ready.get().getStatus())) {
        return table;
      }
      if (current && ready.isPresent() && TERMINAL.contains(ready.get().getReason())) {
        throw new IllegalStateException(namespace + "/" + name + " cannot become Ready: " + ready.get().getReason()
            + ": " + ready.get().getMessage());
      }
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException(namespace + "/" + name + " is not Ready after " + timeout.toSeconds() + " s: "
            + ready.map(c -> c.getReason() + ": " + c.getMessage()).orElse("no Ready condition yet"));
      }
      Thread.sleep(200);
    }
  }

  private void printStatus(List<RateLimiterTable> tables) {
    out.printf("%n%-10s %-12s %-6s %-20s %-12s %-5s %-5s%n", "NAMESPACE", "NAME", "READY", "TABLE", "BILLING", "READ", "WRITE");
    for (RateLimiterTable table : tables) {
      RateLimiterTableStatus status = table.getStatus();
      out.printf("%-10s %-12s %-6s %-20s %-12s %-5s %-5s%n", table.getMetadata().getNamespace(), table.getMetadata().getName(),
          condition(table, "Ready").map(Condition::getStatus).orElse(""), status.tableName(), status.billingMode(),
          orEmpty(status.readCapacityUnits()), orEmpty(status.writeCapacityUnits()));
    }
    for (RateLimiterTable table : tables) {
      out.printf("%n%s/%s conditions:%n", table.getMetadata().getNamespace(), table.getMetadata().getName());
      for (Condition c : table.getStatus().conditions()) {
        out.printf("  %-20s %-7s %-22s %s%n", c.getType(), c.getStatus(), c.getReason(), c.getMessage());
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
    return table.getStatus().conditions().stream().filter(c -> type.equals(c.getType())).findFirst();
  }
}
