package dev.limiter.operator.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limiter.operator.api.Billing;
import dev.limiter.operator.api.BillingMode;
import dev.limiter.operator.api.EntityHierarchy;
import dev.limiter.operator.api.EntityHierarchySpec;
import dev.limiter.operator.api.LimitSpec;
import dev.limiter.operator.api.RateLimiterTable;
import dev.limiter.operator.api.RateLimiterTableSpec;
import dev.limiter.operator.api.RootEntity;
import dev.limiter.operator.api.TableRef;
import dev.limiter.operator.aws.SdkHierarchyItems;
import dev.limiter.operator.config.OperatorSettings;
import dev.limiter.operator.metrics.ReconcileMetrics;
import dev.limiter.testkit.DynamoDbLocal;
import dev.limiter.testkit.ManualClock;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A pass that changes nothing writes nothing: no status patch, so no watch event and no new
 * resourceVersion.
 */
@EnableKubernetesMockClient(crud = true)
class UnchangedStatusTest {

  static KubernetesMockServer server;
  static KubernetesClient client;

  private final ManualClock clock = ManualClock.at("2026-11-25T08:00:00Z");
  private DirectPasses passes;

  @BeforeEach
  void start() {
    passes = new DirectPasses(server, client, clock);
  }

  @AfterEach
  void stop() {
    passes.close();
  }

  @Test
  void aSecondPassOverAnUnchangedReadyTableMakesNoStatusWrite() throws InterruptedException {
    String ns = "unchanged-" + ProcessHandle.current().pid();
    readyTable(ns);
    passes.pass(ns, "limits");
    String version = passes.get(ns, "limits").getMetadata().getResourceVersion();
    takeRequests();

    passes.pass(ns, "limits");

    assertThat(takeRequests())
        .as("requests of the second pass")
        .noneMatch(
            request ->
                request.getPath().startsWith("/apis/limiter.dev/")
                    && !"GET".equals(request.getMethod()));
    assertThat(passes.get(ns, "limits").getMetadata().getResourceVersion()).isEqualTo(version);
  }

  @Test
  void aSecondPassOverAnUnchangedAppliedHierarchyAsksForNoStatusPatch() {
    String ns = "unchanged-eh-" + ProcessHandle.current().pid();
    readyTable(ns);
    EntityHierarchy hierarchy = new EntityHierarchy();
    hierarchy.setMetadata(new ObjectMetaBuilder().withNamespace(ns).withName("llm").build());
    hierarchy.setSpec(
        new EntityHierarchySpec(
            new TableRef("limits"),
            null,
            null,
            List.of(
                new RootEntity(
                    "project-1",
                    List.of(new LimitSpec("rpm", 60L, "1m", null)),
                    null,
                    null,
                    null,
                    null))));
    client.resource(hierarchy).create();
    EntityHierarchyReconciler reconciler =
        new EntityHierarchyReconciler(
            region -> new SdkHierarchyItems(DynamoDbLocal.shared().client()),
            new OperatorSettings("us-east-1", null, Duration.ofMinutes(5), Set.of()),
            clock,
            new ReconcileMetrics(new SimpleMeterRegistry()));
    UpdateControl<EntityHierarchy> first = hierarchyPass(reconciler, ns);
    assertThat(first.isPatchStatus()).as("the first pass writes its status").isTrue();
    assertThat(
            client
                .resources(EntityHierarchy.class)
                .inNamespace(ns)
                .withName("llm")
                .get()
                .getStatus()
                .conditions())
        .anySatisfy(
            c -> {
              assertThat(c.getType()).isEqualTo("Ready");
              assertThat(c.getStatus()).isEqualTo("True");
            });

    UpdateControl<EntityHierarchy> second = hierarchyPass(reconciler, ns);

    assertThat(second.isPatchStatus()).as("the second pass asks for a status patch").isFalse();
  }

  private void readyTable(String ns) {
    RateLimiterTable table = new RateLimiterTable();
    table.setMetadata(new ObjectMetaBuilder().withNamespace(ns).withName("limits").build());
    table.setSpec(
        new RateLimiterTableSpec(
            null,
            null,
            new Billing(BillingMode.OnDemand, null, null, null, null),
            false,
            false,
            false,
            false,
            null,
            Map.of(),
            null,
            null,
            null,
            null,
            null));
    client.resource(table).create();
    for (int i = 0; i < 3; i++) {
      passes.pass(ns, "limits");
      clock.advance(Duration.ofSeconds(10));
    }
    assertThat(passes.get(ns, "limits").getStatus().conditions())
        .anySatisfy(
            c -> {
              assertThat(c.getType()).isEqualTo("Ready");
              assertThat(c.getStatus()).isEqualTo("True");
            });
  }

  /** One hierarchy pass, with the status patch the SDK makes when the reconciler asks for one. */
  private static UpdateControl<EntityHierarchy> hierarchyPass(
      EntityHierarchyReconciler reconciler, String ns) {
    @SuppressWarnings("unchecked")
    Context<EntityHierarchy> context =
        (Context<EntityHierarchy>)
            Proxy.newProxyInstance(
                Context.class.getClassLoader(),
                new Class<?>[] {Context.class},
                (proxy, method, args) -> {
                  if (method.getName().equals("getClient")) {
                    return client;
                  }
                  throw new UnsupportedOperationException(
                      "the reconciler under test asked its context for " + method.getName());
                });
    UpdateControl<EntityHierarchy> control =
        reconciler.reconcile(
            client.resources(EntityHierarchy.class).inNamespace(ns).withName("llm").get(), context);
    control
        .getResource()
        .filter(r -> control.isPatchStatus())
        .ifPresent(
            r ->
                client
                    .resources(EntityHierarchy.class)
                    .inNamespace(ns)
                    .withName("llm")
                    .editStatus(
                        current -> {
                          current.setStatus(r.getStatus());
                          return current;
                        }));
    return control;
  }

  /** Every request the mock server received since the last call. */
  private static List<RecordedRequest> takeRequests() throws InterruptedException {
    List<RecordedRequest> taken = new ArrayList<>();
    for (RecordedRequest request = server.takeRequest(0, TimeUnit.SECONDS);
        request != null;
        request = server.takeRequest(0, TimeUnit.SECONDS)) {
      taken.add(request);
    }
    return taken;
  }
}
