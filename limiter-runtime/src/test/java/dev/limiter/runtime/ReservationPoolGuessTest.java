package dev.limiter.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The branch a pool guesses for its next write, from how far ahead of the clock its last write
 * found the bucket: pure, on hand-made states.
 */
class ReservationPoolGuessTest {

  private static final Limit RPS = Limit.perSecond("rps", 500);
  private static final BucketKey KEY = new BucketKey("hot", "api");
  private static final BucketTake ONE = BucketTake.of(KEY, Map.of("rps", 1L), List.of(RPS));
  private static final LocalReservation RESERVATION =
      new LocalReservation(Duration.ofSeconds(1), 0.1);
  private static final long NOW = 1_000_000_000_000L;
  private static final long MS = 1_000_000;

  /** What this instance's own last write left: long passed, so the cache says full. */
  private static final BucketState CACHED =
      new BucketState(Map.of("rps", NOW + 100 * MS), "w-1", "w-0", 42);

  @Test
  void aBucketTheLastWriteFoundBusyIsGuessedBusyWhereTheCacheSaysFull() {
    ReservationPool pool = new ReservationPool(KEY, Map.of("rps", RPS));
    // A plain write of 1 token (2 ms) left the bucket 700 ms ahead: it was 698 ms ahead before.
    pool.written(ONE, Map.of(), new BucketState(Map.of("rps", NOW + 700 * MS)), RESERVATION, NOW);

    long later = NOW + 900 * MS;
    BucketState guess = pool.guess(CACHED, RESERVATION, later);

    assertThat(guess.tat("rps")).isEqualTo(later + 698 * MS);
    assertThat(guess.lastWrite()).isEqualTo("w-1");
    assertThat(guess.previousWrite()).isEqualTo("w-0");
    assertThat(guess.expiry()).isEqualTo(42);
  }

  @Test
  void aBucketTheLastWriteFoundFullKeepsTheCachedGuess() {
    ReservationPool pool = new ReservationPool(KEY, Map.of("rps", RPS));
    // The write took the idle branch: its time is now + its own cost.
    pool.written(ONE, Map.of(), new BucketState(Map.of("rps", NOW + 2 * MS)), RESERVATION, NOW);

    assertThat(pool.guess(CACHED, RESERVATION, NOW + 900 * MS)).isSameAs(CACHED);
  }

  @Test
  void aLeadOlderThanTwoWindowsSaysNothing() {
    ReservationPool pool = new ReservationPool(KEY, Map.of("rps", RPS));
    pool.written(ONE, Map.of(), new BucketState(Map.of("rps", NOW + 700 * MS)), RESERVATION, NOW);

    assertThat(pool.guess(CACHED, RESERVATION, NOW + 2_000 * MS).tat("rps")).isGreaterThan(NOW);
    assertThat(pool.guess(CACHED, RESERVATION, NOW + 2_001 * MS)).isSameAs(CACHED);
  }

  @Test
  void aCachedBusyTimeIsKept() {
    ReservationPool pool = new ReservationPool(KEY, Map.of("rps", RPS));
    pool.written(ONE, Map.of(), new BucketState(Map.of("rps", NOW + 700 * MS)), RESERVATION, NOW);

    assertThat(pool.guess(CACHED, RESERVATION, NOW + 50 * MS)).isSameAs(CACHED);
  }

  @Test
  void aReservationsOwnBatchIsNotCountedAsTheBucketsLead() {
    ReservationPool pool = new ReservationPool(KEY, Map.of("rps", RPS));
    // 1 + 50 tokens (102 ms) written on a full bucket: it ends 102 ms ahead, and was full before.
    pool.written(
        ONE, Map.of("rps", 50L), new BucketState(Map.of("rps", NOW + 102 * MS)), RESERVATION, NOW);

    assertThat(pool.guess(CACHED, RESERVATION, NOW + 900 * MS)).isSameAs(CACHED);
  }
}
