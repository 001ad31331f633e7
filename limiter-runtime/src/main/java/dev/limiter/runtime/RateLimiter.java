package dev.limiter.runtime;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Distributed rate limiting against a limiter table (see {@link LimiterTableSchema}).
 *
 * <p>An admitted acquire is one conditional UpdateItem of the bucket item of (entity, resource): 1
 * WCU, 0 RCU, whatever the number of limits. A refusal is decided from the old item DynamoDB
 * returns with the failed condition, without a read. Buckets refill implicitly with time (GCRA), so
 * nothing ever writes refills.
 *
 * <p>Clock skew: each client decides with its own clock, so a write by a client whose clock is off
 * by {@code d} acts as a correct client's write {@code d} later (ahead) or earlier (behind). Over
 * any interval of {@code e} a bucket then admits at most {@code capacity + refill·(e + S)/period}
 * tokens, where {@code S} is the spread of the clocks writing it (the most ahead minus the most
 * behind, true time counting as one of them when a correct client writes too): a skew costs up to
 * {@code S·refill/period} extra tokens, in both directions. A client ahead sees buckets {@code d}
 * further refilled; a client behind does not admit less: its writes to an idle bucket are dated
 * {@code d} early, which hands up to {@code d·refill/period} of its own consumption back to every
 * other client. Clients sharing one wrong clock do not exceed anything ({@code S = 0}). The limiter
 * estimates its skew from the {@code Date} header of DynamoDB's responses ({@link #clockSkew()}, ±1
 * s) and warns once past 2 s. Keep clients NTP-synchronised.
 *
 * <p>Outages: once a call finds the table unreachable, acquires are decided at once (BLOCK throws
 * {@link RateLimiterUnavailableException}, ALLOW admits unenforced) instead of each waiting out the
 * client's timeout, while one probe at a time (a GetItem with a 500 ms timeout, every 100 ms
 * doubling to 500 ms) finds when the table answers again: a recovery is noticed within about a
 * second. An acquire this instance's open local reservation covers is still admitted from it,
 * enforced ({@link LocalReservation}). Throttling is not an outage: a throttled key is refused
 * ({@link BucketThrottledException}, retry after 1 s) whatever the policy, and the other keys stay
 * enforced.
 *
 * <p>Refusals: a refusal's exact {@code retryAfter} reveals the bucket's time, so until it has
 * passed this limiter refuses locally, without a call (0 WCU), what DynamoDB would certainly
 * refuse; a refund made by another process in that window is seen only once it has passed, so at
 * most the refunded tokens go unused here for at most that {@code retryAfter}.
 *
 * <p>Built by {@link #builder()} or {@link #fromEnvironment()}; thread-safe, build one per table
 * and share it. Code that takes a {@code RateLimiter} can be tested with its own implementation of
 * this interface instead of a table.
 */
public interface RateLimiter extends AutoCloseable {

  /**
   * Longest {@link RateLimiterBuilder#limitsCacheTtl}: a shard-count change relies on every process
   * refreshing within it.
   */
  Duration MAX_LIMITS_CACHE_TTL = Duration.ofMinutes(5);

  /**
   * Threads that run {@link #acquireAsync} calls of limiters given only a synchronous client (and
   * no executor).
   */
  int DEFAULT_ASYNC_THREADS = 32;

  /** Default number of buckets whose last known state is kept to guess write branches. */
  int DEFAULT_CACHE_SIZE = 100_000;

  /** Default {@link RateLimiterBuilder#debtPeriods}: a bucket owes at most three refill periods. */
  int DEFAULT_DEBT_PERIODS = 3;

  /** Default {@link RateLimiterBuilder#bucketTtlMargin}. */
  Duration DEFAULT_BUCKET_TTL_MARGIN = Duration.ofMinutes(1);

  /** A builder; a table name and at least one client are required. */
  static RateLimiterBuilder builder() {
    return new RateLimiterBuilder();
  }

  /**
   * A limiter configured from the process environment: {@code LIMITER_TABLE_NAME} (required),
   * {@code AWS_REGION} (required), {@code LIMITER_ENDPOINT_URL} (optional, e.g. DynamoDB Local) and
   * {@code LIMITER_ON_UNAVAILABLE} ({@code BLOCK} by default, or {@code ALLOW}). Credentials come
   * from the SDK's default chain. The limiter owns the clients and closes them.
   */
  static RateLimiter fromEnvironment() {
    return fromEnvironment(System.getenv());
  }

  /** As {@link #fromEnvironment()}, reading the variables from {@code environment}. */
  static RateLimiter fromEnvironment(Map<String, String> environment) {
    return LimiterEnvironment.limiter(environment);
  }

  /**
   * Takes {@code consume} tokens (per limit name) from the bucket of {@code entityId} for {@code
   * resource}, limited by {@code limits}; all or nothing.
   *
   * @throws RateLimitExceededException when a limit lacks the tokens (nothing is taken)
   * @throws RequestExceedsCapacityException when a request exceeds a limit's capacity
   * @throws IllegalArgumentException for invalid names, amounts or limits
   * @throws RateLimiterUnavailableException when DynamoDB is unavailable under {@link
   *     OnUnavailable#BLOCK}
   * @throws MalformedItemException when the bucket's item is not a limiter bucket
   */
  Lease acquire(String entityId, String resource, Map<String, Long> consume, List<Limit> limits);

  /**
   * As {@link #acquire}, with the limits stored in the table for {@code entityId} and {@code
   * resource} ({@link #limits()}: the most specific level that has any).
   *
   * @throws NoLimitsConfiguredException when no level has limits (nothing is taken)
   */
  Lease acquire(String entityId, String resource, Map<String, Long> consume);

  /**
   * As {@link #acquire}, without blocking the caller. Invalid arguments throw immediately; every
   * other failure completes the future exceptionally.
   */
  CompletableFuture<Lease> acquireAsync(
      String entityId, String resource, Map<String, Long> consume, List<Limit> limits);

  /** As {@link #acquire(String, String, Map)}, without blocking the caller. */
  CompletableFuture<Lease> acquireAsync(
      String entityId, String resource, Map<String, Long> consume);

  /**
   * Acquires, runs {@code body} with the lease and closes it (writing adjustments); rolls the
   * consumption back when {@code body} throws, and rethrows. Once the body has run its result is
   * returned even when the adjustment cannot be written: deltas certainly not written (DynamoDB
   * unreachable, throttled or refusing the request) go to {@link
   * UsageListener#onAdjustmentNotWritten}, those whose write's outcome stayed hidden (server error,
   * timeout, broken connection) to {@link UsageListener#onUndecided}; both are logged.
   */
  default <T> T withLease(
      String entityId,
      String resource,
      Map<String, Long> consume,
      List<Limit> limits,
      Function<Lease, T> body) {
    Objects.requireNonNull(body, "body");
    return runWithLease(acquire(entityId, resource, consume, limits), body);
  }

  /** As {@link #withLease(String, String, Map, List, Function)}, with the stored limits. */
  default <T> T withLease(
      String entityId, String resource, Map<String, Long> consume, Function<Lease, T> body) {
    Objects.requireNonNull(body, "body");
    return runWithLease(acquire(entityId, resource, consume), body);
  }

  /**
   * Tokens available now per limit (negative while in debt), from one strongly consistent read per
   * bucket: a sharded entity's shards are read at once and added up (N shards, N RCU). Under {@link
   * OnUnavailable#ALLOW} an unavailable table reports every limit full.
   */
  Map<String, Long> available(String entityId, String resource, List<Limit> limits);

  /**
   * How long until {@code needed} tokens (per limit name) could be acquired, given no other
   * traffic; zero if now. For a sharded entity, the soonest any of its shards could admit them (one
   * request is taken from one shard). Under {@link OnUnavailable#ALLOW} an unavailable table
   * answers zero.
   *
   * @throws RequestExceedsCapacityException when {@code needed} exceeds a limit's capacity (for a
   *     sharded entity: one shard's share), so it could never be acquired
   */
  Duration timeUntilAvailable(
      String entityId, String resource, Map<String, Long> needed, List<Limit> limits);

  /** The entity hierarchy stored in the table: create, read, list and delete entities. */
  Entities entities();

  /** The limits stored in the table: set, read and delete them at each level. */
  StoredLimits limits();

  /**
   * How far this limiter's clock is from DynamoDB's (positive: ahead), as last estimated from the
   * {@code Date} header of a response (about once a second, good to about ±1 s); empty before the
   * first response. See the class comment for what skew does to the bound.
   */
  Optional<Duration> clockSkew();

  /** The limiter table's name. */
  String tableName();

  /**
   * What the limiter does when the table is unavailable: the policy it was built with, else the
   * table's stored default (learnt with stored limits), else {@link OnUnavailable#BLOCK}.
   */
  OnUnavailable onUnavailable();

  /**
   * What local reservation ({@link RateLimiterBuilder#localReservation(LocalReservation)}) did so
   * far: acquires admitted locally, reservation writes, plain writes; {@link ReservationStats#NONE}
   * for a limiter that does not reserve.
   */
  default ReservationStats reservationStats() {
    return ReservationStats.NONE;
  }

  /**
   * Forgets the tokens this limiter reserved and did not use (they lapse at the refill rate; see
   * {@link LocalReservation}), then closes the clients this limiter created ({@link
   * #fromEnvironment()}); given clients stay open.
   */
  @Override
  void close();

  private static <T> T runWithLease(Lease lease, Function<Lease, T> body) {
    T result;
    try {
      result = body.apply(lease);
    } catch (RuntimeException | Error e) {
      try {
        lease.rollback();
      } catch (RuntimeException rollbackFailure) {
        e.addSuppressed(rollbackFailure);
      }
      throw e;
    }
    try {
      lease.close();
    } catch (RateLimiterException notWritten) {
      // The work ran: its result stands. The unwritten adjustment was reported (usage listener,
      // log).
    }
    return result;
  }
}
