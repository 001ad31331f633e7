package dev.limiter.operator;

import dev.limiter.operator.api.LenientlyRead;
import dev.limiter.operator.aws.AwsAccess;
import dev.limiter.operator.config.OperatorSettings;
import dev.limiter.operator.controller.EntityHierarchyReconciler;
import dev.limiter.operator.controller.RateLimiterTableReconciler;
import dev.limiter.operator.metrics.AwsCallMetrics;
import dev.limiter.operator.metrics.HealthAndMetricsEndpoints;
import dev.limiter.operator.metrics.ReconcileMetrics;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.Cloner;
import io.javaoperatorsdk.operator.api.config.ControllerConfigurationOverrider;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.javaoperatorsdk.operator.processing.retry.GenericRetry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator process: configuration from flags and the environment ({@link OperatorSettings}),
 * leader election through a Lease in {@code POD_NAMESPACE} when running in a cluster, and the
 * controllers.
 */
public final class LimiterOperator {

  /** Name of the leader-election Lease. */
  public static final String LEASE_NAME = "limiter-operator-leader";

  /**
   * Longest wait between retries of a failing pass: a resource whose drift repair or emergency
   * runbook is due is never left for hours, however often it failed.
   */
  public static final Duration MAX_RETRY_INTERVAL = Duration.ofMinutes(2);

  private static final Duration FIRST_RETRY = Duration.ofSeconds(2);

  /** Port of /metrics, /healthz and /readyz unless {@code LIMITER_HTTP_PORT} says otherwise. */
  public static final int DEFAULT_HTTP_PORT = 8080;

  private static final Logger LOG = LoggerFactory.getLogger(LimiterOperator.class);

  /** Classpath locations of the CRDs this operator serves (the files of {@code crds/}). */
  public static final List<String> CRD_RESOURCES =
      List.of(
          "/META-INF/crds/ratelimitertables.limiter.dev-v1.yml",
          "/META-INF/crds/entityhierarchies.limiter.dev-v1.yml");

  private LimiterOperator() {}

