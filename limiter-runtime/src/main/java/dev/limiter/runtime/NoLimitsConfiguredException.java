package dev.limiter.runtime;

/**
 * An acquire without explicit limits found no stored limits at any level for its entity and
 * resource; nothing was consumed. Store limits ({@link StoredLimits#set}) or pass them explicitly.
 */
public class NoLimitsConfiguredException extends RateLimiterException {

  private static final long serialVersionUID = 1L;

  /** No limits for {@code entityId} and {@code resource}. */
  public NoLimitsConfiguredException(String entityId, String resource) {
    super(
        "no limits for entity "
            + entityId
            + " and resource "
            + resource
            + ": none are stored for the entity and resource, as the entity's defaults, as the"
            + " resource's defaults or as system defaults");
  }
}
