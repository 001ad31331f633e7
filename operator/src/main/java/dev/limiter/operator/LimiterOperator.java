package dev.limiter.operator;

import dev.limiter.operator.aws.DynamoDbTables;
import dev.limiter.operator.reconcile.OperatorSettings;
import dev.limiter.operator.reconcile.RateLimiterTableReconciler;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import java.time.Clock;
import java.util.List;
import java.util.function.Function;

/**
 * The operator process: configuration from flags and the environment ({@link OperatorSettings}), leader
 * election through a Lease in {@code POD_NAMESPACE} when running in a cluster, and the
 * controllers.
 */
public final class LimiterOperator {

  /** Name of the leader-election Lease. */
  public static final String LEASE_NAME = "limiter-operator-leader";
  /** Classpath locations of the CRDs this operator serves (the files of {@code crds/}). */
  public static final List<String> CRD_RESOURCES = List.of("/META-INF/crds/ratelimitertables.limiter.dev-v1.yml");

  private LimiterOperator() {}

  /** Starts the operator until the JVM is stopped; flags as in {@link OperatorSettings#fromArguments}. */
  public static void main(String[] args) {
    OperatorSettings settings = OperatorSettings.fromArguments(args, System.getenv());
    RegionalDynamoDb dynamoDb = new RegionalDynamoDb(settings.endpoint());
    Operator operator = create(new KubernetesClientBuilder().build(), settings, dynamoDb::tables, Clock.systemUTC(),
        System.getenv("POD_NAMESPACE"));
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      operator.stop();
      dynamoDb.close();
    }, "limiter-operator-stop"));
    operator.start();
  }

  /**
   * An operator over {@code client}, not yet started. Status is patched without server-side apply
   * so that production and the tests' mock API server behave alike; leader election is on when
   * {@code leaseNamespace} is given.
   */
  public static Operator create(KubernetesClient client, OperatorSettings settings,
                                Function<String, DynamoDbTables> tablesInRegion, Clock clock, String leaseNamespace) {
    Operator operator = new Operator(o -> {
      o.withKubernetesClient(client).withUseSSAToPatchPrimaryResource(false).withCloseClientOnStop(false);
      if (leaseNamespace != null && !leaseNamespace.isBlank()) {
        o.withLeaderElectionConfiguration(new LeaderElectionConfiguration(LEASE_NAME, leaseNamespace));
      }
    });
    operator.register(new RateLimiterTableReconciler(tablesInRegion, settings, clock), overrider -> {
      if (!settings.namespaces().isEmpty()) {
        overrider.settingNamespaces(settings.namespaces());
      }
    });
    return operator;
  }
}
