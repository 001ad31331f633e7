package dev.limiter.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limiter.testkit.DynamoDbLocal;
import dev.limiter.testkit.ManualClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * A refund must never give back bucket time that another instance's open reservation holds: GCRA
 * refunds take time off the end of the bucket, and if that end lies inside a reserved segment, the
 * next writer is handed slices the reserving instance will still admit locally, so the same time is
 * admitted twice.
 *
 * <p>The schedule (capacity 10, 10 per second, so one token is 100 ms of bucket time; times are ms
 * after the start): A takes one token at 0 (slice 0–100); B takes three at 1 (100–400); at 2 A, now
 * hot, takes one and reserves four (400–900, its pool 500–900); at 101 B rolls back, giving back
 * what its slice still holds ahead of now. At 399 A admits its four locally, and a third instance C
 * takes what the bucket says it has. Admitted at 399: A's four and C's, which must not exceed the
 * capacity (nothing admitted earlier than 399 is in that instant's window except what still
 * occupies it).
 */
class RefundUnderReservationTest {

  private static final Limit LIMIT = Limit.perSecond("rps", 10);
  private static final List<Limit> LIMITS = List.of(LIMIT);

  @Test
  void aRollbackDoesNotHandAnotherInstanceTimeThatAnOpenReservationHolds() {
    ManualClock clock = ManualClock.at("2026-11-24T10:00:00Z");
    DynamoDbClient clientA = DynamoDbLocal.shared().client();
    DynamoDbClient clientB = DynamoDbLocal.shared().client();
    DynamoDbClient clientC = DynamoDbLocal.shared().client();
    String table = LimiterTables.create(clientA);
    RateLimiter a =
        RateLimiter.builder()
            .client(clientA)
            .tableName(table)
            .clock(clock)
            .localReservation(new LocalReservation(Duration.ofSeconds(1), 0.5))
            .build();
    RateLimiter b = RateLimiter.builder().client(clientB).tableName(table).clock(clock).build();
    RateLimiter c = RateLimiter.builder().client(clientC).tableName(table).clock(clock).build();

    a.acquire("hot", "api", Map.of("rps", 1L), LIMITS);
    clock.advance(Duration.ofMillis(1));
    Lease rolledBack = b.acquire("hot", "api", Map.of("rps", 3L), LIMITS);
    clock.advance(Duration.ofMillis(1));
    a.acquire("hot", "api", Map.of("rps", 1L), LIMITS);
    assertThat(a.reservationStats().reservationWrites())
        .as("A's second acquire reserves")
        .isEqualTo(1);
    clock.advance(Duration.ofMillis(99));
    rolledBack.rollback();

    clock.advance(Duration.ofMillis(298));
    long admittedNow = 0;
    for (int i = 0; i < 4; i++) {
      a.acquire("hot", "api", Map.of("rps", 1L), LIMITS);
      admittedNow++;
    }
    assertThat(a.reservationStats().localAdmissions()).isEqualTo(4);
    for (int i = 0; i < 10; i++) {
      try {
        c.acquire("hot", "api", Map.of("rps", 1L), LIMITS);
        admittedNow++;
      } catch (RateLimitExceededException refused) {
        break;
      }
    }
    assertThat(admittedNow)
        .as("tokens admitted at one instant, by A's reservation and C, against the capacity")
        .isLessThanOrEqualTo(LIMIT.capacity());
    List.of(clientA, clientB, clientC).forEach(DynamoDbClient::close);
  }
}
