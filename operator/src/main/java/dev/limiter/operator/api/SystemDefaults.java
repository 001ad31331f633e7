package dev.limiter.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/**
 * @param onUnavailable the policy workloads are told to default to
 * @param limits the system default limits
 * @param localReservation the default local reservation, or null for none declared
 */
public record SystemDefaults(
    @JsonPropertyDescription(
            "Block (fail closed) or Allow (fail open): the default workloads are told to use")
        UnavailablePolicy onUnavailable,
    @JsonPropertyDescription("Limits for any entity and resource without more specific ones")
        @Size(min = 1, max = 20)
        @ListMapKey("name")
        List<LimitSpec> limits,
    @JsonPropertyDescription(
            "Local reservation for every key without a more specific one: a limiter instance that"
                + " sees them hot admits locally from tokens it reserved in one write")
        LocalReservationSpec localReservation) {

  /** System defaults declaring no local reservation. */
  public SystemDefaults(UnavailablePolicy onUnavailable, List<LimitSpec> limits) {
    this(onUnavailable, limits, null);
  }
}
