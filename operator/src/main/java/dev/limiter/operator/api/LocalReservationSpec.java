package dev.limiter.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * A declared local reservation (limiter-runtime's {@code LocalReservation}): a limiter instance
 * that sees this scope's keys hot takes up to {@code window}'s worth of its own observed traffic
 * from the shared bucket in one write, at most {@code maxSharePercent} of a bucket's capacity, and
 * admits what follows locally. Stored with the scope's limits, so every instance learns it from the
 * table.
 *
 * <p>The window's range is a CEL rule: {@code duration()} of a string the pattern and length bound
 * costs a constant per reservation, which kube-apiserver 1.34's budget accepts at every level
 * ({@code CrdsAndSamplesApiServerIT}); the operator checks it again.
 *
 * @param window how long a reservation lasts: {@code 0s} turns reservation off for this scope
 *     (overriding a less specific one), else 10ms to 60s (Go duration: 250ms, 1s, 1s500ms)
 * @param maxSharePercent the most of a bucket's capacity one instance may hold, 1 to 50; default
 *     {@value #DEFAULT_MAX_SHARE_PERCENT}
 * @param instances how many workload replicas use these keys, 1 to 10,000: for the operator's write
 *     estimates only (optional; without it no capacity is credited)
 */
@ValidationRule(
    value =
        "duration(self.window) == duration('0s') || (duration(self.window) >= duration('10ms')"
            + " && duration(self.window) <= duration('60s'))",
    message = "window must be 0s (off) or 10ms to 60s",
    fieldPath = ".window")
public record LocalReservationSpec(
    @JsonPropertyDescription(
            "How long one reservation lasts, as a Go duration: 0s turns reservation off for this"
                + " scope (overriding a less specific one), else 10ms to 60s (250ms, 1s, 1s500ms)")
        @Required
        @Size(min = 2, max = 24)
        @Pattern("^([0-9]{1,5}m)?([0-9]{1,5}s)?([0-9]{1,5}ms)?$")
        String window,
    @JsonPropertyDescription(
            "The most of a bucket's capacity one instance may hold, in percent (1 to 50); default"
                + " 10")
        @Min(1)
        @Max(50)
        Integer maxSharePercent,
    @JsonPropertyDescription(
            "How many workload replicas use these keys (1 to 10000): only for the operator's write"
                + " estimates and capacity plan")
        @Min(1)
        @Max(10_000)
        Integer instances) {

  /** The share when {@link #maxSharePercent} is not set. */
  public static final int DEFAULT_MAX_SHARE_PERCENT = 10;

  /** {@link #maxSharePercent}, or its default. */
  public int maxSharePercentOrDefault() {
    return maxSharePercent == null ? DEFAULT_MAX_SHARE_PERCENT : maxSharePercent;
  }
}
