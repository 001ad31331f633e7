package dev.limiter.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;

/**
 * Target-tracking autoscaling of a provisioned table (Application Auto Scaling). While it is set,
 * autoscaling owns the read and write units: the operator writes only its bounds and targets, and
 * the capacity in {@code billing} is the starting point when the table is created or returns to
 * provisioned mode.
 *
 * @param read bounds and target of read capacity
 * @param write bounds and target of write capacity
 * @param indexes Inherit: every GSI scales with the same bounds; None: only the table
 */
public record Autoscaling(
    @JsonPropertyDescription("Read capacity bounds and target utilization") @Required
        ScalingBounds read,
    @JsonPropertyDescription("Write capacity bounds and target utilization") @Required
        ScalingBounds write,
    @JsonPropertyDescription(
            "Inherit (default): every global secondary index scales with the same bounds; None: the"
                + " table only")
        @Default("Inherit")
        IndexScaling indexes) {

  /** Whether GSIs scale too (the default). */
  public boolean scalesIndexes() {
    return indexes != IndexScaling.None;
  }
}
