package dev.limiter.operator.config;

import dev.limiter.operator.plan.GoDurations;
import dev.limiter.operator.plan.TablePolicy;
import dev.limiter.operator.reconcile.HierarchyPacing;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The operator's own configuration.
 *
 * @param defaultRegion region of tables whose spec names none (may be null)
 * @param endpoint DynamoDB endpoint override (DynamoDB Local); null for AWS. Application Auto
 *     Scaling and CloudWatch always go to AWS: DynamoDB Local has neither
 * @param resync how often a converged resource is looked at again (drift detection)
 * @param namespaces namespaces to watch; empty for all
 * @param tablePolicy the table-name prefix every managed table carries and who may adopt which
 *     table
 * @param hierarchyPacing how fast hierarchies' items may be written to a table
 */
public record OperatorSettings(
    String defaultRegion,
    URI endpoint,
    Duration resync,
    Set<String> namespaces,
    TablePolicy tablePolicy,
    HierarchyPacing hierarchyPacing) {

  /** Default drift-detection period. */
  public static final Duration DEFAULT_RESYNC = Duration.ofMinutes(5);

  /** Command-line flags and the environment variable each one overrides. */
  private static final Map<String, String> FLAGS =
      Map.of(
          "--default-region", "LIMITER_DEFAULT_REGION",
          "--endpoint-url", "LIMITER_ENDPOINT_URL",
          "--resync", "LIMITER_RESYNC",
          "--watch-namespaces", "LIMITER_WATCH_NAMESPACES",
          "--table-name-prefix", "LIMITER_TABLE_NAME_PREFIX",
          "--adopt", "LIMITER_ADOPT",
          "--hierarchy-write-percent", "LIMITER_HIERARCHY_WRITE_PERCENT",
          "--hierarchy-on-demand-writes", "LIMITER_HIERARCHY_ON_DEMAND_WRITES");

  /**
   * Settings without a table-name prefix and without adoption, with the default hierarchy pacing.
   */
  public OperatorSettings(
      String defaultRegion, URI endpoint, Duration resync, Set<String> namespaces) {
    this(defaultRegion, endpoint, resync, namespaces, TablePolicy.NONE, HierarchyPacing.DEFAULT);
  }

  /**
   * From flags ({@code --default-region=R}, {@code --endpoint-url=U}, {@code --resync=D}, {@code
   * --watch-namespaces=A,B}, {@code --table-name-prefix=P}, {@code --adopt=NS:PATTERN,…}), each
   * overriding its environment variable, then as {@link #fromEnvironment}. An unknown flag or one
   * without {@code =value} is refused.
   */
  public static OperatorSettings fromArguments(String[] args, Map<String, String> environment) {
    Map<String, String> merged = new HashMap<>(environment);
    for (String arg : args) {
      int equals = arg.indexOf('=');
      String variable = equals < 0 ? null : FLAGS.get(arg.substring(0, equals));
      if (variable == null) {
        throw new IllegalArgumentException(
            "unknown flag '"
                + arg
                + "'; flags are "
                + String.join(", ", FLAGS.keySet().stream().sorted().map(f -> f + "=…").toList()));
      }
      merged.put(variable, arg.substring(equals + 1));
    }
    return fromEnvironment(merged);
  }

  /**
   * From {@code LIMITER_DEFAULT_REGION} (else {@code AWS_REGION}), {@code LIMITER_ENDPOINT_URL},
   * {@code LIMITER_RESYNC} (e.g. {@code 5m}), {@code LIMITER_WATCH_NAMESPACES} (comma-separated),
   * {@code LIMITER_TABLE_NAME_PREFIX}, {@code LIMITER_ADOPT} ({@code namespace:table-pattern}
   * grants, comma-separated; none by default), {@code LIMITER_HIERARCHY_WRITE_PERCENT} (share of a
   * provisioned table's write units hierarchies may use, default 10) and {@code
   * LIMITER_HIERARCHY_ON_DEMAND_WRITES} (write units a second on an on-demand table, default 100).
   */
  public static OperatorSettings fromEnvironment(Map<String, String> environment) {
    String region =
        environment.getOrDefault("LIMITER_DEFAULT_REGION", environment.get("AWS_REGION"));
    String endpoint = environment.get("LIMITER_ENDPOINT_URL");
    String resync = environment.get("LIMITER_RESYNC");
    String namespaces = environment.getOrDefault("LIMITER_WATCH_NAMESPACES", "");
    String percent = environment.get("LIMITER_HIERARCHY_WRITE_PERCENT");
    String onDemand = environment.get("LIMITER_HIERARCHY_ON_DEMAND_WRITES");
    HierarchyPacing pacing =
        new HierarchyPacing(
            percent == null || percent.isBlank()
                ? HierarchyPacing.DEFAULT.provisionedPercent()
                : integer("LIMITER_HIERARCHY_WRITE_PERCENT", percent),
            onDemand == null || onDemand.isBlank()
                ? HierarchyPacing.DEFAULT.onDemandUnitsPerSecond()
                : integer("LIMITER_HIERARCHY_ON_DEMAND_WRITES", onDemand));
    return new OperatorSettings(
        region == null || region.isBlank() ? null : region.trim(),
        endpoint == null || endpoint.isBlank() ? null : URI.create(endpoint.trim()),
        resync == null || resync.isBlank() ? DEFAULT_RESYNC : GoDurations.parse(resync.trim()),
        Arrays.stream(namespaces.split(","))
            .map(String::trim)
            .filter(n -> !n.isEmpty())
            .collect(Collectors.toUnmodifiableSet()),
        new TablePolicy(
            environment.getOrDefault("LIMITER_TABLE_NAME_PREFIX", "").trim(),
            TablePolicy.parseGrants(environment.getOrDefault("LIMITER_ADOPT", ""))),
        pacing);
  }

  private static int integer(String variable, String value) {
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          variable + " must be a whole number, got '" + value + "'", e);
    }
  }
}
