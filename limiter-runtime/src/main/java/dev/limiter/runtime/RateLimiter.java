package dev.limiter.runtime;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClientBuilder;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;

/**
 * Distributed rate limiting against a limiter table (see {@link LimiterTableSchema}).
 *
 * <p>An admitted acquire is one conditional UpdateItem of the bucket item of (entity, resource):
 * 1 WCU, 0 RCU, whatever the number of limits. A refusal is decided from the old item DynamoDB
 * returns with the failed condition, without a read. Buckets refill implicitly with time (GCRA),
 * so nothing ever writes refills.
 *
 * <p>Clock skew: each client decides with its own clock, so a write by a client whose clock is
 * off by {@code d} acts as a correct client's write {@code d} later (ahead) or earlier (behind).
 * Over any interval of {@code e} a bucket then admits at most
 * {@code capacity + refill·(e + S)/period} tokens, where {@code S} is the spread of the clocks
 * writing it (the most ahead minus the most behind, true time counting as one of them when a
 * correct client writes too): a skew costs up to {@code S·refill/period} extra tokens, in both
 * directions. A client ahead sees buckets {@code d} further refilled; a client behind does not
 * admit less: its writes to an idle bucket are dated {@code d} early, which hands up to
 * {@code d·refill/period} of its own consumption back to every other client. Clients sharing one
 * wrong clock do not exceed anything ({@code S = 0}). The limiter estimates its skew from the
 * {@code Date} header of DynamoDB's responses ({@link #clockSkew()}, ±1 s) and warns once past
 * 2 s. Keep clients NTP-synchronised.
 *
 * <p>Outages: once a call finds the table unreachable, acquires are decided at once (BLOCK throws
 * {@link RateLimiterUnavailableException}, ALLOW admits unenforced) instead of each waiting out
 * the client's timeout, while one probe at a time (a GetItem with a 500 ms timeout, every 100 ms
 * doubling to 500 ms) finds when the table answers again: a recovery is noticed within about a
 * second. Throttling is not an outage: a throttled key is refused ({@link BucketThrottledException},
 * retry after 1 s) whatever the policy, and the other keys stay enforced.
 *
 * <p>Refusals: a refusal's exact {@code retryAfter} reveals the bucket's time, so until it has
 * passed this limiter refuses locally, without a call (0 WCU), what DynamoDB would certainly
 * refuse; a refund made by another process in that window is seen only once it has passed, so at
 * most the refunded tokens go unused here for at most that {@code retryAfter}.
 *
 * <p>Thread-safe; build one per table and share it.
 */
