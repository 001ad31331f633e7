package dev.limiter.runtime;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** Configuration of a {@link RateLimiter} ({@link RateLimiter#builder()}). */
public final class RateLimiterBuilder {
  DynamoDbClient client;
  DynamoDbAsyncClient asyncClient;
  DynamoDbClient bucketWriteClient;
  DynamoDbAsyncClient bucketWriteAsyncClient;
  String tableName;
  OnUnavailable onUnavailable;
  Clock clock = Clock.systemUTC();
  AvailabilityListener availabilityListener = new LoggingAvailabilityListener();
  int cacheSize = RateLimiter.DEFAULT_CACHE_SIZE;
  Duration limitsCacheTtl = StoredLimits.DEFAULT_TTL;
  CascadeMode cascadeMode = CascadeMode.PARALLEL;
  UsageListener usageListener = UsageListener.NONE;
  Executor executor;
  int debtPeriods = RateLimiter.DEFAULT_DEBT_PERIODS;
  Duration bucketTtlMargin = RateLimiter.DEFAULT_BUCKET_TTL_MARGIN;
  LocalReservation localReservation = LocalReservation.OFF;
  final List<AutoCloseable> owned = new ArrayList<>();

  RateLimiterBuilder() {}

  /** Synchronous client, used by {@link RateLimiter#acquire} and lease writes. */
  public RateLimiterBuilder client(DynamoDbClient client) {
    this.client = client;
    return this;
  }

  /** Asynchronous client, used by {@link RateLimiter#acquireAsync}. */
  public RateLimiterBuilder asyncClient(DynamoDbAsyncClient asyncClient) {
    this.asyncClient = asyncClient;
    return this;
  }

  /** The limiter table. */
  public RateLimiterBuilder tableName(String tableName) {
    this.tableName = tableName;
    return this;
  }

  /**
   * Fail closed ({@link OnUnavailable#BLOCK}) or open. Unset, the limiter follows the table's
   * stored default (an EntityHierarchy's {@code system.onUnavailable}, learnt with stored limits)
   * and blocks until it knows it.
   */
  public RateLimiterBuilder onUnavailable(OnUnavailable onUnavailable) {
    this.onUnavailable = onUnavailable;
    return this;
  }

  /** Clock that decides bucket time; the system UTC clock by default. */
  public RateLimiterBuilder clock(Clock clock) {
    this.clock = clock;
    return this;
  }

  /** Told once per outage and recovery; logs by default. */
  public RateLimiterBuilder availabilityListener(AvailabilityListener availabilityListener) {
    this.availabilityListener = availabilityListener;
    return this;
  }

  /**
   * Buckets whose last known state is kept to guess write branches; {@value
   * RateLimiter#DEFAULT_CACHE_SIZE} by default.
   */
  public RateLimiterBuilder cacheSize(int cacheSize) {
    this.cacheSize = cacheSize;
    return this;
  }

  /**
   * How long resolved stored limits are reused before being read again: the longest a change made
   * by another process takes to apply here; {@link StoredLimits#DEFAULT_TTL} by default, zero to
   * read on every call, at most {@link RateLimiter#MAX_LIMITS_CACHE_TTL}.
   */
  public RateLimiterBuilder limitsCacheTtl(Duration limitsCacheTtl) {
    this.limitsCacheTtl = limitsCacheTtl;
    return this;
  }

  /**
   * How acquires on cascading children write both buckets; {@link CascadeMode#PARALLEL} by default.
   */
  public RateLimiterBuilder cascadeMode(CascadeMode cascadeMode) {
    this.cascadeMode = cascadeMode;
    return this;
  }

  /**
   * Told what is admitted, adjusted and refused ({@link MicrometerUsageListener}); nothing by
   * default.
   */
  public RateLimiterBuilder usageListener(UsageListener usageListener) {
    this.usageListener = usageListener;
    return this;
  }

  /**
   * Runs {@link RateLimiter#acquireAsync} calls when only a synchronous client is given; by default
   * a shared pool of {@link RateLimiter#DEFAULT_ASYNC_THREADS} threads.
   */
  public RateLimiterBuilder executor(Executor executor) {
    this.executor = executor;
    return this;
  }

  /**
   * How deep into debt positive adjustments may push a bucket, in refill periods of each limit (0
   * to 100; {@value RateLimiter#DEFAULT_DEBT_PERIODS} by default): a limit refilling {@code R}
   * tokens per period owes at most {@code debtPeriods·R} tokens, and a charge beyond that is
   * dropped.
   */
  public RateLimiterBuilder debtPeriods(int debtPeriods) {
    this.debtPeriods = debtPeriods;
    return this;
  }

  /**
   * Slack added to each bucket item's expiry ({@link LimiterTableSchema#TTL_ATTRIBUTE}) for clock
   * skew between this process, other writers and DynamoDB (at most a day); one minute by default.
   */
  public RateLimiterBuilder bucketTtlMargin(Duration bucketTtlMargin) {
    this.bucketTtlMargin = bucketTtlMargin;
    return this;
  }

  /**
   * Turns on local reservation for hot keys, taking at most {@value
   * LocalReservation#DEFAULT_MAX_SHARE} of a limit's capacity ({@link
   * LocalReservation#of(Duration)}): see {@link #localReservation(LocalReservation)}. Off ({@link
   * Duration#ZERO}) by default.
   */
  public RateLimiterBuilder localReservation(Duration window) {
    return localReservation(LocalReservation.of(window));
  }

  /**
   * The local reservation acquires use by default: those with explicit limits always, those with
   * stored limits unless the most specific scope declaring one says otherwise. An instance that
   * sees a key hot reserves, with its write, what it expects to need within the window and admits
   * the following acquires locally, without a DynamoDB call; the global bound holds over every
   * interval with any number of instances. The cost is fairness: per limit one instance holds at
   * most {@code maxShare × capacity} (across N instances {@code N × maxShare × capacity}) while
   * another may be refused; near the limit reservations shrink to single requests, so decisions
   * there stay exact. See {@link LocalReservation}; for {@link CascadeMode#TRANSACTION}, see there.
   * {@link LocalReservation#OFF} by default.
   */
  public RateLimiterBuilder localReservation(LocalReservation localReservation) {
    this.localReservation = localReservation;
    return this;
  }

  /**
   * A synchronous client for bucket writes alone (the UpdateItem of every acquire and the
   * TransactWriteItems of adjustments, refunds and cascade transactions, instead of {@link
   * #client}), best configured with a single attempt ({@code
   * retryStrategy(AwsRetryStrategy.doNotRetry())}): the SDK must not replay a bucket write, and on
   * a client that would, each one carries a per-request plugin that turns retries off, which costs
   * the SDK a rebuild of its configuration per call. The other calls keep {@link #client} and its
   * retries. Requires {@link #client}; the limiter does not close it.
   */
  public RateLimiterBuilder bucketWriteClient(DynamoDbClient bucketWriteClient) {
    this.bucketWriteClient = bucketWriteClient;
    return this;
  }

  /**
   * As {@link #bucketWriteClient}, for asynchronous acquires instead of {@link #asyncClient}.
   * Requires {@link #asyncClient}; the limiter does not close it.
   */
  public RateLimiterBuilder bucketWriteAsyncClient(DynamoDbAsyncClient bucketWriteAsyncClient) {
    this.bucketWriteAsyncClient = bucketWriteAsyncClient;
    return this;
  }

  /** Makes the limiter close {@code resource} when it is closed (clients it created itself). */
  RateLimiterBuilder owning(AutoCloseable resource) {
    owned.add(resource);
    return this;
  }

  /** The limiter. */
  public RateLimiter build() {
    return new DynamoDbRateLimiter(this);
  }
}
