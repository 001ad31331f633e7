package dev.limiter.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/**
 * @param name a RateLimiterTable in the same namespace
 */
public record TableRef(
    @JsonPropertyDescription("Name of a RateLimiterTable in the same namespace")
        @Required
        @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
        String name) {}
