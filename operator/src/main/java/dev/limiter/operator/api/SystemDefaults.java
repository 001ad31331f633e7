package dev.limiter.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/**
 * @param onUnavailable the policy workloads are told to default to
 * @param limits the system default limits
 */
public record SystemDefaults(
    @JsonPropertyDescription(
            "Block (fail closed) or Allow (fail open): the default workloads are told to use")
        UnavailablePolicy onUnavailable,
    @JsonPropertyDescription("Limits for any entity and resource without more specific ones")
        @Size(min = 1, max = 20)
        @ListMapKey("name")
        List<LimitSpec> limits) {}
