package dev.limiter.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * One token-bucket limit: {@code rate} tokens per {@code period}, holding up to {@code burst}.
 *
 * <p>Burst at least rate is a CEL rule: its cost is constant per limit, and kube-apiserver 1.34
 * accepts it on every limit of the three-level hierarchy ({@code CrdsAndSamplesApiServerIT}). The
 * period's range (1s to 24h) is the operator's to check: the pattern bounds its form only.
 *
 * @param name the limit's name, as workloads name it in acquires
 * @param rate tokens refilled per period
 * @param period the refill period, 1s to 24h (Go duration: 1s, 1m, 1h30m)
 * @param burst bucket capacity; at least {@code rate}; default {@code rate}
 */
@ValidationRule(
    value = "!has(self.burst) || self.burst >= self.rate",
    message = "burst must be at least rate")
public record LimitSpec(
    @JsonPropertyDescription("Limit name (letters, digits, _ . -), e.g. rpm or tpm")
        @Required
        @Pattern("^[A-Za-z0-9_.-]{1,64}$")
        String name,
    @JsonPropertyDescription("Tokens refilled per period")
        @Required
        @Min(1)
        @Max(1_000_000_000_000L)
        Long rate,
    @JsonPropertyDescription("Refill period, 1s to 24h, as a Go duration: 1s, 1m, 1h, 1h30m")
        @Required
        @Pattern("^([0-9]+h)?([0-9]+m)?([0-9]+s)?$")
        String period,
    @JsonPropertyDescription("Bucket capacity (the largest burst); at least rate; default rate")
        @Min(1)
        @Max(1_000_000_000_000L)
        Long burst) {}
