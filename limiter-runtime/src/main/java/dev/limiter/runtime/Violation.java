package dev.limiter.runtime;

import java.time.Duration;

/**
 * One limit that refused an acquire.
 *
 * @param entityId the entity whose bucket refused
 * @param resource the resource of that bucket
 * @param limitName the limit that is exhausted
 * @param capacity that limit's capacity
 * @param available tokens available when the request was decided; negative while in debt
 * @param requested tokens the request asked for
 * @param retryAfter how long until this limit alone would admit the same request
 */
public record Violation(
    String entityId,
    String resource,
    String limitName,
    long capacity,
    long available,
    long requested,
    Duration retryAfter) {

  /**
   * For logs and messages: the entity by its {@linkplain Names#fingerprint fingerprint}, since ids
   * are often API keys.
   */
  @Override
  public String toString() {
    return limitName
        + " of entity "
        + Names.fingerprint(entityId)
        + "/"
        + resource
        + ": requested "
        + requested
        + ", available "
        + available
        + " of "
        + capacity
        + ", retry after "
        + retryAfter;
  }
}
