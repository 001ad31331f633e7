package dev.limiter.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/**
 * The runbook's CloudWatch alarms: read and write throttling, high capacity, hot-partition (key
 * range) throttling, and throttling of each GSI.
 *
 * @param enabled whether the alarms exist; false removes them
 * @param actions ARNs notified when an alarm fires (SNS topics and the like), at most 5
 * @param throttleEventsThreshold throttle events per 5 minutes that fire a throttle alarm
 * @param capacityUtilizationPercent consumed/provisioned percentage that fires the high-capacity
 *     alarm
 */
public record Alarms(
    @JsonPropertyDescription("Whether the alarms exist; false removes them") @Required
        Boolean enabled,
    @JsonPropertyDescription("ARNs to notify (e.g. SNS topics), at most 5") @Size(max = 5)
        List<@Pattern("^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:[0-9]*:.+$") String> actions,
    @JsonPropertyDescription("Throttle events per 5 minutes that fire a throttle alarm; default 1")
        @Min(1)
        @Max(1000000)
        @Default("1")
        Integer throttleEventsThreshold,
    @JsonPropertyDescription(
            "Consumed/provisioned capacity in percent that fires the high-capacity alarm; default"
                + " 80")
        @Min(1)
        @Max(100)
        @Default("80")
        Integer capacityUtilizationPercent) {}
