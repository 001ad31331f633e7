package dev.limiter.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/**
 * Limits of one resource: its defaults (at the top of the spec), or one entity's limits for it.
 *
 * <p>A resource may declare only a local reservation: its keys then take their limits from a less
 * specific scope (the runtime resolves limits and reservation independently).
 *
 * @param name the resource, as workloads name it in acquires
 * @param limits its limits, or null to take them from a less specific scope
 * @param localReservation its local reservation, or null for none declared here
 */
@ValidationRule(
    value = "has(self.limits) || has(self.localReservation)",
    message = "declare limits, a localReservation or both")
public record ResourceDefaults(
    @JsonPropertyDescription(
            "Resource name as workloads pass it to acquire (letters, digits, _ . : / -)")
        @Required
        @Pattern("^[A-Za-z0-9_.:/-]{1,128}$")
        String name,
    @JsonPropertyDescription(
            "The resource's limits; omit them to declare only a local reservation, the limits"
                + " then coming from a less specific scope")
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
