package dev.limiter.operator.plan;

import dev.limiter.operator.api.BillingMode;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Decides the one capacity change of a reconcile pass. Pure.
 *
 * <p>Order: a billing-mode switch first (through {@link BillingSwitchGuard}); in provisioned mode,
 * throughput of the table and its GSIs (increases stepped by {@code maxIncreasePercent}, decreases
 * through {@link DecreaseQuota}, nothing for the table or GSIs whose units autoscaling owns); in
 * on-demand mode, the caps only.
 */
public final class CapacityDecider {

  private CapacityDecider() {}

  /**
   * The decision for {@code desired} against {@code observed}.
   *
   * @param history billing-mode switches the operator made
   */
  public static CapacityDecision decide(
      DesiredCapacity desired,
      ObservedCapacity observed,
      List<BillingSwitchGuard.Switch> history,
      Instant now) {
    if (desired.mode() != observed.mode()) {
      Optional<Deferral> deferral =
          BillingSwitchGuard.check(
              desired.mode(),
              history,
              Optional.ofNullable(observed.lastSwitchToOnDemand()),
              desired.switchCooldown(),
              now);
      if (deferral.isPresent()) {
        return new CapacityDecision.Deferred(deferral.get());
      }
      Throughput throughput =
          desired.mode() == BillingMode.Provisioned ? desired.throughput() : null;
      return new CapacityDecision.SwitchBillingMode(
          desired.mode(), throughput, new TreeSet<>(observed.indexes().keySet()));
    }
    if (desired.mode() == BillingMode.OnDemand) {
      boolean capsDiffer =
          desired.maxReadRequestUnits() != observed.maxReadRequestUnits()
              || desired.maxWriteRequestUnits() != observed.maxWriteRequestUnits();
      return capsDiffer
          ? new CapacityDecision.UpdateOnDemandCaps(
              desired.maxReadRequestUnits(), desired.maxWriteRequestUnits())
          : new CapacityDecision.InSync();
    }
    return throughput(desired, observed, now);
  }

  private static CapacityDecision throughput(
      DesiredCapacity desired, ObservedCapacity observed, Instant now) {
    Throughput target = desired.throughput();
    Optional<Deferral> held = Optional.empty();
    Throughput table = null;
    Change tableChange =
        desired.autoscalingOwnsThroughput()
            ? new Change(null, Optional.empty())
            : next(
                "table",
                observed.table(),
                target,
                desired.maxIncreasePercent(),
                observed.tableDecreases(),
                now);
    if (tableChange.deferral().isPresent()) {
      held = tableChange.deferral();
    } else if (tableChange.next() != null) {
      table = tableChange.next();
    }
    Map<String, Throughput> indexes = new LinkedHashMap<>();
    Map<String, Throughput> unowned =
        desired.autoscalingOwnsIndexes() ? Map.of() : observed.indexes();
    for (Map.Entry<String, Throughput> index : new TreeMap<>(unowned).entrySet()) {
      Change change =
          next(
              "index " + index.getKey(),
              index.getValue(),
              target,
              desired.maxIncreasePercent(),
              observed.decreasesOf(index.getKey()),
              now);
      if (change.deferral().isPresent()) {
        held = earliest(held, change.deferral());
      } else if (change.next() != null) {
        indexes.put(index.getKey(), change.next());
      }
    }
    if (table == null && indexes.isEmpty()) {
      return held.<CapacityDecision>map(CapacityDecision.Deferred::new)
          .orElseGet(CapacityDecision.InSync::new);
    }
    return new CapacityDecision.UpdateThroughput(table, indexes, held);
  }

  /** The next throughput of one table or index, null when in sync, or a deferral. */
  private record Change(Throughput next, Optional<Deferral> deferral) {}

  private static Change next(
      String what,
      Throughput current,
      Throughput target,
      Integer maxIncreasePercent,
      ObservedCapacity.Decreases decreases,
      Instant now) {
    if (current == null) {
      return new Change(target, Optional.empty());
    }
    Throughput next =
        new Throughput(
            CapacityPlanner.step(current.read(), target.read(), maxIncreasePercent),
            CapacityPlanner.step(current.write(), target.write(), maxIncreasePercent));
    if (next.equals(current)) {
      return new Change(null, Optional.empty());
    }
    boolean decrease = next.read() < current.read() || next.write() < current.write();
    if (decrease) {
      Optional<Deferral> deferral =
          DecreaseQuota.check(what, decreases.today(), decreases.last(), now);
      if (deferral.isPresent()) {
        return new Change(null, deferral);
      }
    }
    return new Change(next, Optional.empty());
  }

  private static Optional<Deferral> earliest(Optional<Deferral> a, Optional<Deferral> b) {
    return a.isEmpty()
        ? b
        : b.isEmpty()
            ? a
            : Optional.of(
                List.of(a.get(), b.get()).stream()
                    .min(Comparator.comparing(Deferral::until))
                    .orElseThrow());
  }
}
