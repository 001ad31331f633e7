package dev.limiter.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * Bounds and target of one scalable dimension.
 *
 * @param min the fewest units autoscaling may set
 * @param max the most units autoscaling may set
 * @param targetUtilizationPercent consumed/provisioned ratio autoscaling keeps, 20 to 90 (AWS's
 *     range)
 */
@ValidationRule(value = "self.min <= self.max", message = "min must not exceed max")
public record ScalingBounds(
    @JsonPropertyDescription("Fewest capacity units autoscaling may set")
        @Required
        @Min(1)
        @Max(40000)
        Long min,
    @JsonPropertyDescription("Most capacity units autoscaling may set")
        @Required
        @Min(1)
        @Max(40000)
        Long max,
    @JsonPropertyDescription("Target utilization in percent, 20 to 90; default 70")
        @Min(20)
        @Max(90)
        @Default("70")
        Integer targetUtilizationPercent) {

  /** The target, 70 unless set. */
  public int targetOrDefault() {
    return targetUtilizationPercent == null ? 70 : targetUtilizationPercent;
  }
}
