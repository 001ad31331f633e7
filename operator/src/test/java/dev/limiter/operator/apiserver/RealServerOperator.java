package dev.limiter.operator.apiserver;

import dev.limiter.operator.LimiterOperator;
import dev.limiter.operator.config.OperatorSettings;
import dev.limiter.operator.plan.TablePolicy;
import dev.limiter.operator.reconcile.HierarchyPacing;
import dev.limiter.operator.testing.LocalAws;
import dev.limiter.testkit.DynamoDbLocal;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The operator as {@link LimiterOperator#createEmbedded} wires it, against a real API server
 * through a client of the given identity, and against DynamoDB Local behind the AWS-rules fakes
 * ({@link LocalAws}, as the mock-server tests' harness). Every request of its Kubernetes client is
 * recorded in {@link #calls()}.
 */
final class RealServerOperator implements AutoCloseable {

  private final KubernetesClient client;
  private final DynamoDbClient dynamo;
  private final Operator operator;
  private final ApiCalls calls;

  private RealServerOperator(
      KubernetesClient client, DynamoDbClient dynamo, Operator operator, ApiCalls calls) {
    this.client = client;
    this.dynamo = dynamo;
    this.operator = operator;
    this.calls = calls;
  }

  /** How the operator is started: its identity, what it watches, where it elects its leader. */
  record Launch(Config identity, Set<String> namespaces, String leaseNamespace) {}

  /**
   * An operator authenticated as {@code launch.identity()}, watching {@code launch.namespaces()}
   * (all when empty), electing its leader in {@code launch.leaseNamespace()} (none when null), not
   * yet started.
   */
  static RealServerOperator create(Launch launch) {
    return create(launch, null);
  }

  /**
   * As {@link #create(Launch)}, with {@code interceptor} (when not null) seeing every request of
   * the operator's client.
   */
  static RealServerOperator create(Launch launch, Interceptor interceptor) {
    ApiCalls calls = new ApiCalls();
    KubernetesClient client =
        new KubernetesClientBuilder()
            .withConfig(launch.identity())
            .withHttpClientBuilderConsumer(
                builder -> {
                  builder.addOrReplaceInterceptor("api-calls", calls);
                  if (interceptor != null) {
                    builder.addOrReplaceInterceptor("test", interceptor);
                  }
                })
            .build();
    Clock clock = Clock.systemUTC();
    DynamoDbClient dynamo = DynamoDbLocal.shared().client();
    OperatorSettings settings =
        new OperatorSettings(
            "us-east-1",
            DynamoDbLocal.shared().endpoint(),
            Duration.ofMinutes(5),
            launch.namespaces(),
            TablePolicy.NONE,
            HierarchyPacing.DEFAULT);
    Operator operator =
        LimiterOperator.createEmbedded(
            client,
            settings,
            LocalAws.access(dynamo, clock),
            clock,
            launch.leaseNamespace(),
            new SimpleMeterRegistry());
    return new RealServerOperator(client, dynamo, operator, calls);
  }

  /** Starts the controllers (and the leader election); throws when the SDK cannot start them. */
  void start() {
    operator.start();
  }

  /** The requests the operator's client made, with their answers. */
  ApiCalls calls() {
    return calls;
  }

  @Override
  public void close() {
    operator.stop();
    client.close();
    dynamo.close();
  }
}
