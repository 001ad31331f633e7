package dev.limiter.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limiter.testkit.ConsumedCapacityRecorder;
import dev.limiter.testkit.DynamoDbLocal;
import dev.limiter.testkit.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * How many writes a fleet of reserving instances sends on one hot key below its limit, on a manual
 * clock: the hot-key benchmark's setting (8 instances, 500 tokens refilled 500/s, window 1 s, share
 * 0.1, 80 % of the refill rate offered in equal parts), the instances taking turns, half of them
 * acquiring asynchronously.
 */
class ReservationWritesTest {

  private static final int INSTANCES = 8;
  private static final Limit LIMIT = Limit.perSecond("rps", 500);
  private static final List<Limit> LIMITS = List.of(LIMIT);
  private static final Map<String, Long> ONE = Map.of("rps", 1L);
  private static final Duration WINDOW = Duration.ofSeconds(1);

  /** 400 acquires per second in total: one every 2.5 ms. */
  private static final Duration GAP = Duration.ofNanos(2_500_000);

  private final ConsumedCapacityRecorder recorder = new ConsumedCapacityRecorder();
  private final ManualClock clock = ManualClock.at("2026-11-24T10:00:00Z");
  private final List<DynamoDbClient> clients = new ArrayList<>();
  private final List<RateLimiter> fleet = new ArrayList<>();

  @AfterEach
  void tearDown() {
    fleet.forEach(RateLimiter::close);
    clients.forEach(DynamoDbClient::close);
  }

  @Test
  void aFleetAtEightyPercentGuessesTheBusyBranchOfABucketTheOthersKeepBusy() {
    openFleet();
    run(Duration.ofSeconds(2));
    recorder.reset();
    ReservationStats before = stats();

    long admitted = run(Duration.ofSeconds(10));

    ReservationStats during = minus(stats(), before);
    long writes = during.reservationWrites() + during.plainWrites();
    long updateItems = recorder.calls("UpdateItem");
    System.out.printf(
        "8 instances at 80%% for 10 windows: %d admitted, %d UpdateItems (%.4f per admitted),"
            + " %d acquire writes (%d reserving, %d refused, %d plain), %d failed conditions%n",
        admitted,
        updateItems,
        (double) updateItems / admitted,
        writes,
        during.reservationWrites(),
        during.refusedReservations(),
        during.plainWrites(),
        recorder.failedConditionalWrites());
    assertThat(admitted).as("nothing refused below the limit").isEqualTo(4_000);
    assertThat(updateItems - writes)
        .as("attempts that guessed the branch wrong, of %d writes", writes)
        .isLessThanOrEqualTo(writes / 10);
    // The floor: the fleet keeps the bucket busy, so its reservations take the whole refill, at
    // most share × capacity = 50 tokens (0.1 s of bucket time) each: R / (s·C) = 10 writes a
    // second, above the 8 a second of one write per instance per window.
    assertThat(updateItems).as("UpdateItems in 10 s, 10%% over the floor").isLessThanOrEqualTo(110);
  }

  private void openFleet() {
    String table = null;
    for (int i = 0; i < INSTANCES; i++) {
      DynamoDbClient client = DynamoDbLocal.shared().client(recorder);
      clients.add(client);
      if (table == null) {
        table = LimiterTables.create(client);
      }
      fleet.add(
          RateLimiter.builder()
              .client(client)
              .tableName(table)
              .clock(clock)
              .localReservation(new LocalReservation(WINDOW, 0.1))
              .build());
    }
  }

  /**
   * Offers one acquire per {@link #GAP} for {@code duration}, the instances in turn, the odd ones
   * acquiring asynchronously.
   */
  private long run(Duration duration) {
    long admitted = 0;
    for (long i = 0; i < duration.toNanos() / GAP.toNanos(); i++) {
      try {
        RateLimiter instance = fleet.get((int) (i % INSTANCES));
        if (i % INSTANCES % 2 == 0) {
          instance.acquire("hot", "api", ONE, LIMITS).close();
        } else {
          instance.acquireAsync("hot", "api", ONE, LIMITS).join().close();
        }
        admitted++;
      } catch (RateLimitExceededException | CompletionException refused) {
        // counted by what was admitted
      }
      clock.advance(GAP);
    }
    return admitted;
  }

  private ReservationStats stats() {
    return new ReservationStats(
        fleet.stream().mapToLong(l -> l.reservationStats().localAdmissions()).sum(),
        fleet.stream().mapToLong(l -> l.reservationStats().reservationWrites()).sum(),
        fleet.stream().mapToLong(l -> l.reservationStats().refusedReservations()).sum(),
        fleet.stream().mapToLong(l -> l.reservationStats().plainWrites()).sum());
  }

  private static ReservationStats minus(ReservationStats after, ReservationStats before) {
    return new ReservationStats(
        after.localAdmissions() - before.localAdmissions(),
        after.reservationWrites() - before.reservationWrites(),
        after.refusedReservations() - before.refusedReservations(),
        after.plainWrites() - before.plainWrites());
  }
}
