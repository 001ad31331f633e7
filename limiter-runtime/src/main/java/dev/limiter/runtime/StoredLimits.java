package dev.limiter.runtime;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;

/**
 * Limits stored in the limiter table at four levels ({@link LimitScope}), the admin API to set,
 * read and delete them, and their resolution for acquires that pass no limits.
 *
 * <p>Resolution is cached per process for {@code ttl}: a change made by another process takes up to
 * {@code ttl} to apply here (the documented propagation delay); a change made through this instance
 * applies at once, because it empties the cache. A cache miss costs one BatchGetItem of the four
 * candidate items (eventually consistent: 2 RCU at most). Absence is cached too, so an unconfigured
 * entity does not cost a read per call. The resolution also yields the {@link LocalReservation} of
 * the most specific scope declaring one, cached with the limits.
 */
public final class StoredLimits {

  /** Default time a resolution is reused. */
  public static final Duration DEFAULT_TTL = Duration.ofSeconds(10);

  private static final int BATCH_ATTEMPTS = 3;

  private record Key(String entityId, String resource) {}

  /**
   * What an acquire on a key uses: the limits of the most specific scope that has any, and the
   * local reservation of the most specific scope that declares one (independently of where the
   * limits came from; empty: the limiter's default applies).
   */
  record Resolution(Optional<List<Limit>> limits, Optional<LocalReservation> reservation) {}

  private final String tableName;
  private final DynamoDbGateway gateway;
  private final TtlCache<Key, Resolution> cache;

  /** The system defaults' unavailability policy, as last read with a resolution. */
  private volatile OnUnavailable storedPolicy;

  StoredLimits(
      String tableName, DynamoDbGateway gateway, Clock clock, Duration ttl, int maxEntries) {
    this.tableName = tableName;
    this.gateway = gateway;
    this.cache = new TtlCache<>(clock, ttl, maxEntries);
  }

  /**
   * The unavailability policy stored with the system defaults (an EntityHierarchy's {@code
   * system.onUnavailable}), as of the last resolution read from the table.
   */
  public Optional<OnUnavailable> storedPolicy() {
    return Optional.ofNullable(storedPolicy);
  }

  /** Stores {@code limits} at {@code scope}, replacing what was there. */
  public void set(LimitScope scope, List<Limit> limits) {
    Objects.requireNonNull(scope, "scope");
    gateway.put(
        PutItemRequest.builder()
            .tableName(tableName)
            .item(LimiterItems.limits(scope, limits, null))
            .build());
    cache.clear();
  }

  /** The limits stored at {@code scope}, from a strongly consistent read. */
  public Optional<List<Limit>> get(LimitScope scope) {
    Objects.requireNonNull(scope, "scope");
    Map<String, AttributeValue> item =
        gateway
            .get(
                GetItemRequest.builder()
                    .tableName(tableName)
                    .key(scope.key())
                    .consistentRead(true)
                    .build())
            .item();
    return item == null || item.isEmpty() ? Optional.empty() : LimitCodec.limits(scope, item);
  }

  /** Deletes the limits stored at {@code scope}; nothing happens if there are none. */
  public void delete(LimitScope scope) {
    Objects.requireNonNull(scope, "scope");
    gateway.delete(DeleteItemRequest.builder().tableName(tableName).key(scope.key()).build());
    cache.clear();
  }

  /**
   * The limits an acquire on {@code entityId} and {@code resource} uses: those of the most specific
   * scope that has any.
   *
   * @throws NoLimitsConfiguredException when no scope has limits
   */
  public List<Limit> resolve(String entityId, String resource) {
    return find(entityId, resource)
        .orElseThrow(() -> new NoLimitsConfiguredException(entityId, resource));
  }

  /** As {@link #resolve}, empty when no scope has limits. */
  Optional<List<Limit>> find(String entityId, String resource) {
    return resolution(entityId, resource).limits();
  }

  /**
   * The limits and the local reservation an acquire on {@code entityId} and {@code resource} uses.
   */
  Resolution resolution(String entityId, String resource) {
    List<LimitScope> scopes = LimitScope.resolutionOrder(entityId, resource);
    Key key = new Key(entityId, resource);
    Optional<Resolution> cached = cache.get(key);
    if (cached.isPresent()) {
      return cached.get();
    }
    long generation = cache.generation();
    return cache.put(key, mostSpecific(scopes, fetch(scopes)), generation);
  }

  /** The resolution {@link #resolution} gives from the cache alone; empty when it needs a call. */
  Optional<Resolution> cached(String entityId, String resource) {
    return cache.get(new Key(entityId, resource));
  }

