package dev.limiter.operator.plan.automation;

import dev.limiter.operator.api.ThrottleReading;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * An immutable snapshot of a table's capacity automation; each part may have failed on its own.
 *
 * @param areas what observing each {@link SyncedArea} gave, in the order they were observed
 * @param metrics the diagnosis reading made in this pass, empty when none was due
 */
public record ObservedAutomation(
    Map<SyncedArea<?>, Reading<?>> areas, Optional<Reading<ThrottleReading>> metrics) {

  /** Copies the readings, keeping their order. */
  public ObservedAutomation {
    areas = Collections.unmodifiableMap(new LinkedHashMap<>(areas));
  }

  /**
   * What observing {@code area} gave; an area this snapshot did not observe is a programming error.
   */
  @SuppressWarnings("unchecked") // the observer keys each reading by the area that made it
  public <O> Reading<O> reading(SyncedArea<O> area) {
    Reading<?> reading = areas.get(area);
    if (reading == null) {
      throw new IllegalArgumentException(area.conditionType() + " was not observed");
    }
    return (Reading<O>) reading;
  }

  /** {@code area}'s plan over what observing it gave. */
  public <O> Section plan(SyncedArea<O> area, AreaInputs inputs) {
    return area.planReading(reading(area), inputs);
  }

  /** The reading made in this pass, if one was due and succeeded. */
  public Optional<ThrottleReading> freshReading() {
    return metrics.flatMap(reading -> Optional.ofNullable(reading.value()));
  }
}
