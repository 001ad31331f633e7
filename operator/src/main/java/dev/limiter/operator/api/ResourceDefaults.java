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
 * @param localReservation its local reservation, or null for none declared here
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
        List<LimitSpec> limits,
    @JsonPropertyDescription(
            "Local reservation for this scope's keys: a limiter instance that sees them hot"
                + " admits locally from tokens it reserved in one write")
        LocalReservationSpec localReservation) {

  /** A resource declaring no local reservation. */
  public ResourceDefaults(String name, List<LimitSpec> limits) {
    this(name, limits, null);
  }
}
