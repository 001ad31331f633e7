package dev.limiter.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.limiter.testkit.ConsumedCapacityRecorder;
import dev.limiter.testkit.DynamoDbLocal;
import dev.limiter.testkit.ManualClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * A refused reservation returns the bucket as DynamoDB saw it: when that bucket refuses the request
 * alone too, the refusal is made from it, exactly as a plain write would have been refused, without
 * a second call (under overload every refused reservation would otherwise cost two writes).
 */
class RefusedReservationTest {

  private static final Limit RPS = Limit.perSecond("rps", 1_000);
  private static final List<Limit> LIMITS = List.of(RPS);

  @Test
  void aRefusedReservationWhoseRequestAloneCannotFitIsRefusedWithoutASecondCall() {
    ConsumedCapacityRecorder recorder = new ConsumedCapacityRecorder();
    ManualClock clock = ManualClock.at("2026-11-24T10:00:00Z");
    DynamoDbClient client = DynamoDbLocal.shared().client(recorder);
    DynamoDbClient otherClient = DynamoDbLocal.shared().client();
    String table = LimiterTables.create(client);
    RateLimiter reserving =
        RateLimiter.builder()
            .client(client)
            .tableName(table)
            .clock(clock)
            .localReservation(Duration.ofMillis(100))
            .build();
    RateLimiter other =
        RateLimiter.builder().client(otherClient).tableName(table).clock(clock).build();
    RateLimiter plain =
        RateLimiter.builder().client(otherClient).tableName(table).clock(clock).build();

    reserving.acquire("hot", "api", Map.of("rps", 1L), LIMITS).close();
    clock.advance(Duration.ofMillis(1));
    reserving.acquire("hot", "api", Map.of("rps", 1L), LIMITS).close();
    assertThat(reserving.reservationStats().reservationWrites()).isEqualTo(1);
    // Another instance empties the bucket; then this instance's reservation window closes.
    other.acquire("hot", "api", Map.of("rps", 898L), LIMITS).close();
    clock.advance(Duration.ofMillis(101));
    other.acquire("hot", "api", Map.of("rps", 101L), LIMITS).close();

    recorder.reset();
    RateLimitExceededException refused =
        catchThrowableOfType(
            RateLimitExceededException.class,
            () -> reserving.acquire("hot", "api", Map.of("rps", 2L), LIMITS));
    assertThat(reserving.reservationStats().refusedReservations()).isEqualTo(1);
    assertThat(recorder.calls("UpdateItem")).as("the refused reservation alone").isEqualTo(1);
    RateLimitExceededException exact =
        catchThrowableOfType(
            RateLimitExceededException.class,
            () -> plain.acquire("hot", "api", Map.of("rps", 2L), LIMITS));
    assertThat(refused.violations())
        .as("the refusal a plain write gets")
        .isEqualTo(exact.violations());
    List.of(client, otherClient).forEach(DynamoDbClient::close);
  }
}
