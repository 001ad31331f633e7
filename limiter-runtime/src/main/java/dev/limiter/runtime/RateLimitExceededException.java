package dev.limiter.runtime;

import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An acquire was refused because at least one limit lacks the requested tokens. Nothing was
 * consumed. Decided from the bucket state DynamoDB returned with the failed conditional write.
 */
public class RateLimitExceededException extends RateLimiterException {

  private static final long serialVersionUID = 1L;

  private final transient List<Violation> violations;
  private final Duration retryAfter;

  /** A refusal caused by {@code violations} (at least one). */
  public RateLimitExceededException(List<Violation> violations) {
    super(message(violations));
    this.violations = List.copyOf(violations);
    this.retryAfter = binding().retryAfter();
  }

  /**
   * A refusal for a reason other than a limit (no violations), to be retried after {@code
   * retryAfter}.
   */
  protected RateLimitExceededException(String message, Duration retryAfter, Throwable cause) {
    super(message, cause);
    this.violations = List.of();
    this.retryAfter = retryAfter;
  }

  /**
   * Every limit that refused, in the order the limits were given; empty for a refusal no limit
   * caused.
   */
  public List<Violation> violations() {
    return violations;
  }

  /** How long until the same request would be admitted, given no other traffic. */
  public Duration retryAfter() {
    return retryAfter;
  }

  /** {@link #retryAfter()} in whole seconds, rounded up, as HTTP {@code Retry-After} wants. */
  public long retryAfterSeconds() {
    return ceilSeconds(retryAfter());
  }

  /**
   * Response headers for HTTP 429: {@code Retry-After} and the {@code RateLimit-Limit}, {@code
   * RateLimit-Remaining}, {@code RateLimit-Reset} fields of the IETF rate-limit header draft,
   * describing the limit that keeps the request waiting longest ({@code Retry-After} alone for a
   * refusal no limit caused).
   */
  public Map<String, String> httpHeaders() {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Retry-After", Long.toString(retryAfterSeconds()));
    if (violations.isEmpty()) {
      return headers;
    }
    Violation binding = binding();
    headers.put("RateLimit-Limit", Long.toString(binding.capacity()));
    headers.put("RateLimit-Remaining", Long.toString(Math.max(0, binding.available())));
    headers.put("RateLimit-Reset", Long.toString(ceilSeconds(binding.retryAfter())));
    return headers;
  }

  private Violation binding() {
    return violations.stream().max(Comparator.comparing(Violation::retryAfter)).orElseThrow();
  }

  private static long ceilSeconds(Duration duration) {
    long seconds = duration.getSeconds();
    return duration.getNano() > 0 ? seconds + 1 : seconds;
  }

  private static String message(List<Violation> violations) {
    if (violations.isEmpty()) {
      throw new IllegalArgumentException("a rate limit refusal needs at least one violation");
    }
    StringBuilder text = new StringBuilder("rate limit exceeded: ");
    for (int i = 0; i < violations.size(); i++) {
      text.append(i == 0 ? "" : "; ").append(violations.get(i));
    }
    return text.toString();
  }
}