  /** As {@link #resolve}, without blocking. Invalid names throw at once. */
  CompletableFuture<List<Limit>> resolveAsync(String entityId, String resource) {
    return resolutionAsync(entityId, resource)
        .thenApply(
            found ->
                found
                    .limits()
                    .orElseThrow(() -> new NoLimitsConfiguredException(entityId, resource)));
  }

  /** As {@link #resolution}, without blocking. Invalid names throw at once. */
  CompletableFuture<Resolution> resolutionAsync(String entityId, String resource) {
    List<LimitScope> scopes = LimitScope.resolutionOrder(entityId, resource);
    Key key = new Key(entityId, resource);
    Optional<Resolution> cached = cache.get(key);
    if (cached.isPresent()) {
      return CompletableFuture.completedFuture(cached.get());
    }
    long generation = cache.generation();
    return fetchAsync(keysOf(scopes), new HashMap<>(), 1)
        .thenApply(items -> cache.put(key, mostSpecific(scopes, items), generation));
  }

  private Map<Map<String, AttributeValue>, Map<String, AttributeValue>> fetch(
      List<LimitScope> scopes) {
    Map<Map<String, AttributeValue>, Map<String, AttributeValue>> found = new HashMap<>();
    List<Map<String, AttributeValue>> pending = keysOf(scopes);
    for (int attempt = 1; !pending.isEmpty(); attempt++) {
      pending = collect(gateway.batchGet(request(pending)), found, attempt);
    }
    return found;
  }

  private CompletableFuture<Map<Map<String, AttributeValue>, Map<String, AttributeValue>>>
      fetchAsync(
          List<Map<String, AttributeValue>> pending,
          Map<Map<String, AttributeValue>, Map<String, AttributeValue>> found,
          int attempt) {
    return gateway
        .batchGetAsync(request(pending))
        .thenCompose(
            response -> {
              List<Map<String, AttributeValue>> unprocessed = collect(response, found, attempt);
              return unprocessed.isEmpty()
                  ? CompletableFuture.completedFuture(found)
                  : fetchAsync(unprocessed, found, attempt + 1);
            });
  }

  /**
   * Adds the response's items to {@code found}; returns the keys DynamoDB left unprocessed
   * (throttling).
   */
  private List<Map<String, AttributeValue>> collect(
      BatchGetItemResponse response,
      Map<Map<String, AttributeValue>, Map<String, AttributeValue>> found,
      int attempt) {
    for (Map<String, AttributeValue> item :
        response.responses().getOrDefault(tableName, List.of())) {
      found.put(
          Map.of(
              LimiterTableSchema.PARTITION_KEY,
              item.get(LimiterTableSchema.PARTITION_KEY),
              LimiterTableSchema.SORT_KEY,
              item.get(LimiterTableSchema.SORT_KEY)),
          item);
    }
    KeysAndAttributes unprocessed = response.unprocessedKeys().get(tableName);
    if (unprocessed == null || unprocessed.keys().isEmpty()) {
      return List.of();
    }
    if (attempt >= BATCH_ATTEMPTS) {
      // Unprocessed keys are DynamoDB's way of throttling a batch: a refusal, not an outage.
      throw ProvisionedThroughputExceededException.builder()
          .message(
              "DynamoDB left "
                  + unprocessed.keys().size()
                  + " stored-limit keys unprocessed after "
                  + BATCH_ATTEMPTS
                  + " attempts (throttled)")
          .awsErrorDetails(
              AwsErrorDetails.builder().errorCode("ProvisionedThroughputExceededException").build())
          .build();
    }
    return unprocessed.keys();
  }

  private BatchGetItemRequest request(List<Map<String, AttributeValue>> keys) {
    return BatchGetItemRequest.builder()
        .requestItems(Map.of(tableName, KeysAndAttributes.builder().keys(keys).build()))
        .build();
  }

  private static List<Map<String, AttributeValue>> keysOf(List<LimitScope> scopes) {
    List<Map<String, AttributeValue>> keys = new ArrayList<>();
    scopes.forEach(scope -> keys.add(scope.key()));
    return keys;
  }

  private Resolution mostSpecific(
      List<LimitScope> scopes,
      Map<Map<String, AttributeValue>, Map<String, AttributeValue>> items) {
    Map<String, AttributeValue> system = items.get(LimiterTableSchema.systemLimitsKey());
    storedPolicy = system == null ? null : LimitCodec.policy(system).orElse(null);
    Optional<List<Limit>> limits = Optional.empty();
    Optional<LocalReservation> reservation = Optional.empty();
    for (LimitScope scope : scopes) {
      Map<String, AttributeValue> item = items.get(scope.key());
      if (item != null) {
        if (limits.isEmpty()) {
          limits = LimitCodec.limits(scope, item);
        }
        if (reservation.isEmpty()) {
          reservation = LimitCodec.reservation(scope, item);
        }
      }
    }
    return new Resolution(limits, reservation);
  }
}
