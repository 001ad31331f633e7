package dev.limiter.bench;

import dev.limiter.sandbox.bench.DynamoDbBucket4jProxyManager;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.proxy.ClientSideConfig;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Bucket4j 8.19's compare-and-swap path ({@link DynamoDbBucket4jProxyManager}, default client-side
 * settings) over {@link CannedDynamoDb}: every {@code tryConsume} is a consistent GetItem answered
 * with a real serialized bucket state, then a conditional PutItem answered as applied.
 *
 * <p>The state is Bucket4j's own: at construction one {@code tryConsume} runs on an empty item
 * (GetItem finds nothing, so Bucket4j creates the bucket and puts it), and the state it put becomes
 * the GetItem answer from then on. Same limit as {@link OursOnCannedDynamoDb}'s: a million tokens a
 * second, one per call.
 */
public final class Bucket4jOnCannedDynamoDb implements AutoCloseable {

  /** The Bucket4j table's name in every request. */
  public static final String TABLE = "bucket4j-bench";

  /** The bucket every call is for. */
  public static final String KEY = "api-key-1";

  private static final long RATE = 1_000_000;
  private static final Pattern PUT_STATE =
      Pattern.compile(
          "\"" + DynamoDbBucket4jProxyManager.STATE + "\":\\{\"B\":\"([A-Za-z0-9+/=]+)\"\\}");

  private final CannedDynamoDb http = new CannedDynamoDb();
  private final DynamoDbClient client = http.client();
  private final DynamoDbBucket4jProxyManager buckets =
      new DynamoDbBucket4jProxyManager(client, TABLE, ClientSideConfig.getDefault());
  private final BucketConfiguration configuration =
      BucketConfiguration.builder()
          .addLimit(
              Bandwidth.builder().capacity(RATE).refillGreedy(RATE, Duration.ofSeconds(1)).build())
          .build();

  /** Creates the bucket once through the canned client and answers with its state from then on. */
  public Bucket4jOnCannedDynamoDb() {
    http.answer("GetItem", "{}").answer("PutItem", "{}");
    if (!tryConsume()) {
      throw new IllegalStateException("a new Bucket4j bucket refused its first token");
    }
    String put =
        http.lastRequest("PutItem")
            .orElseThrow(() -> new IllegalStateException("Bucket4j put no state"))
            .body();
    Matcher state = PUT_STATE.matcher(put);
    if (!state.find()) {
      throw new IllegalStateException("no bucket state in Bucket4j's PutItem: " + put);
    }
    http.answer(
        "GetItem",
        "{\"Item\":{\""
            + DynamoDbBucket4jProxyManager.KEY
            + "\":{\"S\":\""
            + KEY
            + "\"},\""
            + DynamoDbBucket4jProxyManager.STATE
            + "\":{\"B\":\""
            + state.group(1)
            + "\"}}}");
  }

  /**
   * One call as per-request code makes it: a proxy for the key (a handle that caches nothing), then
   * one token.
   */
  public boolean tryConsume() {
    return buckets.builder().build(KEY, configuration).tryConsume(1);
  }

  /** The canned HTTP client, for checks. */
  public CannedDynamoDb http() {
    return http;
  }

  @Override
  public void close() {
    client.close();
  }
}
