package dev.limiter.operator.plan;

import dev.limiter.operator.plan.automation.DesiredAutomation;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a RateLimiterTable asks for, with defaults applied and the capacity plan resolved.
 *
 * @param name table name
 * @param owner the owning resource, {@code <namespace>/<name>}, written as the ownership tag
 * @param adopt whether an existing table without an owner may be taken over
 * @param capacity billing and throughput
 * @param timeToLive TTL on the runtime's TTL attribute
 * @param stream NEW_AND_OLD_IMAGES stream
 * @param pointInTimeRecovery continuous backups
 * @param deletionProtection deletion protection
 * @param tags user tags (the ownership tag is added on top)
 * @param automation autoscaling, alarms, Contributor Insights, emergency runbook and diagnosis
 */
public record DesiredTable(
    String name,
    String owner,
    boolean adopt,
    DesiredCapacity capacity,
    boolean timeToLive,
    boolean stream,
    boolean pointInTimeRecovery,
    boolean deletionProtection,
    Map<String, String> tags,
    DesiredAutomation automation) {

  /** Tag marking the resource that owns a table. */
  public static final String OWNER_TAG = "limiter.dev/owner";

  /** This table with {@code capacity} instead (what an emergency or a held floor asks for). */
  public DesiredTable withCapacity(DesiredCapacity capacity) {
    return new DesiredTable(name, owner, adopt, capacity, timeToLive, stream, pointInTimeRecovery, deletionProtection, tags,
        automation);
  }

  /** The tags the table must carry: the user's plus the ownership tag. */
  public Map<String, String> tagsWithOwner() {
    Map<String, String> all = new TreeMap<>(tags);
    all.put(OWNER_TAG, owner);
    return all;
  }
}