public final class RateLimiter implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(RateLimiter.class);

  /** Longest {@link Builder#limitsCacheTtl}: a shard-count change relies on every process refreshing within it. */
  public static final Duration MAX_LIMITS_CACHE_TTL = Duration.ofMinutes(5);

  /** Wait after an outage is detected before the first probe; it doubles after each failed probe. */
  static final Duration FIRST_PROBE_BACKOFF = Duration.ofMillis(100);
  /** Longest wait between probes: with {@link #PROBE_TIMEOUT}, a recovery is noticed within about a second. */
  static final Duration MAX_PROBE_BACKOFF = Duration.ofMillis(500);
  /** A probe (one GetItem of the hierarchy marker) that takes longer counts as failed. */
  static final Duration PROBE_TIMEOUT = Duration.ofMillis(500);

  /** Threads that run {@link #acquireAsync} calls of limiters given only a synchronous client (and no executor). */
  public static final int DEFAULT_ASYNC_THREADS = 32;
  /** Calls that may wait for one of those threads; more fail at once. */
  static final int DEFAULT_ASYNC_QUEUE = 10_000;

  /** Default number of buckets whose last known state is kept to guess write branches. */
  public static final int DEFAULT_CACHE_SIZE = 100_000;

  /** Default {@link Builder#debtPeriods}: a bucket owes at most three refill periods. */
  public static final int DEFAULT_DEBT_PERIODS = 3;

  /** Default {@link Builder#bucketTtlMargin}. */
  public static final Duration DEFAULT_BUCKET_TTL_MARGIN = Duration.ofMinutes(1);

  private final String tableName;
  private final OnUnavailable onUnavailable;
  private final Clock clock;
  private final DynamoDbGateway gateway;
  private final BucketWriter writer;
  private final BucketBounds bounds;
  private final LocalRejections rejections;
  private final OutageBreaker outages;
  private final StoredLimits storedLimits;
  private final Entities entities;
  private final CascadeMode cascadeMode;
  private final UsageListener usage;
  private final ClockSkewMonitor skew;
  private final List<AutoCloseable> owned;

  private RateLimiter(Builder builder) {
    this.tableName = Objects.requireNonNull(builder.tableName, "tableName");
    if (tableName.length() < 3 || tableName.length() > 255 || !tableName.matches("[A-Za-z0-9_.-]+")) {
      throw new IllegalArgumentException("invalid DynamoDB table name '" + tableName + "'");
    }
    this.onUnavailable = builder.onUnavailable;
    this.clock = Objects.requireNonNull(builder.clock, "clock");
    Executor executor = builder.executor != null ? builder.executor : DefaultExecutor.INSTANCE;
    this.usage = Objects.requireNonNull(builder.usageListener, "usageListener");
    this.skew = new ClockSkewMonitor(tableName, clock, System::nanoTime, usage);
    this.gateway = new DynamoDbGateway(builder.client, builder.asyncClient, executor, skew::observe);
    Objects.requireNonNull(builder.bucketTtlMargin, "bucketTtlMargin");
    this.bounds = new BucketBounds(builder.debtPeriods, builder.bucketTtlMargin.toNanos());
    this.rejections = new LocalRejections(builder.cacheSize);
    this.writer = new BucketWriter(tableName, gateway, new BucketStateCache(builder.cacheSize, rejections::forget), bounds);
    this.outages = new OutageBreaker(tableName, this::onUnavailable,
        Objects.requireNonNull(builder.availabilityListener, "availabilityListener"), System::nanoTime,
        FIRST_PROBE_BACKOFF, MAX_PROBE_BACKOFF, PROBE_TIMEOUT);
    Duration ttl = Objects.requireNonNull(builder.limitsCacheTtl, "limitsCacheTtl");
    if (ttl.isNegative() || ttl.compareTo(MAX_LIMITS_CACHE_TTL) > 0) {
      throw new IllegalArgumentException("limitsCacheTtl must be between 0 and " + MAX_LIMITS_CACHE_TTL + ", got " + ttl);
    }
    this.storedLimits = new StoredLimits(tableName, gateway, clock, ttl, builder.cacheSize);
    this.entities = new Entities(tableName, gateway, clock, ttl, builder.cacheSize);
    this.cascadeMode = Objects.requireNonNull(builder.cascadeMode, "cascadeMode");
    this.owned = List.copyOf(builder.owned);
  }

  /** A builder; a table name and at least one client are required. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A limiter configured from the process environment: {@code LIMITER_TABLE_NAME} (required),
   * {@code AWS_REGION} (required), {@code LIMITER_ENDPOINT_URL} (optional, e.g. DynamoDB Local)
   * and {@code LIMITER_ON_UNAVAILABLE} ({@code BLOCK} by default, or {@code ALLOW}). Credentials
   * come from the SDK's default chain. The limiter owns the clients and closes them.
   */
  public static RateLimiter fromEnvironment() {
    return fromEnvironment(System.getenv());
  }

  /** As {@link #fromEnvironment()}, reading the variables from {@code environment}. */
  public static RateLimiter fromEnvironment(Map<String, String> environment) {
    String table = required(environment, "LIMITER_TABLE_NAME");
    Region region = Region.of(required(environment, "AWS_REGION"));
    String endpoint = environment.get("LIMITER_ENDPOINT_URL");
    String policy = environment.get("LIMITER_ON_UNAVAILABLE");
    OnUnavailable onUnavailable = null;
    if (policy != null && !policy.isBlank()) {
      try {
        onUnavailable = OnUnavailable.valueOf(policy.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("LIMITER_ON_UNAVAILABLE must be ALLOW or BLOCK, got '" + policy + "'", e);
      }
    }
    // A limiter sits on every request's path: fail fast rather than wait out the SDK's defaults.
    ClientOverrideConfiguration overrides = ClientOverrideConfiguration.builder()
        .retryStrategy(RetryMode.STANDARD)
        .apiCallAttemptTimeout(Duration.ofSeconds(1))
        .apiCallTimeout(Duration.ofSeconds(3))
        .build();
    DynamoDbClientBuilder sync = DynamoDbClient.builder().region(region).overrideConfiguration(overrides);
    DynamoDbAsyncClientBuilder async = DynamoDbAsyncClient.builder().region(region).overrideConfiguration(overrides);
    if (endpoint != null && !endpoint.isBlank()) {
      URI uri;
      try {
        uri = URI.create(endpoint.trim());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("LIMITER_ENDPOINT_URL is not a URL: '" + endpoint + "'", e);
      }
      sync.endpointOverride(uri);
      async.endpointOverride(uri);
    }
    DynamoDbClient client = sync.build();
    DynamoDbAsyncClient asyncClient = async.build();
    Builder builder = builder().client(client).asyncClient(asyncClient).tableName(table).onUnavailable(onUnavailable);
    builder.owned.add(client);
    builder.owned.add(asyncClient);
    return builder.build();
  }

  /**
   * Takes {@code consume} tokens (per limit name) from the bucket of {@code entityId} for
   * {@code resource}, limited by {@code limits}; all or nothing.
   *
   * @throws RateLimitExceededException when a limit lacks the tokens (nothing is taken)
   * @throws RequestExceedsCapacityException when a request exceeds a limit's capacity
   * @throws IllegalArgumentException for invalid names, amounts or limits
   * @throws RateLimiterUnavailableException when DynamoDB is unavailable under {@link OnUnavailable#BLOCK}
   * @throws MalformedItemException when the bucket's item is not a limiter bucket
   */
  public Lease acquire(String entityId, String resource, Map<String, Long> consume, List<Limit> limits) {
    BucketTake.of(new BucketKey(entityId, resource), consume, limits);
    if (!mayCall()) {
      return unavailableNow(UnenforcedLease.INSTANCE);
    }
    Plan plan;
    try {
      plan = join(planAsync(entityId, resource, consume, limits));
    } catch (RuntimeException e) {
      return failed(e, UnenforcedLease.INSTANCE);
    }
    if (!plan.simple()) {
      return join(execute(plan));
    }
    BucketTake take = plan.own().get(0);
    long now = nowNanos();
    List<Violation> known = rejections.refusal(take, now);
    if (!known.isEmpty()) {
      throw rejection(known);
    }
    BucketWrite.Outcome outcome;
    try {
      outcome = writer.write(take.key(), take.ops(), now);
    } catch (RuntimeException e) {
      return failed(e, UnenforcedLease.INSTANCE);
    }
    if (outcome instanceof BucketWrite.Undecided undecided) {
      return failed(undecided(take, undecided), UnenforcedLease.INSTANCE);
    }
    outages.succeeded();
    remember(take, outcome, now);
    return lease(outcome, take, now);
  }

  /**
   * As {@link #acquire}, with the limits stored in the table for {@code entityId} and
   * {@code resource} ({@link #limits()}: the most specific level that has any).
   *
   * @throws NoLimitsConfiguredException when no level has limits (nothing is taken)
   */
  public Lease acquire(String entityId, String resource, Map<String, Long> consume) {
    if (!mayCall()) {
      return unavailableNow(UnenforcedLease.INSTANCE);
    }
    List<Limit> limits;
    try {
      limits = storedLimits.resolve(entityId, resource);
    } catch (RuntimeException e) {
      return failed(e, UnenforcedLease.INSTANCE);
    }
    return acquire(entityId, resource, consume, limits);
  }

  /** As {@link #acquire(String, String, Map)}, without blocking the caller. */
  public CompletableFuture<Lease> acquireAsync(String entityId, String resource, Map<String, Long> consume) {
    if (!mayCall()) {
      return decidedNow(UnenforcedLease.INSTANCE);
    }
    return storedLimits.resolveAsync(entityId, resource).handle((limits, failure) -> {
      if (failure != null) {
        return CompletableFuture.completedFuture(failed(DynamoDbGateway.unwrap(failure), (Lease) UnenforcedLease.INSTANCE));
      }
      return acquireAsync(entityId, resource, consume, limits);
    }).thenCompose(lease -> lease);
  }

  /** As {@link #withLease(String, String, Map, List, Function)}, with the stored limits. */
  public <T> T withLease(String entityId, String resource, Map<String, Long> consume, Function<Lease, T> body) {
    Objects.requireNonNull(body, "body");
    return runWithLease(acquire(entityId, resource, consume), body);
  }

  /** The entity hierarchy stored in the table: create, read, list and delete entities. */
  public Entities entities() {
    return entities;
  }

  /** The limits stored in the table: set, read and delete them at each level. */
  public StoredLimits limits() {
    return storedLimits;
  }

  /**
   * As {@link #acquire}, without blocking the caller. Invalid arguments throw immediately; every
   * other failure completes the future exceptionally.
   */
  public CompletableFuture<Lease> acquireAsync(String entityId, String resource, Map<String, Long> consume,
                                               List<Limit> limits) {
    BucketTake.of(new BucketKey(entityId, resource), consume, limits);
    if (!mayCall()) {
      return decidedNow(UnenforcedLease.INSTANCE);
    }
    return planAsync(entityId, resource, consume, limits).handle((plan, failure) -> {
      if (failure != null) {
        return CompletableFuture.completedFuture(failed(DynamoDbGateway.unwrap(failure), (Lease) UnenforcedLease.INSTANCE));
      }
      return execute(plan);
    }).thenCompose(lease -> lease);
  }

  /**
   * Acquires, runs {@code body} with the lease and closes it (writing adjustments); rolls the
   * consumption back when {@code body} throws, and rethrows. Once the body has run its result is
   * returned even when the adjustment cannot be written: deltas certainly not written (DynamoDB
   * unreachable, throttled or refusing the request) go to
   * {@link UsageListener#onAdjustmentNotWritten}, those whose write's outcome stayed hidden
   * (server error, timeout, broken connection) to {@link UsageListener#onUndecided}; both are logged.
   */
  public <T> T withLease(String entityId, String resource, Map<String, Long> consume, List<Limit> limits,
                         Function<Lease, T> body) {
    Objects.requireNonNull(body, "body");
    return runWithLease(acquire(entityId, resource, consume, limits), body);
  }

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
      // The work ran: its result stands. The unwritten adjustment was reported (usage listener, log).
    }
    return result;
  }

  /**
   * Tokens available now per limit (negative while in debt), from one strongly consistent read
   * per bucket: a sharded entity's shards are read at once and added up (N shards, N RCU).
   * Under {@link OnUnavailable#ALLOW} an unavailable table reports every limit full.
   */
  public Map<String, Long> available(String entityId, String resource, List<Limit> limits) {
    BucketKey key = new BucketKey(entityId, resource);
    Map<String, Limit> byName = Arguments.limitsByName(key, limits);
    Map<String, Long> full = new LinkedHashMap<>();
    byName.values().forEach(limit -> full.put(limit.name(), limit.capacity()));
    if (!mayCall()) {
      return unavailableNow(full);
    }
    List<BucketRead> buckets;
    try {
      buckets = readBuckets(entityId, resource, limits);
    } catch (RuntimeException e) {
      return failed(e, full);
    }
    long now = nowNanos();
    Map<String, Long> available = new LinkedHashMap<>();
    byName.keySet().forEach(name -> available.put(name, 0L));
    for (BucketRead bucket : buckets) {
      bucket.limits().values().forEach(limit ->
          available.merge(limit.name(), limit.available(bucket.state().tat(limit.name()), now), Math::addExact));
    }
    return available;
  }

  /**
   * How long until {@code needed} tokens (per limit name) could be acquired, given no other
   * traffic; zero if now. For a sharded entity, the soonest any of its shards could admit them
   * (one request is taken from one shard). Under {@link OnUnavailable#ALLOW} an unavailable table
   * answers zero.
   *
   * @throws RequestExceedsCapacityException when {@code needed} exceeds a limit's capacity (for a
   *     sharded entity: one shard's share), so it could never be acquired
   */
  public Duration timeUntilAvailable(String entityId, String resource, Map<String, Long> needed, List<Limit> limits) {
    Arguments.acquireOps(needed, Arguments.limitsByName(new BucketKey(entityId, resource), limits));
    if (!mayCall()) {
      return unavailableNow(Duration.ZERO);
    }
    List<BucketRead> buckets;
    try {
      buckets = readBuckets(entityId, resource, limits);
    } catch (RuntimeException e) {
      return failed(e, Duration.ZERO);
    }
    long now = nowNanos();
    long soonest = Long.MAX_VALUE;
    for (BucketRead bucket : buckets) {
      long wait = 0;
      for (LimitOp op : Arguments.acquireOps(needed, bucket.limits())) {
        wait = Math.max(wait, op.limit().waitNanos(bucket.state().tat(op.name()), now, op.tokens()));
      }
      soonest = Math.min(soonest, wait);
    }
    return Duration.ofNanos(soonest);
  }

  /**
   * How far this limiter's clock is from DynamoDB's (positive: ahead), as last estimated from
   * the {@code Date} header of a response (about once a second, good to about ±1 s); empty
   * before the first response. See the class comment for what skew does to the bound.
   */
  public Optional<Duration> clockSkew() {
    return skew.skew();
  }

  /** The limiter table's name. */
  public String tableName() {
    return tableName;
  }

  /**
   * What the limiter does when the table is unavailable: the policy it was built with, else the
   * table's stored default (learnt with stored limits), else {@link OnUnavailable#BLOCK}.
   */
  public OnUnavailable onUnavailable() {
    return onUnavailable != null ? onUnavailable : storedLimits.storedPolicy().orElse(OnUnavailable.BLOCK);
  }

  /** Closes the clients this limiter created ({@link #fromEnvironment()}); given clients stay open. */
  @Override
  public void close() {
    RuntimeException failure = null;
    for (AutoCloseable resource : owned) {
      try {
        resource.close();
      } catch (Exception e) {
        if (failure == null) {
          failure = new IllegalStateException("closing the limiter's clients failed", e);
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  /**
   * Writes a lease's charges and refunds computed at {@code nowNanos}, exactly once (a one-item
   * transaction with a client request token), under the unavailability policy. A failure that
   * certainly wrote nothing (connection refused, throttled) is reported as not written; one that
   * hid the outcome through the SDK's retries (server error, timeout, broken connection) as
   * undecided: applied once or not at all.
   */
  void writeAdjustment(BucketKey key, List<LimitOp> ops, long nowNanos) {
    BucketWrite.Outcome outcome;
    try {
      outcome = join(writer.adjustAsync(key, ops, nowNanos));
    } catch (RuntimeException e) {
      Throwable cause = DynamoDbGateway.unwrap(e);
      if (BucketWriter.outcomeHidden(cause)) {
        Map<String, Long> deltas = deltas(ops);
        usage.onUndecided(key.entityId(), key.resource(), deltas);
        LOG.warn("whether a lease adjustment of {} tokens on limiter table {} was written cannot be known ({}); at most once",
            deltas, tableName, cause.toString());
        failed(cause, null);
        return;
      }
      notWritten(key, ops, e);
      return;
    }
    outages.succeeded();
    if (!(outcome instanceof BucketWrite.Applied applied)) {
      throw new IllegalStateException("an unconditional adjustment was refused: " + outcome);
    }
    if (!applied.ops().isEmpty()) {
      usage.onAdjusted(key.entityId(), key.resource(), deltas(applied.ops()));
    }
  }

  /** Bounds of every bucket write: debt and expiry. */
  BucketBounds bounds() {
    return bounds;
  }

  private static Map<String, Long> deltas(List<LimitOp> ops) {
    Map<String, Long> deltas = new LinkedHashMap<>();
    ops.forEach(op -> deltas.merge(op.name(), op.kind() == LimitOp.Kind.REFUND ? -op.tokens() : op.tokens(), Long::sum));
    return deltas;
  }

  /**
   * Reports an acquire whose write may or may not have applied, and returns the failure that
   * decides it ({@link #failed}): the last attempt's, or, when DynamoDB answered that attempt, a
   * {@link RateLimiterUnavailableException} that applies the policy without reporting an outage
   * (the table serves; only this write's outcome is unknown).
   */
  private Throwable undecided(BucketTake take, BucketWrite.Undecided undecided) {
    usage.onUndecided(take.key().entityId(), take.key().resource(), take.consume());
    if (undecided.lastFailure() != null) {
      return undecided.lastFailure();
    }
    return new RateLimiterUnavailableException("limiter table " + tableName + " answered, but whether a write to bucket "
        + take.key() + " applied cannot be known (" + undecided.cause().getMessage() + "); not admitted", undecided.cause());
  }

  /**
   * An adjustment that certainly was not written (unreachable, throttled, or refused): reported to
   * the usage listener and logged; then a throttled one returns (retrying it at once would be
   * throttled too), an unavailable one follows the policy (BLOCK: {@link Lease#close()} throws),
   * and a refused one throws a {@link RateLimiterException}.
   */
  private void notWritten(BucketKey key, List<LimitOp> ops, RuntimeException failure) {
    Throwable cause = DynamoDbGateway.unwrap(failure);
    Map<String, Long> deltas = deltas(ops);
    usage.onAdjustmentNotWritten(key.entityId(), key.resource(), deltas, cause);
    LOG.warn("a lease adjustment of {} tokens on limiter table {} was not written ({}); the bucket does not reflect it",
        deltas, tableName, cause.toString());
    if (!DynamoDbGateway.isThrottled(cause)) {
      failed(cause, null);
    }
  }

  /**
   * Every bucket acquires on {@code entityId} may take from (one, or each usable shard with its
   * share of {@code limits}), read at once, strongly consistent.
   */
  private List<BucketRead> readBuckets(String entityId, String resource, List<Limit> limits) {
    ShardLayout layout = layout(join(entities.lookupAsync(entityId)), clock.instant());
    List<BucketKey> keys = new ArrayList<>();
    List<Map<String, Limit>> shares = new ArrayList<>();
    if (!layout.sharded()) {
      keys.add(new BucketKey(entityId, resource));
      shares.add(Arguments.limitsByName(keys.get(0), limits));
    } else {
      for (int shard = 0; shard < layout.usableWith(limits); shard++) {
        keys.add(new BucketKey(entityId, resource, shard));
        shares.add(Arguments.limitsByName(keys.get(shard), layout.share(limits, shard)));
      }
    }
    List<CompletableFuture<GetItemResponse>> reads = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      reads.add(gateway.getAsync(readRequest(keys.get(i), shares.get(i))));
    }
    List<BucketRead> buckets = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      buckets.add(new BucketRead(keys.get(i), shares.get(i), BucketState.decodeItem(keys.get(i), join(reads.get(i)).item())));
    }
    outages.succeeded();
    return buckets;
  }

  private GetItemRequest readRequest(BucketKey key, Map<String, Limit> limits) {
    Map<String, String> names = new LinkedHashMap<>();
    // The key is projected too, so that an existing item is never read as an absent one.
    names.put("#pk", LimiterTableSchema.PARTITION_KEY);
    names.put("#kind", LimiterTableSchema.KIND);
    List<String> projection = new ArrayList<>(List.of("#pk", "#kind"));
    int i = 0;
    for (String limit : limits.keySet()) {
      names.put("#t" + i, LimiterTableSchema.tatAttribute(limit));
      projection.add("#t" + i++);
    }
    return GetItemRequest.builder()
        .tableName(tableName)
        .key(key.attributes())
        .consistentRead(true)
        .projectionExpression(String.join(", ", projection))
        .expressionAttributeNames(names)
        .build();
  }

  private Lease lease(BucketWrite.Outcome outcome, BucketTake take, long acquiredAtNanos) {
    if (outcome instanceof BucketWrite.Rejected rejected) {
      throw rejection(rejected.violations());
    }
    usage.onAcquired(take.key().entityId(), take.key().resource(), take.consume());
    return take.lease(this, state(outcome), acquiredAtNanos);
  }

  private Lease cascadeLease(BucketTake child, BucketState childAfter, BucketTake parent, BucketState parentAfter,
                             long acquiredAtNanos) {
    usage.onAcquired(child.key().entityId(), child.key().resource(), child.consume());
    usage.onAcquired(parent.key().entityId(), parent.key().resource(), parent.consume());
    return new CascadeLease(child.lease(this, childAfter, acquiredAtNanos),
        parent.lease(this, parentAfter, acquiredAtNanos), parent.limits().keySet());
  }

  private static BucketState state(BucketWrite.Outcome outcome) {
    return outcome instanceof BucketWrite.Applied applied ? applied.state() : BucketState.EMPTY;
  }

  private RateLimitExceededException rejection(List<Violation> violations) {
    usage.onRejected(violations);
    return new RateLimitExceededException(violations);
  }

  /**
   * The buckets an acquire on {@code entityId} tries: its own (one, or shards of a sharded
   * entity), and its parent's when it cascades and the parent has limits for the resource.
   * Lookups come from the caches, so this completes at once in steady state.
   */
  private CompletableFuture<Plan> planAsync(String entityId, String resource, Map<String, Long> consume, List<Limit> limits) {
    Instant now = clock.instant();
    return entities.lookupAsync(entityId).thenCompose(state -> {
      List<BucketTake> own = BucketTake.candidates(entityId, resource, consume, limits, layout(state, now));
      if (state.isEmpty() || !state.get().entity().cascade()) {
        return CompletableFuture.completedFuture(new Plan(own, List.of()));
      }
      String parentId = state.get().entity().parentId();
      return storedLimits.findAsync(parentId, resource).thenCompose(parentLimits -> {
        Map<String, Long> parentConsume = parentLimits.map(found -> BucketTake.known(consume, found)).orElse(Map.of());
        if (parentConsume.isEmpty()) {
          return CompletableFuture.completedFuture(new Plan(own, List.of()));
        }
        return entities.lookupAsync(parentId).thenApply(parent -> new Plan(own,
            BucketTake.candidates(parentId, resource, parentConsume, parentLimits.get(), layout(parent, now))));
      });
    });
  }

  private static ShardLayout layout(Optional<EntityState> state, Instant now) {
    return state.map(found -> found.layout(now)).orElse(ShardLayout.UNSHARDED);
  }

  /**
   * Runs a plan. Without a parent: the own buckets in order until one admits. With a parent: in
   * one transaction, or (by default) both sides in parallel (2 WCU), where the admitted side is
   * refunded when the other refuses, so a rejected acquire consumes neither; a refund that fails
   * leaves tokens taken (the limiter errs towards admitting less, never more).
   */
  private CompletableFuture<Lease> execute(Plan plan) {
    long now = nowNanos();
    for (List<BucketTake> side : List.of(plan.own(), plan.parent())) {
      List<Violation> known = side.isEmpty() ? List.of() : knownRefusal(side, now);
      if (!known.isEmpty()) {
        return CompletableFuture.failedFuture(rejection(known));
      }
    }
    if (plan.parent().isEmpty()) {
      return firstAdmitting(plan.own(), 0, now).thenApply(attempt -> {
        if (attempt.failure() != null) {
          return failed(attempt.failure(), (Lease) UnenforcedLease.INSTANCE);
        }
        outages.succeeded();
        return lease(attempt.outcome(), attempt.take(), now);
      });
    }
    if (cascadeMode == CascadeMode.TRANSACTION) {
      return transact(plan, 0, 0, now);
    }
    CompletableFuture<Attempt> childAttempt = firstAdmitting(plan.own(), 0, now);
    CompletableFuture<Attempt> parentAttempt = firstAdmitting(plan.parent(), 0, now);
    return childAttempt.thenCombine(parentAttempt, List::of).thenCompose(attempts -> {
      Attempt c = attempts.get(0);
      Attempt p = attempts.get(1);
      if (c.applied() && p.applied()) {
        outages.succeeded();
        return CompletableFuture.completedFuture(cascadeLease(c.take(), state(c.outcome()), p.take(), state(p.outcome()), now));
      }
      List<CompletableFuture<BucketWrite.Outcome>> refunds = new ArrayList<>();
      long refundAt = nowNanos();
      for (Attempt attempt : attempts) {
        if (attempt.applied()) {
          List<LimitOp> ops = attempt.take().lease(this, state(attempt.outcome()), now).refunds(refundAt);
          if (!ops.isEmpty()) {
            BucketKey key = attempt.take().key();
            refunds.add(writer.adjustAsync(key, ops, refundAt).whenComplete((refunded, refundFailure) -> {
              Throwable cause = refundFailure == null ? null : DynamoDbGateway.unwrap(refundFailure);
              if (cause != null && BucketWriter.outcomeHidden(cause)) {
                usage.onUndecided(key.entityId(), key.resource(), deltas(ops));
              } else if (cause != null) {
                // Certainly not given back (throttled, unreachable): the other side's tokens stay taken.
                usage.onAdjustmentNotWritten(key.entityId(), key.resource(), deltas(ops), cause);
              }
            }));
          }
        }
      }
      return CompletableFuture.allOf(refunds.toArray(CompletableFuture[]::new)).handle((done, refundFailure) -> {
        Throwable failure = c.failure() != null ? c.failure() : p.failure();
        if (failure != null) {
          return failed(failure, (Lease) UnenforcedLease.INSTANCE);
        }
        List<Violation> violations = new ArrayList<>();
        attempts.forEach(attempt -> violations.addAll(attempt.violations()));
        RateLimitExceededException rejected = rejection(violations);
        if (refundFailure != null) {
          rejected.addSuppressed(DynamoDbGateway.unwrap(refundFailure));
        }
        throw rejected;
      });
    });
  }

  /**
   * The refusal every one of {@code candidates} would certainly get from DynamoDB, from refusals
   * this process already received ({@link LocalRejections}); empty when one of them might admit.
   */
  private List<Violation> knownRefusal(List<BucketTake> candidates, long now) {
    List<Violation> last = List.of();
    for (BucketTake candidate : candidates) {
      last = rejections.refusal(candidate, now);
      if (last.isEmpty()) {
        return List.of();
      }
    }
    return last;
  }

  /** Keeps what a refusal revealed about the bucket, to refuse locally what DynamoDB certainly would. */
  private void remember(BucketTake take, BucketWrite.Outcome outcome, long now) {
    if (outcome instanceof BucketWrite.Rejected rejected) {
      rejections.refused(take, rejected.violations(), now);
    }
  }

  /** Tries {@code candidates} from {@code index} on until one admits; the last refusal otherwise. */
  private CompletableFuture<Attempt> firstAdmitting(List<BucketTake> candidates, int index, long now) {
    BucketTake take = candidates.get(index);
    List<Violation> known = rejections.refusal(take, now);
    CompletableFuture<Attempt> written = !known.isEmpty()
        ? CompletableFuture.completedFuture(new Attempt(take, new BucketWrite.Rejected(known), null))
        : writer.writeAsync(take.key(), take.ops(), now).handle((outcome, failure) -> {
          if (outcome instanceof BucketWrite.Undecided undecided) {
            return new Attempt(take, null, undecided(take, undecided));
          }
          if (outcome != null) {
            remember(take, outcome, now);
          }
          return new Attempt(take, outcome, failure == null ? null : DynamoDbGateway.unwrap(failure));
        });
    return written
        .thenCompose(attempt -> attempt.outcome() instanceof BucketWrite.Rejected && index + 1 < candidates.size()
            ? firstAdmitting(candidates, index + 1, now)
            : CompletableFuture.completedFuture(attempt));
  }

  /** Child candidate {@code i} and parent candidate {@code j} in one transaction; another shard of the side that refused next. */
  private CompletableFuture<Lease> transact(Plan plan, int i, int j, long now) {
    BucketTake child = plan.own().get(i);
    BucketTake parent = plan.parent().get(j);
    return writer.writeTogetherAsync(List.of(child.key(), parent.key()), List.of(child.ops(), parent.ops()), now)
        .handle((outcome, failure) -> {
          if (failure != null) {
            Throwable cause = DynamoDbGateway.unwrap(failure);
            if (BucketWriter.outcomeHidden(cause)) {
              // Even the SDK's token-idempotent replays could not tell: both sides may hold the tokens, once.
              usage.onUndecided(child.key().entityId(), child.key().resource(), child.consume());
              usage.onUndecided(parent.key().entityId(), parent.key().resource(), parent.consume());
            }
            return CompletableFuture.completedFuture(failed(cause, (Lease) UnenforcedLease.INSTANCE));
          }
          outages.succeeded();
          if (!(outcome instanceof BucketWrite.Rejected rejected)) {
            return CompletableFuture.completedFuture(cascadeLease(child, BucketState.EMPTY, parent, BucketState.EMPTY, now));
          }
          remember(child, rejected, now);
          remember(parent, rejected, now);
          boolean childRefused = rejected.violations().stream().anyMatch(v -> v.entityId().equals(child.key().entityId()));
          if (!childRefused && j + 1 < plan.parent().size()) {
            return transact(plan, i, j + 1, now);
          }
          if (childRefused && i + 1 < plan.own().size()) {
            return transact(plan, i + 1, j, now);
          }
          throw rejection(rejected.violations());
        }).thenCompose(lease -> lease);
  }

  private static <T> T join(CompletableFuture<T> future) {
    try {
      return future.join();
    } catch (CompletionException e) {
      Throwable cause = DynamoDbGateway.unwrap(e);
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw new RateLimiterException("limiter call failed", cause);
    }
  }

  /** The buckets an acquire tries: its own candidates, and its parent's (empty when it does not cascade). */
  private record Plan(List<BucketTake> own, List<BucketTake> parent) {
    boolean simple() {
      return own.size() == 1 && parent.isEmpty();
    }
  }

  /** A bucket as read: its key, its limits (a shard's shares for a shard) and its state. */
  private record BucketRead(BucketKey key, Map<String, Limit> limits, BucketState state) {}

  /** How a write to one bucket went: an outcome, or the failure that prevented one. */
  private record Attempt(BucketTake take, BucketWrite.Outcome outcome, Throwable failure) {
    boolean applied() {
      return outcome instanceof BucketWrite.Applied;
    }

    List<Violation> violations() {
      return outcome instanceof BucketWrite.Rejected rejected ? rejected.violations() : List.of();
    }
  }

  /**
   * Applies the unavailability policy to a failure: {@code fallback} under ALLOW, a
   * {@link RateLimiterUnavailableException} under BLOCK; throttling is a refusal
   * ({@link BucketThrottledException}) whatever the policy; other failures are rethrown.
   */
  private <T> T failed(Throwable failure, T fallback) {
    Throwable cause = DynamoDbGateway.unwrap(failure);
    if (DynamoDbGateway.isThrottled(cause)) {
      throw new BucketThrottledException(tableName, cause);
    }
    if (cause instanceof RateLimiterUnavailableException undecided) {
      // An undecided write on a table that answers: the policy applies, the breaker stays closed.
      if (onUnavailable() == OnUnavailable.ALLOW) {
        return fallback;
      }
      throw undecided;
    }
    if (DynamoDbGateway.isUnavailable(cause)) {
      outages.failed(cause);
      if (onUnavailable() == OnUnavailable.ALLOW) {
        return fallback;
      }
      throw new RateLimiterUnavailableException("limiter table " + tableName + " is unavailable: " + cause.getMessage(), cause);
    }
    if (cause instanceof SdkException) {
      throw new RateLimiterException("DynamoDB refused a request on limiter table " + tableName + ": " + cause.getMessage(), cause);
    }
    if (cause instanceof RuntimeException runtime) {
      throw runtime;
    }
    if (cause instanceof Error error) {
      throw error;
    }
    throw new RateLimiterException("limiter call failed", cause);
  }

  /**
   * Whether this call may go to DynamoDB: not while an outage is known (the breaker is open),
   * when it is decided at once instead of waiting out a timeout; the call that ends a back-off
   * window starts one probe.
   */
  private boolean mayCall() {
    OutageBreaker.Permit permit = outages.permit();
    if (permit == OutageBreaker.Permit.PROBE) {
      probe();
    }
    return permit == OutageBreaker.Permit.CALL;
  }

  /** The unavailability policy for a call not sent because an outage is known: {@code fallback} under ALLOW. */
  private <T> T unavailableNow(T fallback) {
    if (onUnavailable() == OnUnavailable.ALLOW) {
      return fallback;
    }
    Throwable cause = outages.lastFailure();
    throw new RateLimiterUnavailableException("limiter table " + tableName + " is unavailable"
        + (cause == null ? "" : ": " + cause.getMessage()) + " (decided without calling DynamoDB until a probe succeeds)", cause);
  }

  private <T> CompletableFuture<T> decidedNow(T fallback) {
    try {
      return CompletableFuture.completedFuture(unavailableNow(fallback));
    } catch (RateLimiterUnavailableException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * One cheap read (the hierarchy marker, eventually consistent: 0.5 RCU) with a short timeout;
   * any answer but an unavailable one, throttling included, means the table serves again.
   */
  private void probe() {
    GetItemRequest request = GetItemRequest.builder()
        .tableName(tableName)
        .key(LimiterTableSchema.hierarchyMarkerKey())
        .projectionExpression("#pk")
        .expressionAttributeNames(Map.of("#pk", LimiterTableSchema.PARTITION_KEY))
        .overrideConfiguration(o -> o.apiCallTimeout(PROBE_TIMEOUT).apiCallAttemptTimeout(PROBE_TIMEOUT))
        .build();
    CompletableFuture<?> call;
    try {
      call = gateway.getAsync(request);
    } catch (RuntimeException e) {
      call = CompletableFuture.failedFuture(e);
    }
    call.whenComplete((response, failure) -> {
      if (failure != null && DynamoDbGateway.isUnavailable(failure)) {
        outages.probeFailed(DynamoDbGateway.unwrap(failure));
      } else {
        outages.probeSucceeded();
      }
    });
  }

  long nowNanos() {
    Instant now = clock.instant();
    return Math.addExact(Math.multiplyExact(now.getEpochSecond(), 1_000_000_000L), now.getNano());
  }

  private static String required(Map<String, String> environment, String name) {
    String value = environment.get(name);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + " is not set");
    }
    return value.trim();
  }

  /**
   * Runs blocking calls for {@link #acquireAsync} when only a synchronous client was given:
   * {@link #DEFAULT_ASYNC_THREADS} threads at most, shared by every limiter of the process, and a
   * bounded queue; past it an acquire fails at once rather than piling up threads.
   */
  private static final class DefaultExecutor {
    private static final AtomicInteger THREADS = new AtomicInteger();
    static final ExecutorService INSTANCE;

    static {
      ThreadPoolExecutor pool = new ThreadPoolExecutor(DEFAULT_ASYNC_THREADS, DEFAULT_ASYNC_THREADS, 60, TimeUnit.SECONDS,
          new LinkedBlockingQueue<>(DEFAULT_ASYNC_QUEUE), task -> {
            Thread thread = new Thread(task, "limiter-async-" + THREADS.incrementAndGet());
            thread.setDaemon(true);
            return thread;
          });
      pool.allowCoreThreadTimeOut(true);
      INSTANCE = pool;
    }
  }

  /** Configuration of a {@link RateLimiter}. */
  public static final class Builder {
    private DynamoDbClient client;
    private DynamoDbAsyncClient asyncClient;
    private String tableName;
    private OnUnavailable onUnavailable;
    private Clock clock = Clock.systemUTC();
    private AvailabilityListener availabilityListener = new LoggingAvailabilityListener();
    private int cacheSize = DEFAULT_CACHE_SIZE;
    private Duration limitsCacheTtl = StoredLimits.DEFAULT_TTL;
    private CascadeMode cascadeMode = CascadeMode.PARALLEL;
    private UsageListener usageListener = UsageListener.NONE;
    private Executor executor;
    private int debtPeriods = DEFAULT_DEBT_PERIODS;
    private Duration bucketTtlMargin = DEFAULT_BUCKET_TTL_MARGIN;
    private final List<AutoCloseable> owned = new ArrayList<>();

    private Builder() {}

    /** Synchronous client, used by {@link #acquire} and lease writes. */
    public Builder client(DynamoDbClient client) {
      this.client = client;
      return this;
    }

    /** Asynchronous client, used by {@link #acquireAsync}. */
    public Builder asyncClient(DynamoDbAsyncClient asyncClient) {
      this.asyncClient = asyncClient;
      return this;
    }

    /** The limiter table. */
    public Builder tableName(String tableName) {
      this.tableName = tableName;
      return this;
    }

    /**
     * Fail closed ({@link OnUnavailable#BLOCK}) or open. Unset, the limiter follows the table's
     * stored default (an EntityHierarchy's {@code system.onUnavailable}, learnt with stored limits)
     * and blocks until it knows it.
     */
    public Builder onUnavailable(OnUnavailable onUnavailable) {
      this.onUnavailable = onUnavailable;
      return this;
    }

    /** Clock that decides bucket time; the system UTC clock by default. */
    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    /** Told once per outage and recovery; logs by default. */
    public Builder availabilityListener(AvailabilityListener availabilityListener) {
      this.availabilityListener = availabilityListener;
      return this;
    }

    /** Buckets whose last known state is kept to guess write branches; {@value #DEFAULT_CACHE_SIZE} by default. */
    public Builder cacheSize(int cacheSize) {
      this.cacheSize = cacheSize;
      return this;
    }

    /**
     * How long resolved stored limits are reused before being read again: the longest a change
     * made by another process takes to apply here; {@link StoredLimits#DEFAULT_TTL} by default,
     * zero to read on every call, at most {@link #MAX_LIMITS_CACHE_TTL}.
     */
    public Builder limitsCacheTtl(Duration limitsCacheTtl) {
      this.limitsCacheTtl = limitsCacheTtl;
      return this;
    }

    /** How acquires on cascading children write both buckets; {@link CascadeMode#PARALLEL} by default. */
    public Builder cascadeMode(CascadeMode cascadeMode) {
      this.cascadeMode = cascadeMode;
      return this;
    }

    /** Told what is admitted, adjusted and refused ({@link MicrometerUsageListener}); nothing by default. */
    public Builder usageListener(UsageListener usageListener) {
      this.usageListener = usageListener;
      return this;
    }

    /**
     * Runs {@link #acquireAsync} calls when only a synchronous client is given; by default a
     * shared pool of {@link #DEFAULT_ASYNC_THREADS} threads.
     */
    public Builder executor(Executor executor) {
      this.executor = executor;
      return this;
    }

    /**
     * How deep into debt positive adjustments may push a bucket, in refill periods of each limit
     * (0 to 100; {@value #DEFAULT_DEBT_PERIODS} by default): a limit refilling {@code R} tokens per
     * period owes at most {@code debtPeriods·R} tokens, and a charge beyond that is dropped.
     */
    public Builder debtPeriods(int debtPeriods) {
      this.debtPeriods = debtPeriods;
      return this;
    }

    /**
     * Slack added to each bucket item's expiry ({@link LimiterTableSchema#TTL_ATTRIBUTE}) for
     * clock skew between this process, other writers and DynamoDB (at most a day); one minute by
     * default.
     */
    public Builder bucketTtlMargin(Duration bucketTtlMargin) {
      this.bucketTtlMargin = bucketTtlMargin;
      return this;
    }

    /** The limiter. */
    public RateLimiter build() {
      return new RateLimiter(this);
    }
  }
}
