package dev.limiter.bench;

import dev.limiter.runtime.Lease;
import dev.limiter.runtime.Limit;
import dev.limiter.runtime.LocalReservation;
import dev.limiter.runtime.OnUnavailable;
import dev.limiter.runtime.RateLimiter;
import dev.limiter.runtime.ReservationStats;
import dev.limiter.testkit.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Our limiter with local reservation on one hot key over {@link CannedDynamoDb}, the hot-key
 * benchmark's setting for one of its instances: a limit of {@value #CAPACITY} tokens refilled
 * {@value #CAPACITY}/s, {@link #RESERVATION}, one token per acquire, offered 80 % of the refill.
 *
 * <p>A benchmark calls far faster than any finite limit, so the limiter's clock is a {@link
 * ManualClock} that each acquire moves {@link #PER_ACQUIRE} ahead first (400 acquires a second of
 * its time): the reservation's own accounting — the observed rate, batch sizes, segments, window,
 * refill — runs as at that rate. Its UpdateItems are answered by a {@link CannedBucket}, which
 * keeps the item as the writes leave it, so every reserving write returns the bucket's real times;
 * most acquires are then admitted locally, without a call. The clock starts at the system's time
 * and soon runs ahead of it, so the limiter's clock-skew estimate (from the answers' {@code Date}),
 * which only reports, warns once. Fails closed ({@link OnUnavailable#BLOCK}) on the workload's
 * retrying client, as {@link OursOnCannedDynamoDb}.
 */
public final class OursHotKeyOnCannedBucket implements AutoCloseable {

  /** The limit's capacity and refill per second. */
  public static final long CAPACITY = 500;

  /** The hot-key benchmark's reservation: a 1 s window, at most 0.1 of the capacity each. */
  public static final LocalReservation RESERVATION =
      new LocalReservation(Duration.ofSeconds(1), 0.1);

  /** The limiter's time between two acquires: 400 a second, 80 % of the refill. */
  public static final Duration PER_ACQUIRE = Duration.ofNanos(2_500_000);

  private static final List<Limit> LIMITS =
      List.of(Limit.of("limit-0", CAPACITY, CAPACITY, Duration.ofSeconds(1)));
  private static final Map<String, Long> CONSUME = Map.of("limit-0", 1L);

  private final CannedDynamoDb http = new CannedDynamoDb();
  private final CannedBucket bucket = new CannedBucket(OursOnCannedDynamoDb.TABLE);
  private final DynamoDbClient client = http.client();
  private final ManualClock clock = ManualClock.at(Instant.now().toString());
  private final RateLimiter limiter;

  /** A limiter with {@link #RESERVATION} by default over a fresh bucket item. */
  public OursHotKeyOnCannedBucket() {
    http.answer("UpdateItem", bucket).answer("GetItem", "{}");
    limiter =
        RateLimiter.builder()
            .client(client)
            .tableName(OursOnCannedDynamoDb.TABLE)
            .clock(clock)
            .localReservation(RESERVATION)
            .onUnavailable(OnUnavailable.BLOCK)
            .build();
  }

  /** Moves the clock {@link #PER_ACQUIRE} ahead, then acquires one token, synchronously. */
  public Lease acquire() {
    clock.advance(PER_ACQUIRE);
    return limiter.acquire(
        OursOnCannedDynamoDb.ENTITY, OursOnCannedDynamoDb.RESOURCE, CONSUME, LIMITS);
  }

  /** What reservation did so far. */
  public ReservationStats reservationStats() {
    return limiter.reservationStats();
  }

  /** The canned HTTP client, for checks. */
  public CannedDynamoDb http() {
    return http;
  }

  /** The bucket item, for checks. */
  public CannedBucket bucket() {
    return bucket;
  }

  @Override
  public void close() {
    limiter.close();
    client.close();
  }
}
