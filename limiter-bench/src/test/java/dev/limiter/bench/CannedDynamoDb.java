package dev.limiter.bench;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.http.async.AsyncExecuteRequest;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;

/**
 * An SDK HTTP client that answers DynamoDB operations with fixed JSON bodies, without a network, so
 * that a benchmark measures the client side alone: the SDK's marshalling, signing and
 * unmarshalling, and what the caller does around them.
 *
 * <p>Each answer is a 200 with the headers DynamoDB sends ({@code x-amz-crc32}, which the SDK
 * checks, {@code x-amzn-RequestId}, {@code Date}); an operation without an answer gets DynamoDB's
 * 400 {@code ValidationException}, so a benchmark on a path it did not expect fails instead of
 * measuring an error. The request body is read to its end, as a real client sends it (into a buffer
 * kept per thread, as a client's socket buffers are). Counts the calls per operation and keeps the
 * last request of each for checks.
 *
 * <p>An operation may instead be answered by a {@link Responder} from each request's body (read
 * whole for it), for an item whose state must follow the writes ({@link CannedBucket}).
 */
public final class CannedDynamoDb implements SdkHttpClient {

  /** The region of the clients over this one. */
  public static final Region REGION = Region.US_EAST_1;

  /** The endpoint of the clients over this one (never resolved: nothing is sent). */
  public static final URI ENDPOINT = URI.create("http://dynamodb.canned.invalid");

  /** The credentials of the clients over this one. */
  public static final StaticCredentialsProvider CREDENTIALS =
      StaticCredentialsProvider.create(AwsBasicCredentials.create("canned", "canned"));

  private static final String TARGET_PREFIX = "DynamoDB_20120810.";
  private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME;
  private static final byte[] UNANSWERED =
      "{\"__type\":\"com.amazon.coral.validate#ValidationException\",\"message\":\"no canned answer\"}"
          .getBytes(StandardCharsets.UTF_8);

  private static final ThreadLocal<byte[]> SEND_BUFFER =
      ThreadLocal.withInitial(() -> new byte[8192]);

  private final Map<String, Answer> answers = new ConcurrentHashMap<>();
  private final Map<String, Responder> responders = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> calls = new ConcurrentHashMap<>();
  private final Map<String, Request> lastRequests = new ConcurrentHashMap<>();
  private volatile String date = "";
  private volatile long dateSecond = Long.MIN_VALUE;

  /** A request as this client received it. */
  public record Request(HttpExecuteRequest received) {
    /** The request line and headers. */
    public SdkHttpRequest http() {
      return received.httpRequest();
    }

    /** The body as text (JSON), read again from the request's content. */
    public String body() {
      return received
          .contentStreamProvider()
          .map(content -> read(content.newStream()))
          .map(bytes -> new String(bytes, StandardCharsets.UTF_8))
          .orElse("");
    }
  }

  /**
   * One answer: its HTTP status, its JSON body and the body's CRC32 (DynamoDB's {@code
   * x-amz-crc32}).
   */
  public record Answer(int status, byte[] body, String crc32) {
    /** A 200 with {@code json}, as DynamoDB answers a call it served. */
    public static Answer ok(String json) {
      return of(200, json);
    }

    /** A 400 with {@code json} (its {@code __type} names the error), as DynamoDB refuses a call. */
    public static Answer clientError(String json) {
      return of(400, json);
    }

    private static Answer of(int status, String json) {
      byte[] body = json.getBytes(StandardCharsets.UTF_8);
      CRC32 crc = new CRC32();
      crc.update(body);
      return new Answer(status, body, Long.toString(crc.getValue()));
    }
  }

  /** Answers an operation from the body of each of its requests. */
  @FunctionalInterface
  public interface Responder {
    /**
     * The answer to the request whose JSON body is the first {@code length} bytes of {@code body},
     * a buffer kept per thread and used again for the next request (not to be kept).
     */
    Answer answer(byte[] body, int length);
  }

  /** Answers {@code operation} (e.g. {@code UpdateItem}) with {@code json} from now on. */
  public CannedDynamoDb answer(String operation, String json) {
    responders.remove(operation);
    answers.put(operation, Answer.ok(json));
    return this;
  }

  /** Answers {@code operation} with what {@code responder} makes of each request from now on. */
  public CannedDynamoDb answer(String operation, Responder responder) {
    answers.remove(operation);
    responders.put(operation, responder);
    return this;
  }

  /** A DynamoDB client over this HTTP client (us-east-1, static credentials, no retries needed). */
  public DynamoDbClient client() {
    return builder().build();
  }

  /** As {@link #client()}, with {@code interceptors} (for setting up, not for measuring). */
  public DynamoDbClient client(List<ExecutionInterceptor> interceptors) {
    return builder().overrideConfiguration(o -> o.executionInterceptors(interceptors)).build();
  }

  /** As {@link #client()}, with a retry strategy of one attempt (the SDK replays nothing). */
  public DynamoDbClient oneAttemptClient() {
    return builder()
        .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
        .build();
  }

