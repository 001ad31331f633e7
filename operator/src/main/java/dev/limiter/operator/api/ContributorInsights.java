package dev.limiter.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/**
 * @param mode what Contributor Insights records, on the table and every GSI
 */
public record ContributorInsights(
    @JsonPropertyDescription(
            "Disabled, ThrottledKeys or AccessedAndThrottledKeys; applies to the table and every"
                + " GSI")
        @Required
        InsightsMode mode) {}
