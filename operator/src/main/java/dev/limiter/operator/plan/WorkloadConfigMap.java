package dev.limiter.operator.plan;

import static dev.limiter.operator.api.ConditionTypes.CONFIG_MAP_SYNCED;

import dev.limiter.operator.api.ConditionReasons;
import io.fabric8.kubernetes.api.model.ConfigMap;
import java.util.Optional;

/**
 * The ConfigMap {@code <name>-limiter} that tells workloads how to reach the table, and whether the
 * resource may write it. Pure.
 */
public final class WorkloadConfigMap {

  /** Suffix of the ConfigMap's name. */
  public static final String SUFFIX = "-limiter";

  /** Kubernetes' limit on an object name (a DNS subdomain). */
  public static final int MAX_NAME_LENGTH = 253;

  private WorkloadConfigMap() {}

  /** The ConfigMap's name for resource {@code resourceName}. */
  public static String name(String resourceName) {
    return resourceName + SUFFIX;
  }

  /** Why no ConfigMap can be named after {@code resourceName}, if so. */
  public static Optional<String> nameProblem(String resourceName) {
    String name = name(resourceName);
    if (name.length() <= MAX_NAME_LENGTH) {
      return Optional.empty();
    }
    return Optional.of(
        "metadata.name is "
            + resourceName.length()
            + " characters long: the workloads' ConfigMap "
            + SUFFIX
            + " would exceed Kubernetes' "
            + MAX_NAME_LENGTH
            + "-character limit; use a name of at most "
            + (MAX_NAME_LENGTH - SUFFIX.length())
            + " characters");
  }

  /**
   * Whether {@code existing} is the ConfigMap of the resource with {@code uid}: its controller
   * owner reference says so.
   */
  public static boolean ownedBy(ConfigMap existing, String uid) {
    return existing.getMetadata().getOwnerReferences() != null
        && existing.getMetadata().getOwnerReferences().stream()
            .anyMatch(
                owner ->
                    Boolean.TRUE.equals(owner.getController())
                        && owner.getUid() != null
                        && owner.getUid().equals(uid));
  }

  /** The condition when the ConfigMap {@code name} in {@code namespace} belongs to someone else. */
  public static ConditionStatus conflict(String namespace, String name) {
    return ConditionStatus.isFalse(
        CONFIG_MAP_SYNCED,
        ConditionReasons.CONFIG_MAP_CONFLICT,
        "ConfigMap "
            + namespace
            + "/"
            + name
            + " exists and is not owned by this RateLimiterTable; it was left as it is: delete or"
            + " rename it to let the operator publish the table's settings there");
  }

  /** The condition once the ConfigMap holds the table's settings. */
  public static ConditionStatus published(String name) {
    return ConditionStatus.isTrue(
        CONFIG_MAP_SYNCED,
        "Published",
        "ConfigMap " + name + " holds the table's settings for workloads");
  }
}
