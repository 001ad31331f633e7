package dev.limiter.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/**
 * The runbook's emergency response to throttling of a provisioned table, applied through the
 * billing-mode cooldown guard and the decrease quota.
 *
 * @param onThrottle None, SwitchToOnDemand or RaiseCapacity
 * @param throttleEventsThreshold read plus write throttle events per diagnosis window that start it
 * @param revertAfter how long the emergency capacity stays before returning to provisioned
 * @param headroomPercent headroom above the observed peak when capacity is computed on return
 * @param raiseStepPercent RaiseCapacity: each step raises the throttled dimension by this much
 * @param maxReadCapacityUnits RaiseCapacity: ceiling for read units
 * @param maxWriteCapacityUnits RaiseCapacity: ceiling for write units
 */
public record Emergency(
    @JsonPropertyDescription(
            "None, SwitchToOnDemand (switch the table to on-demand) or RaiseCapacity (raise units"
                + " in steps)")
        @Required
        OnThrottle onThrottle,
    @JsonPropertyDescription(
            "Read plus write throttle events per diagnosis window that start the emergency; default"
                + " 100")
        @Min(1)
        @Max(100000000)
        @Default("100")
        Integer throttleEventsThreshold,
    @JsonPropertyDescription(
            "How long the emergency lasts before returning to provisioned (Go duration, e.g. 24h);"
                + " default 24h")
        @Pattern("^([0-9]+h)?([0-9]+m)?([0-9]+s)?$")
        @Size(min = 2)
        @Default("24h")
        String revertAfter,
    @JsonPropertyDescription(
            "Headroom above the observed peak when computing capacity on return, in percent;"
                + " default 20")
        @Min(0)
        @Max(400)
        @Default("20")
        Integer headroomPercent,
    @JsonPropertyDescription(
            "RaiseCapacity: raise the throttled dimension by this percentage per step; default 50")
        @Min(1)
        @Max(400)
        @Default("50")
        Integer raiseStepPercent,
    @JsonPropertyDescription(
            "RaiseCapacity: most read units it may set; default 10 times the spec's")
        @Min(1)
        @Max(1000000)
        Long maxReadCapacityUnits,
    @JsonPropertyDescription(
            "RaiseCapacity: most write units it may set; default 10 times the spec's")
        @Min(1)
        @Max(1000000)
        Long maxWriteCapacityUnits) {}
