package dev.limiter.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.core.retry.RetryPolicy;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * A bucket write's UpdateItem reaches DynamoDB exactly once per attempt the limiter makes, however
 * its clients retry, on every path: a workload's retrying client (the per-request plugin turns the
 * SDK's retries off), a workload's client that makes one attempt or one given for bucket writes
 * alone (no plugin needed, none sent), and the clients {@link RateLimiter#fromEnvironment()} builds
 * (a second pair without retries for bucket writes). Every UpdateItem (or, for a rollback, every
 * TransactWriteItems) gets a 500, which hides its outcome, so the limiter makes all of its {@link
 * BucketWriter#MAX_ATTEMPTS} attempts and the SDK would replay each one it may.
 */
class BucketWritesSentOnceTest {

  private static final List<Limit> LIMITS = List.of(Limit.perSecond("rps", 10));
  private static final Map<String, Long> ONE = Map.of("rps", 1L);

  @Test
  void aRetryingClientSendsEachAttemptOnce() {
    ScriptedHttp http = markerFound(new ScriptedHttp());
    try (RateLimiter limiter =
        limiter(http, o -> o.retryStrategy(RetryMode.STANDARD), new Captured())) {
      assertThatThrownBy(() -> limiter.acquire("e", "r", ONE, LIMITS))
          .isInstanceOf(RateLimiterUnavailableException.class);
      assertThat(http.calls("UpdateItem")).isEqualTo(BucketWriter.MAX_ATTEMPTS);
    }
  }

  @Test
  void aLegacyRetryPolicyClientSendsEachAttemptOnce() {
    ScriptedHttp http = markerFound(new ScriptedHttp());
    try (RateLimiter limiter =
        limiter(http, o -> o.retryPolicy(RetryPolicy.defaultRetryPolicy()), new Captured())) {
      assertThatThrownBy(() -> limiter.acquire("e", "r", ONE, LIMITS))
          .isInstanceOf(RateLimiterUnavailableException.class);
      assertThat(http.calls("UpdateItem")).isEqualTo(BucketWriter.MAX_ATTEMPTS);
    }
  }

  @Test
  void aClientThatMakesOneAttemptGetsBucketWritesWithoutAPerRequestPlugin() {
    ScriptedHttp http = markerFound(new ScriptedHttp());
    Captured sent = new Captured();
    try (RateLimiter limiter =
        limiter(http, o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()), sent)) {
      assertThatThrownBy(() -> limiter.acquire("e", "r", ONE, LIMITS))
          .isInstanceOf(RateLimiterUnavailableException.class);
      assertThat(http.calls("UpdateItem")).isEqualTo(BucketWriter.MAX_ATTEMPTS);
      assertThat(sent.updates).hasSize(BucketWriter.MAX_ATTEMPTS);
      assertThat(sent.updates)
          .allSatisfy(update -> assertThat(update.overrideConfiguration()).isEmpty());
    }
  }

  @Test
  void aBucketWriteClientGivenToTheBuilderTakesTheBucketWritesAndTheClientTheRest() {
    ScriptedHttp http = markerFound(new ScriptedHttp());
    Captured writes = new Captured();
    Captured others = new Captured();
    try (DynamoDbClient client =
            client(http, o -> o.retryStrategy(RetryMode.STANDARD).addExecutionInterceptor(others));
        DynamoDbClient writeClient =
            client(
                http,
                o ->
                    o.retryStrategy(AwsRetryStrategy.doNotRetry())
                        .addExecutionInterceptor(writes));
        RateLimiter limiter =
            RateLimiter.builder()
                .client(client)
                .bucketWriteClient(writeClient)
                .tableName("limits")
                .onUnavailable(OnUnavailable.BLOCK)
                .build()) {
      assertThatThrownBy(() -> limiter.acquire("e", "r", ONE, LIMITS))
          .isInstanceOf(RateLimiterUnavailableException.class);

      assertThat(http.calls("UpdateItem")).isEqualTo(BucketWriter.MAX_ATTEMPTS);
      assertThat(writes.updates).hasSize(BucketWriter.MAX_ATTEMPTS);
      assertThat(writes.updates)
          .allSatisfy(update -> assertThat(update.overrideConfiguration()).isEmpty());
      assertThat(others.updates).isEmpty();
      assertThat(http.calls("GetItem")).as("the marker, through the client").isEqualTo(1);
    }
  }

  @Test
  void aBucketWriteClientWithoutAClientForTheOtherCallsIsRefused() {
    ScriptedHttp http = new ScriptedHttp();
    try (DynamoDbClient writeClient = client(http, o -> {});
        DynamoDbAsyncClient asyncClient =
            DynamoDbAsyncClient.builder()
                .httpClient(http.async())
                .region(Region.US_EAST_1)
                .credentialsProvider(credentials())
                .build()) {
      assertThatThrownBy(
              () ->
                  RateLimiter.builder()
                      .asyncClient(asyncClient)
                      .bucketWriteClient(writeClient)
                      .tableName("limits")
                      .build())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("bucketWriteClient needs a client for the other calls");
      assertThatThrownBy(
              () ->
                  RateLimiter.builder()
                      .client(writeClient)
                      .bucketWriteAsyncClient(asyncClient)
                      .tableName("limits")
                      .build())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("bucketWriteAsyncClient needs an asyncClient for the other calls");
    }
  }

  @Test
  void aRetryingAsyncClientSendsEachAttemptOnce() {
    ScriptedHttp http = markerFound(new ScriptedHttp());
    try (DynamoDbAsyncClient client =
            DynamoDbAsyncClient.builder()
                .httpClient(http.async())
                .region(Region.US_EAST_1)
                .endpointOverride(URI.create("http://dynamodb.test.invalid"))
                .credentialsProvider(credentials())
                .overrideConfiguration(o -> o.retryStrategy(RetryMode.STANDARD))
                .build();
        RateLimiter limiter =
            RateLimiter.builder()
                .asyncClient(client)
                .tableName("limits")
                .onUnavailable(OnUnavailable.BLOCK)
                .build()) {
      assertThatThrownBy(() -> limiter.acquireAsync("e", "r", ONE, LIMITS).join())
          .isInstanceOf(CompletionException.class)
          .hasCauseInstanceOf(RateLimiterUnavailableException.class);
      assertThat(http.calls("UpdateItem")).isEqualTo(BucketWriter.MAX_ATTEMPTS);
    }
  }

  @Test
  void aRollbackThroughARetryingClientSendsEachAttemptOnce() {
    ScriptedHttp http = markerFound(new ScriptedHttp()).answer("UpdateItem", 200, "{}");
    try (RateLimiter limiter =
        limiter(http, o -> o.retryStrategy(RetryMode.STANDARD), new Captured())) {
      Lease lease = limiter.acquire("e", "r", ONE, LIMITS);
      assertThatThrownBy(lease::rollback).isInstanceOf(RateLimiterUnavailableException.class);
      assertThat(http.calls("TransactWriteItems")).isEqualTo(BucketWriter.MAX_ATTEMPTS);
    }
  }

  @Test
  void aRollbackThroughTheEnvironmentsAsyncClientSendsEachAttemptOnce() {
    ScriptedHttp http = markerFound(new ScriptedHttp()).answer("UpdateItem", 200, "{}");
    try (RateLimiter limiter = fromEnvironment(http)) {
      Lease lease = limiter.acquireAsync("e", "r", ONE, LIMITS).join();
      assertThatThrownBy(lease::rollback).isInstanceOf(RateLimiterUnavailableException.class);
      assertThat(http.calls("TransactWriteItems")).isEqualTo(BucketWriter.MAX_ATTEMPTS);
    }
  }

  @Test
  void theEnvironmentsClientsSendEachSyncAttemptOnce() {
    ScriptedHttp http = markerFound(new ScriptedHttp());
    try (RateLimiter limiter = fromEnvironment(http)) {
      assertThatThrownBy(() -> limiter.acquire("e", "r", ONE, LIMITS))
          .isInstanceOf(RateLimiterUnavailableException.class);
      assertThat(http.calls("UpdateItem")).isEqualTo(BucketWriter.MAX_ATTEMPTS);
    }
  }

  @Test
  void theEnvironmentsClientsKeepTheirRetriesForReads() {
    ScriptedHttp http = new ScriptedHttp();
    try (RateLimiter limiter = fromEnvironment(http)) {
      assertThatThrownBy(() -> limiter.available("e", "r", LIMITS))
          .isInstanceOf(RateLimiterUnavailableException.class);
      // RetryMode.STANDARD: three attempts of the first GetItem, after which the read fails.
      assertThat(http.calls("GetItem")).isEqualTo(3);
    }
  }

  @Test
  void theEnvironmentsClientsSendEachAsyncAttemptOnce() {
    ScriptedHttp http = markerFound(new ScriptedHttp());
    try (RateLimiter limiter = fromEnvironment(http)) {
      assertThatThrownBy(() -> limiter.acquireAsync("e", "r", ONE, LIMITS).join())
          .isInstanceOf(CompletionException.class)
          .hasCauseInstanceOf(RateLimiterUnavailableException.class);
      assertThat(http.calls("UpdateItem")).isEqualTo(BucketWriter.MAX_ATTEMPTS);
    }
  }

  @Test
  void theEnvironmentsLimiterClosesEachHttpClientItBuiltOnce() {
    ScriptedHttp http = new ScriptedHttp();
    RateLimiter limiter = fromEnvironment(http);
    assertThat(http.syncCloses).hasValue(0);
    assertThat(http.asyncCloses).hasValue(0);

    limiter.close();

    assertThat(http.syncCloses).hasValue(1);
    assertThat(http.asyncCloses).hasValue(1);
  }

  @Test
  void aFailureWhileBuildingTheEnvironmentsClientsClosesWhatWasBuilt() {
    ScriptedHttp http = new ScriptedHttp();
    LimiterEnvironment.Transport failing =
        new LimiterEnvironment.Transport(
            http::sync,
            () -> {
              throw new IllegalStateException("no async HTTP client");
            },
            credentials());

    assertThatThrownBy(
            () ->
                LimiterEnvironment.limiter(
                    Map.of("LIMITER_TABLE_NAME", "limits", "AWS_REGION", "us-east-1"), failing))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("no async HTTP client");
    assertThat(http.syncCloses).hasValue(1);
  }

  /** The hierarchy marker's GetItem finds nothing: explicit limits, no hierarchy. */
  private static ScriptedHttp markerFound(ScriptedHttp http) {
    return http.answer("GetItem", 200, "{}");
  }

  private static RateLimiter fromEnvironment(ScriptedHttp http) {
    return LimiterEnvironment.limiter(
        Map.of(
            "LIMITER_TABLE_NAME", "limits",
            "AWS_REGION", "us-east-1",
            "LIMITER_ENDPOINT_URL", "http://dynamodb.test.invalid",
            "LIMITER_ON_UNAVAILABLE", "block",
            "AWS_ACCESS_KEY_ID", "id"),
        new LimiterEnvironment.Transport(http::sync, http::async, credentials()));
  }

  private static RateLimiter limiter(
      ScriptedHttp http, Consumer<ClientOverrideConfiguration.Builder> retries, Captured sent) {
    DynamoDbClient client = client(http, o -> retries.accept(o.addExecutionInterceptor(sent)));
    return RateLimiter.builder()
        .client(client)
        .tableName("limits")
        .onUnavailable(OnUnavailable.BLOCK)
        .owning(client)
        .build();
  }

  private static DynamoDbClient client(
      ScriptedHttp http, Consumer<ClientOverrideConfiguration.Builder> overrides) {
    return DynamoDbClient.builder()
        .httpClient(http.sync())
        .region(Region.US_EAST_1)
        .endpointOverride(URI.create("http://dynamodb.test.invalid"))
        .credentialsProvider(credentials())
        .overrideConfiguration(overrides)
        .build();
  }

  private static StaticCredentialsProvider credentials() {
    return StaticCredentialsProvider.create(AwsBasicCredentials.create("id", "secret"));
  }

  /** The UpdateItemRequests as the limiter handed them to the SDK. */
  private static final class Captured implements ExecutionInterceptor {
    final List<UpdateItemRequest> updates = new CopyOnWriteArrayList<>();

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
      if (context.request() instanceof UpdateItemRequest update) {
        updates.add(update);
      }
    }
  }
}