  /**
   * Starts the operator until the JVM is stopped; flags as in {@link
   * OperatorSettings#fromArguments}.
   */
  public static void main(String[] args) {
    OperatorSettings settings = OperatorSettings.fromArguments(args, System.getenv());
    int httpPort =
        Integer.parseInt(
            System.getenv().getOrDefault("LIMITER_HTTP_PORT", Integer.toString(DEFAULT_HTTP_PORT)));
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    List.of(
            new JvmMemoryMetrics(),
            new JvmGcMetrics(),
            new JvmThreadMetrics(),
            new ProcessorMetrics(),
            new UptimeMetrics())
        .forEach(binder -> binder.bindTo(registry));
    RegionalAws aws = new RegionalAws(settings.endpoint(), new AwsCallMetrics(registry));
    Operator operator =
        create(
            new KubernetesClientBuilder().build(),
            settings,
            new AwsAccess(aws::tables, aws::items, aws::scaling, aws::alarms, aws::metrics),
            Clock.systemUTC(),
            System.getenv("POD_NAMESPACE"),
            registry);
    HealthAndMetricsEndpoints endpoints =
        HealthAndMetricsEndpoints.start(
            httpPort,
            registry,
            () -> operator.getRuntimeInfo().allEventSourcesAreHealthy(),
            () -> operator.getRuntimeInfo().isStarted());
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  operator.stop();
                  endpoints.close();
                  aws.close();
                },
                "limiter-operator-stop"));
    LOG.info(
        "limiter-operator starting: default region {}, resync {}, namespaces {}, table-name prefix"
            + " '{}', adoption grants {}, health and metrics on port {}",
        settings.defaultRegion(),
        settings.resync(),
        settings.namespaces().isEmpty() ? "all" : settings.namespaces(),
        settings.tablePolicy().namePrefix(),
        settings.tablePolicy().grants().isEmpty() ? "none" : settings.tablePolicy().grants(),
        endpoints.port());
    operator.start();
  }

  /**
   * An operator over {@code client}, not yet started, recording metrics into {@code registry}.
   * Status is patched without server-side apply so that production and the tests' mock API server
   * behave alike; leader election is on when {@code leaseNamespace} is given.
   */
  public static Operator create(
      KubernetesClient client,
      OperatorSettings settings,
      AwsAccess aws,
      Clock clock,
      String leaseNamespace,
      MeterRegistry registry) {
    return create(client, settings, aws, clock, leaseNamespace, registry, false);
  }

  /**
   * As {@link #create(KubernetesClient, OperatorSettings, AwsAccess, Clock, String,
   * MeterRegistry)}, for a process that embeds the operator and must outlive it: by default the SDK
   * ends the JVM when the operator stops leading (also when it is stopped while leading) and when
   * an informer stops for good (e.g. its watch is forbidden); here it logs instead, and stopping
   * the operator is the embedder's call.
   */
  public static Operator createEmbedded(
      KubernetesClient client,
      OperatorSettings settings,
      AwsAccess aws,
      Clock clock,
      String leaseNamespace,
      MeterRegistry registry) {
    return create(client, settings, aws, clock, leaseNamespace, registry, true);
  }

  private static Operator create(
      KubernetesClient client,
      OperatorSettings settings,
      AwsAccess aws,
      Clock clock,
      String leaseNamespace,
      MeterRegistry registry,
      boolean embedded) {
    Operator operator =
        new Operator(
            o -> {
              o.withKubernetesClient(client)
                  .withUseSSAToPatchPrimaryResource(false)
                  .withCloseClientOnStop(false)
                  .withMetrics(MicrometerMetrics.withoutPerResourceMetrics(registry))
                  .withResourceCloner(keepingUnreadable(client));
              if (leaseNamespace != null && !leaseNamespace.isBlank()) {
                o.withLeaderElectionConfiguration(
                    embedded
                        ? new LeaderElectionConfiguration(
                            LEASE_NAME,
                            leaseNamespace,
                            LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE,
                            LeaderElectionConfiguration.RENEW_DEADLINE_DEFAULT_VALUE,
                            LeaderElectionConfiguration.RETRY_PERIOD_DEFAULT_VALUE,
                            null,
                            null,
                            false)
                        : new LeaderElectionConfiguration(LEASE_NAME, leaseNamespace));
              }
              if (embedded) {
                o.withInformerStoppedHandler(
                    (informer, failure) ->
                        LOG.error(
                            "informer {} stopped; the operator no longer sees its changes",
                            informer,
                            failure));
              }
            });
    ReconcileMetrics metrics = new ReconcileMetrics(registry);
    Duration longestRetry =
        settings.resync().compareTo(MAX_RETRY_INTERVAL) < 0
            ? settings.resync()
            : MAX_RETRY_INTERVAL;
    Consumer<ControllerConfigurationOverrider<?>> namespaces =
        overrider -> {
          if (!settings.namespaces().isEmpty()) {
            overrider.settingNamespaces(settings.namespaces());
          }
          // The SDK's default gives up after 5 failures and then waits for its 10-hour resync.
          overrider
              .withRetry(
                  new GenericRetry()
                      .setInitialInterval(FIRST_RETRY)
                      .setIntervalMultiplier(2)
                      .setMaxInterval(longestRetry.toMillis())
                      .withoutMaxAttempts())
              .withReconciliationMaxInterval(settings.resync());
        };
    operator.register(
        new RateLimiterTableReconciler(aws, settings, clock, metrics), namespaces::accept);
    operator.register(
        new EntityHierarchyReconciler(aws.items(), settings, clock, metrics), namespaces::accept);
    return operator;
  }

  /**
   * JOSDK's cloner (a JSON round trip, as by default) that keeps what the lenient reader left out
   * of a spec: the clone is read from JSON that no longer holds it, and it must still be reported.
   */
  private static Cloner keepingUnreadable(KubernetesClient client) {
    return new Cloner() {
      @Override
      public <R extends HasMetadata> R clone(R object) {
        R copy = client.getKubernetesSerialization().clone(object);
        if (object instanceof LenientlyRead original && copy instanceof LenientlyRead cloned) {
          cloned.unreadable(original.unreadable());
        }
        return copy;
      }
    };
  }
}
