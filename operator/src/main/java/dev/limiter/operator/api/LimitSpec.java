package dev.limiter.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/**
 * One token-bucket limit: {@code rate} tokens per {@code period}, holding up to {@code burst}.
 *
 * <p>Cross-field rules (burst at least rate, period within 1s to 24h) are checked by the operator
 * and reported in conditions, not as CEL rules: limits sit in lists nested three levels deep, and
 * the API server refuses a CRD whose rules' estimated cost over every possible item exceeds its
 * budget.
 *
 * @param name the limit's name, as workloads name it in acquires
 * @param rate tokens refilled per period
 * @param period the refill period, 1s to 24h (Go duration: 1s, 1m, 1h30m)
 * @param burst bucket capacity; at least {@code rate}; default {@code rate}
 */
public record LimitSpec(
    @JsonPropertyDescription("Limit name (letters, digits, _ . -), e.g. rpm or tpm")
    @Required @Pattern("^[A-Za-z0-9_.-]{1,64}$")
    String name,
    @JsonPropertyDescription("Tokens refilled per period")
    @Required @Min(1) @Max(1_000_000_000_000L)
    Long rate,
    @JsonPropertyDescription("Refill period, 1s to 24h, as a Go duration: 1s, 1m, 1h, 1h30m")
    @Required @Pattern("^([0-9]+h)?([0-9]+m)?([0-9]+s)?$")
    String period,
    @JsonPropertyDescription("Bucket capacity (the largest burst); at least rate; default rate")
    @Min(1) @Max(1_000_000_000_000L)
    Long burst) {
}
