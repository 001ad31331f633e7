package dev.limiter.operator.plan;

import dev.limiter.operator.plan.automation.DesiredAutomation;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a RateLimiterTable asks for, with defaults applied and the capacity plan resolved.
 *
 * @param name table name
 * @param owner the owning resource, {@code <namespace>/<name>}, written as the ownership tag
 * @param adoption whether an existing table without an owner may be taken over
 * @param capacity billing and throughput
 * @param timeToLive TTL on the runtime's TTL attribute; null leaves an existing table's setting as
 *     it is (a created table starts without)
 * @param stream NEW_AND_OLD_IMAGES stream; null leaves an existing table's as it is (a created
 *     table starts without)
 * @param pointInTimeRecovery continuous backups; null leaves an existing table's as they are (a
 *     created table starts without)
 * @param deletionProtection deletion protection; null leaves an existing table's as it is (a
 *     created table starts protected)
 * @param tags user tags (the ownership tag is added on top)
 * @param automation autoscaling, alarms, Contributor Insights, emergency runbook and diagnosis
 */
public record DesiredTable(
    String name,
    String owner,
    Adoption adoption,
    DesiredCapacity capacity,
    Boolean timeToLive,
    Boolean stream,
    Boolean pointInTimeRecovery,
    Boolean deletionProtection,
    Map<String, String> tags,
    DesiredAutomation automation) {

  /** Tag marking the resource that owns a table. */
  public static final String OWNER_TAG = "limiter.dev/owner";

  /** Whether an existing table without an ownership tag may be taken over. */
  public enum Adoption {
    /** The resource does not ask for it (no adopt annotation). */
    NOT_ASKED,
    /**
     * The resource asks, but the operator's adoption grants do not cover its namespace and table.
     */
    NOT_GRANTED,
    /** The resource asks and the operator grants it. */
    GRANTED
  }

  /** This table with {@code capacity} instead (what an emergency or a held floor asks for). */
  public DesiredTable withCapacity(DesiredCapacity capacity) {
    return new DesiredTable(
        name,
        owner,
        adoption,
        capacity,
        timeToLive,
        stream,
        pointInTimeRecovery,
        deletionProtection,
        tags,
        automation);
  }

  /** The tags the table must carry: the user's plus the ownership tag. */
  public Map<String, String> tagsWithOwner() {
    Map<String, String> all = new TreeMap<>(tags);
    all.put(OWNER_TAG, owner);
    return all;
  }
}
