package dev.limiter.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;

/**
 * @param interval how often CloudWatch metrics are read, and the window each reading covers
 */
public record Diagnosis(
    @JsonPropertyDescription(
            "How often throttling metrics are read from CloudWatch, and the window read (Go"
                + " duration, 1m to 1h); default 5m")
        @Pattern("^([0-9]+h)?([0-9]+m)?([0-9]+s)?$")
        @Size(min = 2)
        @Default("5m")
        String interval) {}
