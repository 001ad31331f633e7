package dev.limiter.runtime;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The {@link RateLimiter} of a DynamoDB limiter table: checks the builder's settings, wires the
 * parts and hands each call to its part.
 */
final class DynamoDbRateLimiter implements RateLimiter {

  private final String tableName;
  private final ClockSkewMonitor skew;
  private final StoredLimits storedLimits;
  private final Entities entities;
  private final OutagePolicy outages;
  private final AcquireEngine acquires;
  private final LocalReservations reservations;
  private final AdjustmentWriter adjustments;
  private final BucketReader reads;
  private final List<AutoCloseable> owned;

  DynamoDbRateLimiter(RateLimiterBuilder builder) {
    this.tableName = Objects.requireNonNull(builder.tableName, "tableName");
    if (tableName.length() < 3
        || tableName.length() > 255
        || !tableName.matches("[A-Za-z0-9_.-]+")) {
      throw new IllegalArgumentException("invalid DynamoDB table name '" + tableName + "'");
    }
    Clock clock = Objects.requireNonNull(builder.clock, "clock");
    Executor executor = builder.executor != null ? builder.executor : SharedAsyncExecutor.INSTANCE;
    UsageListener usage = Objects.requireNonNull(builder.usageListener, "usageListener");
    this.skew = new ClockSkewMonitor(tableName, clock, System::nanoTime, usage);
    if (builder.bucketWriteClient != null && builder.client == null) {
      throw new IllegalArgumentException("bucketWriteClient needs a client for the other calls");
    }
    if (builder.bucketWriteAsyncClient != null && builder.asyncClient == null) {
      throw new IllegalArgumentException(
          "bucketWriteAsyncClient needs an asyncClient for the other calls");
    }
    DynamoDbGateway gateway =
        new DynamoDbGateway(
            builder.client,
            builder.asyncClient,
            builder.bucketWriteClient != null ? builder.bucketWriteClient : builder.client,
            builder.bucketWriteAsyncClient != null
                ? builder.bucketWriteAsyncClient
                : builder.asyncClient,
            executor,
            skew::observe);
    Objects.requireNonNull(builder.bucketTtlMargin, "bucketTtlMargin");
    BucketBounds bounds = new BucketBounds(builder.debtPeriods, builder.bucketTtlMargin.toNanos());
    LocalRejections rejections = new LocalRejections(builder.cacheSize);
    BucketWriter writer =
        new BucketWriter(
            tableName,
            gateway,
            new BucketStateCache(builder.cacheSize, rejections::forget),
            bounds);
    AvailabilityListener availability =
        Objects.requireNonNull(builder.availabilityListener, "availabilityListener");
    Duration ttl = Objects.requireNonNull(builder.limitsCacheTtl, "limitsCacheTtl");
    if (ttl.isNegative() || ttl.compareTo(MAX_LIMITS_CACHE_TTL) > 0) {
      throw new IllegalArgumentException(
          "limitsCacheTtl must be between 0 and " + MAX_LIMITS_CACHE_TTL + ", got " + ttl);
    }
    this.storedLimits = new StoredLimits(tableName, gateway, clock, ttl, builder.cacheSize);
    this.entities = new Entities(tableName, gateway, clock, ttl, builder.cacheSize);
    CascadeMode cascadeMode = Objects.requireNonNull(builder.cascadeMode, "cascadeMode");
    this.outages =
        new OutagePolicy(
            tableName, builder.onUnavailable, storedLimits, gateway, usage, availability);
    this.adjustments = new AdjustmentWriter(tableName, writer, bounds, clock, outages, usage);
    this.reservations =
        new LocalReservations(
            Objects.requireNonNull(builder.localReservation, "localReservation"),
            builder.cacheSize);
    this.acquires =
        new AcquireEngine(
            clock,
            entities,
            storedLimits,
            writer,
            reservations,
            rejections,
            adjustments,
            outages,
            usage,
            cascadeMode);
    this.reads = new BucketReader(tableName, gateway, entities, clock, outages);
    this.owned = List.copyOf(builder.owned);
  }

  @Override
  public Lease acquire(
      String entityId, String resource, Map<String, Long> consume, List<Limit> limits) {
    return acquires.acquire(entityId, resource, consume, limits);
  }

  @Override
  public Lease acquire(String entityId, String resource, Map<String, Long> consume) {
    return acquires.acquire(entityId, resource, consume);
  }

  @Override
  public CompletableFuture<Lease> acquireAsync(
      String entityId, String resource, Map<String, Long> consume, List<Limit> limits) {
    return acquires.acquireAsync(entityId, resource, consume, limits);
  }

  @Override
  public CompletableFuture<Lease> acquireAsync(
      String entityId, String resource, Map<String, Long> consume) {
    return acquires.acquireAsync(entityId, resource, consume);
  }

  @Override
  public Map<String, Long> available(String entityId, String resource, List<Limit> limits) {
    return reads.available(entityId, resource, limits);
  }

  @Override
  public Duration timeUntilAvailable(
      String entityId, String resource, Map<String, Long> needed, List<Limit> limits) {
    return reads.timeUntilAvailable(entityId, resource, needed, limits);
  }

  @Override
  public Entities entities() {
    return entities;
  }

  @Override
  public StoredLimits limits() {
    return storedLimits;
  }

  @Override
  public Optional<Duration> clockSkew() {
    return skew.skew();
  }

  @Override
  public String tableName() {
    return tableName;
  }

  @Override
  public OnUnavailable onUnavailable() {
    return outages.onUnavailable();
  }

  @Override
  public ReservationStats reservationStats() {
    return reservations.stats();
  }

  @Override
  public void close() {
    reservations.clear();
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
}
