package dev.limiter.runtime;

import dev.limiter.runtime.FaultInjector.Fault;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;

/**
 * A fixed set of fault scenarios: two limiters on separate clients offer twice a limit's rate to
 * one key in DynamoDB Local for a stretch of true time, and each scenario reports what was admitted
 * against {@link GcraReference}'s bound. {@link #main} prints the README's table ({@code mvn -B -q
 * -Pfaults -pl limiter-runtime -am -DskipTests verify}); {@code FaultScenariosTest} runs the same
 * scenarios shorter and asserts every row.
 */
final class FaultScenarios {

  /** Capacity 20, refilling 10 per second. */
  static final Limit LIMIT = Limit.of("rps", 20, 10, Duration.ofSeconds(1));

  static final int DEBT_PERIODS = 3;

  /**
   * One scenario: the clock offsets and faults of the two limiters, and how many leases roll back.
   */
  record Scenario(
      String name, List<Duration> offsets, List<Fault> faults, double chance, double rollbacks) {}

  /** What a scenario admitted, against the bound, at its end. */
  record Row(
      String scenario,
      long seconds,
      long offered,
      long admitted,
      long bound,
      long skewTokens,
      long undecided,
      long worstMargin) {}

  static final List<Scenario> SCENARIOS =
      List.of(
          scenario("no fault", 0, Fault.NONE, 0, 0),
          scenario("500 after commit", 0, Fault.SERVER_ERROR_AFTER_COMMIT, 0.3, 0),
          scenario("lost response", 0, Fault.RESPONSE_LOST, 0.3, 0),
          scenario("timeout", 0, Fault.DELAYED_PAST_TIMEOUT, 0.03, 0),
          scenario("throttling", 0, Fault.THROTTLED, 0.1, 0),
          scenario("skew ahead 30 s", 30, Fault.NONE, 0, 0),
          scenario("skew behind 30 s", -30, Fault.NONE, 0, 0),
          new Scenario(
              "rollback under fault",
              List.of(Duration.ZERO, Duration.ZERO),
              List.of(Fault.RESPONSE_LOST, Fault.SERVER_ERROR_AFTER_COMMIT),
              0.3,
              0.5));

  private FaultScenarios() {}

  /**
   * The first limiter is {@code skewSeconds} off true time and suffers {@code fault}; the second is
   * exact and clean.
   */
  private static Scenario scenario(
      String name, int skewSeconds, Fault fault, double chance, double rollbacks) {
    return new Scenario(
        name,
        List.of(Duration.ofSeconds(skewSeconds), Duration.ZERO),
        List.of(fault, Fault.NONE),
        chance,
        rollbacks);
  }

  /**
   * Runs {@code scenario} for {@code length} of true time in steps of {@code step}: at each step
   * (its start and end included) both limiters ask for one token (twice the rate at 100 ms steps)
   * and finish the lease at once, rolling back a share of them.
   */
  static Row run(SkewedFleet fleet, Scenario scenario, Duration length, Duration step) {
    Random random = new Random(scenario.name().hashCode());
    try (SkewedFleet.Run run =
        fleet.run(LIMIT, DEBT_PERIODS, scenario.offsets(), scenario.faults(), scenario.chance())) {
      long steps = length.toNanos() / step.toNanos();
      for (long k = 0; k <= steps; k++) {
        for (int i = 0; i < scenario.offsets().size(); i++) {
          Optional<Lease> lease = run.acquire(i, 1);
          if (lease.isPresent()) {
            run.finish(lease.get(), random.nextDouble() < scenario.rollbacks());
          }
          run.margin();
        }
        if (k < steps) {
          run.advance(step);
        }
      }
      long skewTokens = LIMIT.refillAmount() * run.spreadNanos() / LIMIT.refillPeriod().toNanos();
      return new Row(
          scenario.name(),
          length.toSeconds(),
          run.offered(),
          run.tally().admitted(),
          run.bound(),
          skewTokens,
          run.tally().undecided(),
          run.worstMargin());
    }
  }

  static List<Row> runAll(Duration length, Duration step) {
    List<Row> rows = new ArrayList<>();
    for (Scenario scenario : SCENARIOS) {
      // Fresh clients per scenario: a fault that breaks a connection must not carry over.
      try (SkewedFleet fleet = new SkewedFleet(2)) {
        rows.add(run(fleet, scenario, length, step));
      }
    }
    return rows;
  }

  static String markdown(List<Row> rows, Duration step) {
    StringBuilder table =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "Limit: capacity C = %d, R = %d per P = 1 s; two limiters, each asking for 1 token"
                    + " every %d ms.%n%n",
                LIMIT.capacity(),
                LIMIT.refillAmount(),
                step.toMillis()));
    table.append(
        "| scenario | true time | offered | admitted | bound C + R·(t + s)/P | of which skew R·s/P"
            + " | undecided | margin (worst) |\n");
    table.append("|---|---|---|---|---|---|---|---|\n");
    for (Row row : rows) {
      table.append(
          String.format(
              Locale.ROOT,
              "| %s | %d s | %,d | %,d | %,d | %,d | %,d | %,d (%,d) |%n",
              row.scenario(),
              row.seconds(),
              row.offered(),
              row.admitted(),
              row.bound(),
              row.skewTokens(),
              row.undecided(),
              row.bound() - row.admitted(),
              row.worstMargin()));
    }
    return table.toString();
  }

  /** Prints the table for 10 s of true time per scenario. */
  public static void main(String[] args) {
    Duration step = Duration.ofMillis(100);
    System.out.print(markdown(runAll(Duration.ofSeconds(10), step), step));
    System.exit(0);
  }
}
