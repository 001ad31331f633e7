package dev.limiter.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/**
 * Limits of one resource: its defaults (at the top of the spec), or one entity's limits for it.
 *
 * @param name the resource, as workloads name it in acquires
 * @param limits its limits
 */
public record ResourceDefaults(
    @JsonPropertyDescription(
            "Resource name as workloads pass it to acquire (letters, digits, _ . : / -)")
        @Required
        @Pattern("^[A-Za-z0-9_.:/-]{1,128}$")
        String name,
    @JsonPropertyDescription("The resource's limits")
        @Required
        @Size(min = 1, max = 20)
        @ListMapKey("name")
        List<LimitSpec> limits) {}