  private DynamoDbClientBuilder builder() {
    return DynamoDbClient.builder()
        .httpClient(this)
        .region(REGION)
        .endpointOverride(ENDPOINT)
        .credentialsProvider(CREDENTIALS);
  }

  /** Calls of {@code operation} so far. */
  public long calls(String operation) {
    AtomicLong count = calls.get(operation);
    return count == null ? 0 : count.get();
  }

  /** The last request of {@code operation}, if any. */
  public Optional<Request> lastRequest(String operation) {
    return Optional.ofNullable(lastRequests.get(operation));
  }

  @Override
  public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
    return new ExecutableHttpRequest() {
      @Override
      public HttpExecuteResponse call() {
        return respond(request);
      }

      @Override
      public void abort() {
        // Answered at once: nothing to abort.
      }
    };
  }

  private HttpExecuteResponse respond(HttpExecuteRequest request) {
    String operation =
        request
            .httpRequest()
            .firstMatchingHeader("X-Amz-Target")
            .map(target -> target.substring(TARGET_PREFIX.length()))
            .orElse("");
    calls.computeIfAbsent(operation, any -> new AtomicLong()).incrementAndGet();
    lastRequests.put(operation, new Request(request));
    Responder responder = responders.get(operation);
    Answer answer;
    if (responder != null) {
      int length =
          request.contentStreamProvider().map(content -> readWhole(content.newStream())).orElse(0);
      answer = responder.answer(SEND_BUFFER.get(), length);
    } else {
      request.contentStreamProvider().ifPresent(content -> drain(content.newStream()));
      answer = answers.get(operation);
    }
    byte[] content = answer == null ? UNANSWERED : answer.body();
    SdkHttpResponse.Builder response =
        SdkHttpResponse.builder()
            .statusCode(answer == null ? 400 : answer.status())
            .putHeader("Content-Type", "application/x-amz-json-1.0")
            .putHeader("Content-Length", Integer.toString(content.length))
            .putHeader("x-amzn-RequestId", "canned")
            .putHeader("Date", date());
    if (answer != null) {
      response.putHeader("x-amz-crc32", answer.crc32());
    }
    return HttpExecuteResponse.builder()
        .response(response.build())
        .responseBody(AbortableInputStream.create(new ByteArrayInputStream(content)))
        .build();
  }

  /**
   * The same answers for an async DynamoDB client (for the calls a limiter makes asynchronously;
   * not for measuring): the request body is collected, then answered as the synchronous client
   * does.
   */
  public SdkAsyncHttpClient async() {
    return new SdkAsyncHttpClient() {
      @Override
      public CompletableFuture<Void> execute(AsyncExecuteRequest request) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        request
            .requestContentPublisher()
            .subscribe(
                new Subscriber<ByteBuffer>() {
                  @Override
                  public void onSubscribe(Subscription subscription) {
                    subscription.request(Long.MAX_VALUE);
                  }

                  @Override
                  public void onNext(ByteBuffer bytes) {
                    byte[] chunk = new byte[bytes.remaining()];
                    bytes.get(chunk);
                    body.write(chunk, 0, chunk.length);
                  }

                  @Override
                  public void onError(Throwable failure) {
                    request.responseHandler().onError(failure);
                    done.completeExceptionally(failure);
                  }

                  @Override
                  public void onComplete() {
                    byte[] sent = body.toByteArray();
                    HttpExecuteResponse response =
                        respond(
                            HttpExecuteRequest.builder()
                                .request(request.request())
                                .contentStreamProvider(() -> new ByteArrayInputStream(sent))
                                .build());
                    request.responseHandler().onHeaders(response.httpResponse());
                    request
                        .responseHandler()
                        .onStream(
                            AsyncRequestBody.fromBytes(
                                read(response.responseBody().orElseThrow())));
                    done.complete(null);
                  }
                });
        return done;
      }

      @Override
      public void close() {
        // No connections.
      }
    };
  }

  /** The HTTP date of this second, formatted once a second as a server would. */
  private String date() {
    long second = System.currentTimeMillis() / 1000;
    if (second != dateSecond) {
      date = HTTP_DATE.format(ZonedDateTime.now(ZoneOffset.UTC));
      dateSecond = second;
    }
    return date;
  }

  /** Reads the body to its end, as a client sends it, into a buffer kept per thread. */
  private static void drain(InputStream body) {
    byte[] buffer = SEND_BUFFER.get();
    try (body) {
      while (body.read(buffer) >= 0) {
        // sent
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Reads the body whole into the buffer kept per thread (grown when it is too small) and returns
   * its length.
   */
  private static int readWhole(InputStream body) {
    byte[] buffer = SEND_BUFFER.get();
    int length = 0;
    try (body) {
      for (int read = 0; read >= 0; read = body.read(buffer, length, buffer.length - length)) {
        length += read;
        if (length == buffer.length) {
          buffer = Arrays.copyOf(buffer, buffer.length * 2);
          SEND_BUFFER.set(buffer);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return length;
  }

  private static byte[] read(InputStream body) {
    try (body) {
      return body.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String clientName() {
    return "Canned";
  }

  @Override
  public void close() {
    // No connections.
  }
}
