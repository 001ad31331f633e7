package dev.limiter.bench;

import dev.limiter.runtime.EnvironmentLimiter;
import dev.limiter.runtime.Lease;
import dev.limiter.runtime.Limit;
import dev.limiter.runtime.LimiterTableSchema;
import dev.limiter.runtime.OnUnavailable;
import dev.limiter.runtime.RateLimiter;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * Our limiter over {@link CannedDynamoDb}: every acquire is one UpdateItem answered as DynamoDB
 * answers an admitted one (the updated attributes, {@code UPDATED_NEW}), and the hierarchy marker's
 * GetItem finds nothing (no entities, as for explicit limits without a hierarchy).
 *
 * <p>The limits are generous (a million tokens a second each) and the answered times lie at the
 * start of the run (or, with {@link #withCannedBucket}, a microsecond after the last write, long
 * past by the next), so every acquire guesses the idle branch as it would on a bucket far from its
 * limit. The limiter fails closed ({@link OnUnavailable#BLOCK}): an error path throws rather than
 * being measured as an admission.
 */
public final class OursOnCannedDynamoDb implements AutoCloseable {

  /** The limiter table's name in every request. */
  public static final String TABLE = "limiter-bench";

  /** The entity every acquire is for. */
  public static final String ENTITY = "api-key-1";

  /** The resource every acquire is for. */
  public static final String RESOURCE = "orders";

  private static final long RATE = 1_000_000;

  private final CannedDynamoDb http = new CannedDynamoDb();

  /** The workload's client; null over the environment's, which the limiter owns. */
  private final DynamoDbClient client;

  /** The workload's client for bucket writes alone (of one attempt), or {@link #client}. */
  private final DynamoDbClient writeClient;

  private final RateLimiter limiter;
  private final List<Limit> limits;
  private final Map<String, Long> consume;

  /** A limiter taking one token of each of {@code limitCount} limits per acquire. */
  public OursOnCannedDynamoDb(int limitCount) {
    this(limitCount, List.of());
  }

  /** As {@link #OursOnCannedDynamoDb(int)}, its client calling {@code interceptors}. */
  OursOnCannedDynamoDb(int limitCount, List<ExecutionInterceptor> interceptors) {
    this(limitCount, interceptors, false);
  }

  /**
   * As {@link #OursOnCannedDynamoDb(int)}, over the clients {@code RateLimiter.fromEnvironment}
   * builds (bucket writes on a client without the SDK's retries) instead of a workload's client.
   */
  public static OursOnCannedDynamoDb withEnvironmentClients(int limitCount) {
    return new OursOnCannedDynamoDb(limitCount, List.of(), true);
  }

  /**
   * As {@link #OursOnCannedDynamoDb(int)}, bucket writes on a second canned client of one attempt
   * given to {@code RateLimiterBuilder.bucketWriteClient} (no per-request plugin), the other calls
   * on the workload's retrying client.
   */
  public static OursOnCannedDynamoDb withBucketWriteClient(int limitCount) {
    return new OursOnCannedDynamoDb(limitCount, List.of(), false, true, false);
  }

  /**
   * As {@link #OursOnCannedDynamoDb(int)}, its UpdateItems answered by a {@link CannedBucket} (the
   * item as the writes leave it) instead of the fixed answer: the same acquires and requests, so
   * the difference is what that answer costs per write.
   */
  public static OursOnCannedDynamoDb withCannedBucket(int limitCount) {
    return new OursOnCannedDynamoDb(limitCount, List.of(), false, false, true);
  }

  private OursOnCannedDynamoDb(
      int limitCount, List<ExecutionInterceptor> interceptors, boolean environmentClients) {
    this(limitCount, interceptors, environmentClients, false, false);
  }

  private OursOnCannedDynamoDb(
      int limitCount,
      List<ExecutionInterceptor> interceptors,
      boolean environmentClients,
      boolean bucketWriteClient,
      boolean cannedBucket) {
    client =
        environmentClients
            ? null
            : interceptors.isEmpty() ? http.client() : http.client(interceptors);
    writeClient = bucketWriteClient ? http.oneAttemptClient() : client;
    limits = limits(limitCount);
    Map<String, Long> tokens = new LinkedHashMap<>();
    limits.forEach(limit -> tokens.put(limit.name(), 1L));
    consume = Collections.unmodifiableMap(tokens);
    if (cannedBucket) {
      http.answer("UpdateItem", new CannedBucket(TABLE));
    } else {
      http.answer("UpdateItem", updatedAttributes(limitCount));
    }
    http.answer("GetItem", "{}");
    limiter =
        environmentClients
            ? EnvironmentLimiter.over(
                Map.of(
                    "LIMITER_TABLE_NAME", TABLE,
                    "AWS_REGION", CannedDynamoDb.REGION.id(),
                    "LIMITER_ENDPOINT_URL", CannedDynamoDb.ENDPOINT.toString(),
                    "LIMITER_ON_UNAVAILABLE", OnUnavailable.BLOCK.name()),
                http,
                http.async(),
                CannedDynamoDb.CREDENTIALS)
            : RateLimiter.builder()
                .client(client)
                .bucketWriteClient(writeClient)
                .tableName(TABLE)
                .onUnavailable(OnUnavailable.BLOCK)
                .build();
  }

  /**
   * The UpdateItemRequest, as the limiter hands it to the SDK, of a first acquire taking one token
   * of each of {@code limitCount} limits.
   */
  public static UpdateItemRequest firstUpdateItem(int limitCount) {
    AtomicReference<UpdateItemRequest> sent = new AtomicReference<>();
    ExecutionInterceptor capture =
        new ExecutionInterceptor() {
          @Override
          public void beforeExecution(
              Context.BeforeExecution context, ExecutionAttributes attributes) {
            if (context.request() instanceof UpdateItemRequest update) {
              sent.compareAndSet(null, update);
            }
          }
        };
    try (OursOnCannedDynamoDb ours = new OursOnCannedDynamoDb(limitCount, List.of(capture))) {
      ours.acquire();
    }
    if (sent.get() == null) {
      throw new IllegalStateException("the limiter sent no UpdateItem");
    }
    return sent.get();
  }

  /** One acquire, synchronously. */
  public Lease acquire() {
    return limiter.acquire(ENTITY, RESOURCE, consume, limits);
  }

  /** One acquire, asynchronously (a sync-only limiter runs it on its executor). */
  public CompletableFuture<Lease> acquireAsync() {
    return limiter.acquireAsync(ENTITY, RESOURCE, consume, limits);
  }

  /** The canned HTTP client, for checks. */
  public CannedDynamoDb http() {
    return http;
  }

  /** The limits of an acquire taking from {@code limitCount} limits. */
  private static List<Limit> limits(int limitCount) {
    return IntStream.range(0, limitCount)
        .mapToObj(i -> Limit.of("limit-" + i, RATE, RATE, Duration.ofSeconds(1)))
        .toList();
  }

  /**
   * What DynamoDB returns for an applied write to {@code limitCount} limits with {@code
   * UPDATED_NEW}, the times at the start of the run.
   */
  static String updatedAttributes(int limitCount) {
    return updatedAttributes(limits(limitCount), System.currentTimeMillis() * 1_000_000L);
  }

  /** What DynamoDB returns for an applied bucket write with {@code UPDATED_NEW}. */
  private static String updatedAttributes(List<Limit> limits, long tatNanos) {
    StringBuilder json =
        new StringBuilder("{\"Attributes\":{")
            .append(string(LimiterTableSchema.KIND, LimiterTableSchema.KIND_BUCKET))
            .append(',')
            .append(string(LimiterTableSchema.PREVIOUS_WRITE_ATTRIBUTE, "1x2y3z"))
            .append(',')
            .append(string(LimiterTableSchema.LAST_WRITE_ATTRIBUTE, "4a5b6c"))
            .append(',')
            .append(number(LimiterTableSchema.TTL_ATTRIBUTE, tatNanos / 1_000_000_000L + 60));
    for (Limit limit : limits) {
      json.append(',').append(number(LimiterTableSchema.tatAttribute(limit.name()), tatNanos));
    }
    return json.append("}}").toString();
  }

  private static String string(String name, String value) {
    return "\"" + name + "\":{\"S\":\"" + value + "\"}";
  }

  private static String number(String name, long value) {
    return "\"" + name + "\":{\"N\":\"" + value + "\"}";
  }

  @Override
  public void close() {
    limiter.close();
    if (client != null) {
      client.close();
    }
    if (writeClient != null && writeClient != client) {
      writeClient.close();
    }
  }
}
