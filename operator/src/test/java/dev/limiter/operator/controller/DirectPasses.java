package dev.limiter.operator.controller;

import dev.limiter.operator.LimiterOperator;
import dev.limiter.operator.api.RateLimiterTable;
import dev.limiter.operator.config.OperatorSettings;
import dev.limiter.operator.metrics.ReconcileMetrics;
import dev.limiter.operator.testing.FakeCloudWatch;
import dev.limiter.operator.testing.FakeDynamoDbTables;
import dev.limiter.operator.testing.FakeTableScaling;
import dev.limiter.operator.testing.KubeSteps;
import dev.limiter.operator.testing.LocalAws;
import dev.limiter.testkit.DynamoDbLocal;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The RateLimiterTable reconciler called pass by pass, without the Java Operator SDK around it, on
 * the mock API server (CRDs registered once per server) and {@link LocalAws}; a pass can be made to
 * lose its final status write to an API server failure.
 */
final class DirectPasses implements AutoCloseable {

  private final KubernetesMockServer server;
  private final KubernetesClient client;
  private final DynamoDbClient dynamo;
  private final LocalAws aws;
  private final KubeSteps<RateLimiterTable> kube;
  private final RateLimiterTableReconciler reconciler;
  private final Context<RateLimiterTable> context;

  DirectPasses(KubernetesMockServer server, KubernetesClient client, Clock clock) {
    this.server = server;
    this.client = client;
    this.kube = KubeSteps.tables(client, Duration.ofSeconds(30));
    for (String crd : LimiterOperator.CRD_RESOURCES) {
      try (InputStream yaml =
          Files.newInputStream(Path.of("../crds").resolve(Path.of(crd).getFileName().toString()))) {
        var definition = client.apiextensions().v1().customResourceDefinitions().load(yaml).item();
        if (client
                .apiextensions()
                .v1()
                .customResourceDefinitions()
                .withName(definition.getMetadata().getName())
                .get()
            == null) {
          client.resource(definition).create();
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    dynamo = DynamoDbLocal.shared().client();
    aws = LocalAws.on(dynamo, clock);
    reconciler =
        new RateLimiterTableReconciler(
            aws.access(),
            new OperatorSettings("us-east-1", null, Duration.ofMinutes(5), Set.of()),
            clock,
            new ReconcileMetrics(new SimpleMeterRegistry()));
    @SuppressWarnings("unchecked")
    Context<RateLimiterTable> onlyClient =
        (Context<RateLimiterTable>)
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
    context = onlyClient;
  }

  /**
   * One pass, with every write it makes, and the status patch the SDK makes when the reconciler
   * asks for one.
   */
  UpdateControl<RateLimiterTable> pass(String namespace, String name) {
    UpdateControl<RateLimiterTable> control = reconciler.reconcile(get(namespace, name), context);
    control
        .getResource()
        .filter(r -> control.isPatchStatus())
        .ifPresent(
            r ->
                client
                    .resources(RateLimiterTable.class)
                    .inNamespace(namespace)
                    .withName(name)
                    .editStatus(
                        current -> {
                          current.setStatus(r.getStatus());
                          return current;
                        }));
    return control;
  }

  /**
   * One pass whose final status write the API server refuses (409 Conflict on the status PATCH; the
   * client retries 5xx by itself), after everything else the pass does; returns the pass's answer.
   */
  UpdateControl<RateLimiterTable> lostPass(String namespace, String name) {
    server
        .expect()
        .patch()
        .withPath(
            "/apis/limiter.dev/v1alpha1/namespaces/"
                + namespace
                + "/ratelimitertables/"
                + name
                + "/status")
        .andReturn(
            409,
            new StatusBuilder()
                .withCode(409)
                .withReason("Conflict")
                .withMessage(
                    "injected: the object has been modified; please apply your changes to the"
                        + " latest version")
                .build())
        .once();
    return pass(namespace, name);
  }

  RateLimiterTable get(String namespace, String name) {
    return kube.get(namespace, name);
  }

  /** The DynamoDB control-plane calls that changed something, e.g. {@code updateTable …}. */
  List<String> tableMutations() {
    return aws.tableMutations();
  }

  FakeDynamoDbTables tables() {
    return aws.tables();
  }

  FakeCloudWatch cloudWatch() {
    return aws.cloudWatch();
  }

  FakeTableScaling scaling() {
    return aws.scaling();
  }

  @Override
  public void close() {
    dynamo.close();
  }
}
