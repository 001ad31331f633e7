package dev.limiter.runtime;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.http.async.AsyncExecuteRequest;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;

/**
 * A sync and an async SDK HTTP client that answer each DynamoDB operation (by its {@code
 * X-Amz-Target}) with a set status and JSON body, a 500 InternalServerError when none is set.
 * Counts the HTTP calls per operation, so that SDK replays show, and the closes of each client.
 */
final class ScriptedHttp {

  private static final String TARGET_PREFIX = "DynamoDB_20120810.";
  private static final Answer SERVER_ERROR =
      new Answer(500, "{\"__type\":\"com.amazonaws.dynamodb.v20120810#InternalServerError\"}");

  private record Answer(int status, String json) {}

  private final Map<String, Answer> answers = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
  final AtomicInteger syncCloses = new AtomicInteger();
  final AtomicInteger asyncCloses = new AtomicInteger();

  /** Answers {@code operation} (e.g. {@code GetItem}) with {@code status} and {@code json}. */
  ScriptedHttp answer(String operation, int status, String json) {
    answers.put(operation, new Answer(status, json));
    return this;
  }

  /** HTTP calls of {@code operation} so far, over both clients. */
  int calls(String operation) {
    AtomicInteger count = calls.get(operation);
    return count == null ? 0 : count.get();
  }

  private HttpExecuteResponse respond(SdkHttpRequest request) {
    String operation =
        request
            .firstMatchingHeader("X-Amz-Target")
            .map(target -> target.substring(TARGET_PREFIX.length()))
            .orElse("");
    calls.computeIfAbsent(operation, any -> new AtomicInteger()).incrementAndGet();
    Answer answer = answers.getOrDefault(operation, SERVER_ERROR);
    byte[] body = answer.json().getBytes(StandardCharsets.UTF_8);
    return HttpExecuteResponse.builder()
        .response(
            SdkHttpResponse.builder()
                .statusCode(answer.status())
                .putHeader("Content-Type", "application/x-amz-json-1.0")
                .putHeader("Content-Length", Integer.toString(body.length))
                .build())
        .responseBody(AbortableInputStream.create(new ByteArrayInputStream(body)))
        .build();
  }

  /** The synchronous client. */
  SdkHttpClient sync() {
    return new SdkHttpClient() {
      @Override
      public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
        return new ExecutableHttpRequest() {
          @Override
          public HttpExecuteResponse call() {
            return respond(request.httpRequest());
          }

          @Override
          public void abort() {
            // Answered at once.
          }
        };
      }

      @Override
      public void close() {
        syncCloses.incrementAndGet();
      }
    };
  }

  /** The asynchronous client. */
  SdkAsyncHttpClient async() {
    return new SdkAsyncHttpClient() {
      @Override
      public CompletableFuture<Void> execute(AsyncExecuteRequest request) {
        request.requestContentPublisher().subscribe(new Drain());
        HttpExecuteResponse response = respond(request.request());
        request.responseHandler().onHeaders(response.httpResponse());
        byte[] body = response.responseBody().map(ScriptedHttp::readAll).orElse(new byte[0]);
        request.responseHandler().onStream(AsyncRequestBody.fromBytes(body));
        return CompletableFuture.completedFuture(null);
      }

      @Override
      public void close() {
        asyncCloses.incrementAndGet();
      }
    };
  }

  private static byte[] readAll(AbortableInputStream body) {
    try (body) {
      return body.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads a request body to its end, as a client sends it. */
  private static final class Drain implements Subscriber<ByteBuffer> {
    @Override
    public void onSubscribe(Subscription subscription) {
      subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(ByteBuffer item) {
      // sent
    }

    @Override
    public void onError(Throwable throwable) {
      // nothing was sent
    }

    @Override
    public void onComplete() {
      // sent
    }
  }
}
