package dev.limiter.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.limiter.testkit.DynamoDbLocal;
import dev.limiter.testkit.ManualClock;
import java.io.IOException;
import java.net.ConnectException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * {@code withLease} when the lease's adjustment cannot be written after the body ran: the body's
 * result is returned either way; a write that certainly did nothing is reported as not written, one
 * whose outcome was hidden as undecided.
 */
class WithLeaseTest {

  private static final List<Limit> LIMITS = List.of(Limit.perMinute("tpm", 1_000));

  private final ManualClock clock = ManualClock.at("2026-12-01T10:00:00Z");
  private final WriteBreaker breaker = new WriteBreaker();
  private final DynamoDbClient client = DynamoDbLocal.shared().client(breaker);
  private final String table = LimiterTables.create(client);
  private final List<String> unwritten = new CopyOnWriteArrayList<>();
  private final List<String> undecided = new CopyOnWriteArrayList<>();

  @AfterEach
  void close() {
    client.close();
  }

  private RateLimiter limiter(OnUnavailable policy) {
    return RateLimiter.builder()
        .client(client)
        .tableName(table)
        .clock(clock)
        .onUnavailable(policy)
        .usageListener(
            new UsageListener() {
              @Override
              public void onAdjustmentNotWritten(
                  String entityId, String resource, Map<String, Long> deltas, Throwable cause) {
                unwritten.add(
                    entityId
                        + "/"
                        + resource
                        + " "
                        + deltas
                        + " "
                        + cause.getClass().getSimpleName());
              }

              @Override
              public void onUndecided(String entityId, String resource, Map<String, Long> tokens) {
                undecided.add(entityId + "/" + resource + " " + tokens);
              }
            })
        .build();
  }

  private String work(RateLimiter limiter, WriteBreaker.Mode failure) {
    return limiter.withLease(
        "key-1",
        "llm",
        Map.of("tpm", 10L),
        LIMITS,
        lease -> {
          lease.adjust(Map.of("tpm", 490L));
          breaker.mode = failure; // DynamoDB fails while the work runs
          return "the work's result";
        });
  }

  @ParameterizedTest
  @EnumSource(OnUnavailable.class)
  void theBodysResultIsReturnedAndTheUnwrittenAdjustmentReported(OnUnavailable policy) {
    String result = work(limiter(policy), WriteBreaker.Mode.CONNECTION_REFUSED);

    assertThat(result).isEqualTo("the work's result");
    assertThat(unwritten).containsExactly("key-1/llm {tpm=490} SdkClientException");
    assertThat(undecided).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(OnUnavailable.class)
  void theBodysResultIsReturnedAndAnAdjustmentWhoseOutcomeWasHiddenIsReportedUndecided(
      OnUnavailable policy) {
    String result = work(limiter(policy), WriteBreaker.Mode.RESET_AFTER_SENDING);

    assertThat(result).isEqualTo("the work's result");
    assertThat(undecided).containsExactly("key-1/llm {tpm=490}");
    assertThat(unwritten).isEmpty();
    // Every one of the SDK's attempts reached DynamoDB; the request token applied the charge once.
    breaker.mode = WriteBreaker.Mode.NONE;
    RateLimiter reader =
        RateLimiter.builder()
            .client(DynamoDbLocal.shared().inspectionClient())
            .tableName(table)
            .clock(clock)
            .build();
    assertThat(reader.available("key-1", "llm", LIMITS)).containsEntry("tpm", 500L);
  }

  @ParameterizedTest
  @EnumSource(OnUnavailable.class)
  void anAdjustmentDynamoDbRefusesIsReportedAndThrownAsTheLimitersOwnError(OnUnavailable policy) {
    RateLimiter limiter = limiter(policy);
    assertThat(work(limiter, WriteBreaker.Mode.REFUSED)).isEqualTo("the work's result");
    assertThat(unwritten).containsExactly("key-1/llm {tpm=490} DynamoDbException");

    breaker.mode = WriteBreaker.Mode.NONE;
    Lease lease = limiter.acquire("key-1", "llm", Map.of("tpm", 10L), LIMITS);
    lease.adjust(Map.of("tpm", 5L));
    breaker.mode = WriteBreaker.Mode.REFUSED;
    assertThatThrownBy(lease::close)
        .isExactlyInstanceOf(RateLimiterException.class)
        .hasMessageContaining("refused")
        .hasCauseInstanceOf(DynamoDbException.class);
    assertThat(unwritten).hasSize(2);
  }

  /**
   * Fails every bucket write as an unreachable endpoint (nothing sent), a broken connection (sent,
   * answer lost) or a refused request would.
   */
  private static final class WriteBreaker implements ExecutionInterceptor {
    enum Mode {
      NONE,
      CONNECTION_REFUSED,
      RESET_AFTER_SENDING,
      REFUSED
    }

    volatile Mode mode = Mode.NONE;

    private static boolean write(SdkRequest request) {
      return request instanceof UpdateItemRequest || request instanceof TransactWriteItemsRequest;
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
      if (mode == Mode.CONNECTION_REFUSED && write(context.request())) {
        throw SdkClientException.create(
            "Unable to execute HTTP request: Connection refused",
            new ConnectException("Connection refused"));
      }
      if (mode == Mode.REFUSED && write(context.request())) {
        throw DynamoDbException.builder()
            .statusCode(400)
            .message("refused")
            .awsErrorDetails(
                AwsErrorDetails.builder()
                    .errorCode("ValidationException")
                    .errorMessage("refused")
                    .build())
            .build();
      }
    }

    @Override
    public void afterTransmission(
        Context.AfterTransmission context, ExecutionAttributes attributes) {
      if (mode == Mode.RESET_AFTER_SENDING && write(context.request())) {
        throw SdkClientException.create(
            "Unable to execute HTTP request: Connection reset",
            new IOException("Connection reset"));
      }
    }
  }
}
