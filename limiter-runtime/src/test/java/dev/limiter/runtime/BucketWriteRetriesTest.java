package dev.limiter.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;

/**
 * A bucket write's UpdateItem is sent once ({@link DynamoDbGateway#updateOnce}) whatever retries
 * the workload's client has, while its other calls keep them (and the client's other settings, here
 * a header): the request disables only the retry strategy.
 */
class BucketWriteRetriesTest {

  @Test
  void anUpdateItemIsSentOnceWhileOtherCallsKeepTheClientsRetries() {
    ServerErrors http = new ServerErrors();
    DynamoDbClient client =
        DynamoDbClient.builder()
            .httpClient(http)
            .region(Region.US_EAST_1)
            .endpointOverride(URI.create("http://dynamodb.test.invalid"))
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("id", "secret")))
            .overrideConfiguration(
                o -> o.retryStrategy(RetryMode.STANDARD).putHeader("X-Kept", "yes"))
            .build();
    Limit limit = Limit.perSecond("rps", 10);
    BucketWrite write =
        BucketWrite.of(
            "table",
            new BucketKey("entity", "resource"),
            List.of(new LimitOp(limit, 1, LimitOp.Kind.ACQUIRE)),
            BucketState.EMPTY,
            1_000_000_000L,
            new BucketBounds(1, 60_000_000_000L));

    DynamoDbGateway gateway = new DynamoDbGateway(client, null, Runnable::run, response -> {});

    assertThatThrownBy(() -> gateway.updateOnce(write::request))
        .isInstanceOf(DynamoDbException.class);
    assertThat(http.calls.get()).isEqualTo(1);
    assertThat(http.keptHeaders.get()).isEqualTo(1);

    http.calls.set(0);
    assertThatThrownBy(() -> client.getItem(get -> get.tableName("table").key(Map.of())))
        .isInstanceOf(DynamoDbException.class);
    assertThat(http.calls.get()).isGreaterThan(1);
  }

  /** Answers every request with a 500, which the SDK's retry strategies retry. */
  private static final class ServerErrors implements SdkHttpClient {
    final AtomicInteger calls = new AtomicInteger();
    final AtomicInteger keptHeaders = new AtomicInteger();

    @Override
    public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
      return new ExecutableHttpRequest() {
        @Override
        public HttpExecuteResponse call() {
          calls.incrementAndGet();
          if (request.httpRequest().firstMatchingHeader("X-Kept").isPresent()) {
            keptHeaders.incrementAndGet();
          }
          byte[] body =
              "{\"__type\":\"com.amazonaws.dynamodb.v20120810#InternalServerError\"}"
                  .getBytes(StandardCharsets.UTF_8);
          return HttpExecuteResponse.builder()
              .response(
                  SdkHttpResponse.builder()
                      .statusCode(500)
                      .putHeader("Content-Length", Integer.toString(body.length))
                      .build())
              .responseBody(AbortableInputStream.create(new ByteArrayInputStream(body)))
              .build();
        }

        @Override
        public void abort() {}
      };
    }

    @Override
    public void close() {}
  }
}
