package dev.limiter.operator.reconcile;

import dev.limiter.operator.plan.hierarchy.WritePacer;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The write pacer of each table, shared by every hierarchy on it and kept across passes, so that
 * the operator's writes to a table stay within its share however many hierarchies and passes there
 * are.
 */
final class TablePacers {

  private final Map<String, WritePacer> pacers = new ConcurrentHashMap<>();

  /** The pacer of {@code table} in {@code region}. */
  Handle of(String region, String table) {
    return new Handle(region + "/" + table);
  }

  /** One table's pacer. */
  final class Handle {
    private final String key;

    private Handle(String key) {
      this.key = key;
    }

    /** Sets the rate (units per second) the table allows now. */
    void rate(double unitsPerSecond, Instant now) {
      pacers.compute(
          key,
          (k, pacer) ->
              pacer == null ? WritePacer.of(unitsPerSecond, now) : pacer.withRate(unitsPerSecond));
    }

    /** Units one call may spend at most. */
    int burst() {
      return pacers.get(key).burst();
    }

    /** The rate in force. */
    double unitsPerSecond() {
      return pacers.get(key).rate();
    }

    /**
     * Spends {@code units} at {@code now} if no wait is needed; otherwise spends nothing and says
     * how long to wait.
     */
    Duration trySpend(Instant now, int units) {
      Duration[] wait = new Duration[1];
      pacers.compute(
          key,
          (k, pacer) -> {
            wait[0] = pacer.waitFor(now, units);
            return wait[0].isZero() ? pacer.spend(now, units) : pacer;
          });
      return wait[0];
    }
  }
}
