package dev.limiter.runtime;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.reactivestreams.Publisher;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * Faults between the SDK and DynamoDB Local, per HTTP attempt, for the next {@code n} attempts of
 * the armed operations. Three of them let the request commit and then hide the outcome (the SDK's
 * retry then replays it); throttling, a server error before the commit and an unreachable server
 * refuse the request before anything is written.
 */
final class FaultInjector implements ExecutionInterceptor {

  /** What happens to an armed attempt. */
  enum Fault {
    /**
     * The write commits; the client receives HTTP 500 InternalServerError instead of the response.
     */
    SERVER_ERROR_AFTER_COMMIT,
    /** The write commits; the connection breaks before the response arrives. */
    RESPONSE_LOST,
    /** The write commits; the response arrives after the attempt timeout. */
    DELAYED_PAST_TIMEOUT,
    /**
     * Nothing is written; the client receives HTTP 400 ProvisionedThroughputExceededException on
     * every attempt.
     */
    THROTTLED,
    /**
     * Nothing is written; the client receives HTTP 500 InternalServerError on every attempt, so the
     * outcome looks hidden though nothing committed.
     */
    SERVER_ERROR_BEFORE_COMMIT,
    /** Nothing is sent; the attempt fails as a refused connection (DynamoDB unreachable). */
    UNREACHABLE,
    /**
     * The client receives HTTP 400 TransactionCanceledException with the reason TransactionConflict
     * (another write in progress on the item). The request itself goes through, so script it only
     * on the replay of a transaction that committed (its client request token makes DynamoDB Local
     * write nothing); see {@link FaultInjector#armInTurn}.
     */
    TRANSACTION_CONFLICT,
    /** No fault. */
    NONE
  }

  private static final ExecutionAttribute<Fault> INJECTED =
      new ExecutionAttribute<>("injected-fault");

  /** The fault of a call refused before anything is written, on every attempt; NONE for none. */
  private static final ExecutionAttribute<Fault> REFUSED_CALL =
      new ExecutionAttribute<>("refused-call");

  /** A one-item transaction cancelled by a conflict, as DynamoDB answers it. */
  private static final String TRANSACTION_CONFLICT_BODY =
      "{\"__type\":\"com.amazonaws.dynamodb.v20120810#TransactionCanceledException\","
          + "\"message\":\"Transaction cancelled, please refer cancellation reasons for specific"
          + " reasons [TransactionConflict]\","
          + "\"CancellationReasons\":[{\"Code\":\"TransactionConflict\","
          + "\"Message\":\"Transaction is ongoing for the item\"}]}";

  private static final String THROTTLED_TARGET = "DynamoDB_20120810.ListTables";

  private final AtomicReference<Fault> fault = new AtomicReference<>();
  private final AtomicInteger remaining = new AtomicInteger();
  private volatile Set<String> operations = Set.of();
  private volatile Duration delay = Duration.ZERO;
  private volatile double chance = 1;
  private final AtomicInteger certain = new AtomicInteger();
  private volatile Runnable afterCommit = () -> {};
  private final LongAdder injected = new LongAdder();

  /** Faults of the next attempts, in turn (the last one stays until disarmed); empty for none. */
  private final ConcurrentLinkedDeque<Fault> turns = new ConcurrentLinkedDeque<>();

  /**
   * The next {@code times} attempts of {@code operations} (e.g. {@code UpdateItem}) suffer {@code
   * fault}.
   */
  void arm(Fault fault, int times, String... operations) {
    this.operations = Set.of(operations);
    this.fault.set(fault);
    remaining.set(times);
  }

  /**
   * The first {@code certain} attempts of {@code operations} suffer {@code fault}, then every one
   * with probability {@code chance}, until disarmed.
   */
  void armRandomly(Fault fault, int certain, double chance, String... operations) {
    this.chance = chance;
    this.certain.set(certain);
    arm(fault, Integer.MAX_VALUE, operations);
  }

  /**
   * The next attempts of {@code operations} suffer {@code faults} in turn, one each, and every
   * later one the last of them until disarmed ({@link Fault#NONE} for none): the SDK's replays of
   * one call included, so a call can fail one way after an attempt that failed another. Only
   * per-attempt faults: those that commit, {@link Fault#UNREACHABLE}, {@link
   * Fault#TRANSACTION_CONFLICT} and {@link Fault#NONE}.
   */
  void armInTurn(String[] operations, Fault... faults) {
    remaining.set(0);
    turns.clear();
    for (Fault f : faults) {
      if (refusedBeforeCommit(f)) {
        throw new IllegalArgumentException(f + " refuses a whole call, not one attempt");
      }
    }
    this.operations = Set.of(operations);
    turns.addAll(List.of(faults));
  }

  /**
   * Runs {@code action} after a faulted request committed and before its outcome is hidden (another
   * writer, say).
   */
  void afterCommit(Runnable action) {
    this.afterCommit = action;
  }

  /** How long {@link Fault#DELAYED_PAST_TIMEOUT} holds a response back. */
  void delay(Duration delay) {
    this.delay = delay;
  }

  /** Stops injecting. */
  void disarm() {
    turns.clear();
    remaining.set(0);
    certain.set(0);
    chance = 1;
    afterCommit = () -> {};
  }

  /** Attempts that suffered a fault so far. */
  long injected() {
    return injected.sum();
  }

  @Override
  public SdkHttpRequest modifyHttpRequest(
      Context.ModifyHttpRequest context, ExecutionAttributes attributes) {
    // Called once per call, before the SDK's retries: a refused call is refused on every attempt.
    if (!turns.isEmpty()) {
      attributes.putAttribute(REFUSED_CALL, Fault.NONE);
      return context.httpRequest();
    }
    Fault chosen = fault.get();
    boolean refused = refusedBeforeCommit(chosen) && take(attributes);
    attributes.putAttribute(REFUSED_CALL, refused ? chosen : Fault.NONE);
    if (refused) {
      // Turn the write into a harmless call, so nothing commits, and answer it with the fault.
      return context.httpRequest().toBuilder().putHeader("X-Amz-Target", THROTTLED_TARGET).build();
    }
    return context.httpRequest();
  }

  @Override
  public void beforeTransmission(
      Context.BeforeTransmission context, ExecutionAttributes attributes) {
    // Called once per attempt: the SDK's replay of a faulted attempt goes through.
    if (!turns.isEmpty()) {
      Fault turn = inTurn(attributes);
      if (turn == Fault.UNREACHABLE) {
        throw SdkClientException.create(
            "injected: connection refused", new ConnectException("Connection refused"));
      }
      attributes.putAttribute(INJECTED, turn);
      return;
    }
    Fault chosen = fault.get();
    boolean hit = !refusedBeforeCommit(chosen) && chosen != Fault.UNREACHABLE && take(attributes);
    if (chosen == Fault.UNREACHABLE && take(attributes)) {
      throw SdkClientException.create(
          "injected: connection refused", new ConnectException("Connection refused"));
    }
    attributes.putAttribute(INJECTED, hit ? chosen : Fault.NONE);
  }

  /** The scripted fault of this attempt ({@link #armInTurn}), NONE for another operation. */
  private Fault inTurn(ExecutionAttributes attributes) {
    if (!operations.contains(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME))) {
      return Fault.NONE;
    }
    Fault turn = turns.size() > 1 ? turns.pollFirst() : turns.peekFirst();
    if (turn == null) {
      return Fault.NONE;
    }
    if (turn != Fault.NONE) {
      injected.increment();
    }
    return turn;
  }

  private static boolean committed(Fault fault) {
    return fault == Fault.SERVER_ERROR_AFTER_COMMIT
        || fault == Fault.RESPONSE_LOST
        || fault == Fault.DELAYED_PAST_TIMEOUT;
  }

  private static boolean refusedBeforeCommit(Fault fault) {
    return fault == Fault.THROTTLED || fault == Fault.SERVER_ERROR_BEFORE_COMMIT;
  }

  @Override
  public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes attributes) {
    Fault chosen = injected(attributes);
    if (committed(chosen)) {
      afterCommit.run();
    }
    if (chosen == Fault.RESPONSE_LOST) {
      throw SdkClientException.create(
          "injected: connection reset after the request committed",
          new IOException("Connection reset"));
    }
    if (chosen == Fault.DELAYED_PAST_TIMEOUT) {
      try {
        Thread.sleep(delay.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public SdkHttpResponse modifyHttpResponse(
      Context.ModifyHttpResponse context, ExecutionAttributes attributes) {
    Fault chosen = injected(attributes);
    if (chosen == Fault.SERVER_ERROR_AFTER_COMMIT || chosen == Fault.SERVER_ERROR_BEFORE_COMMIT) {
      return context.httpResponse().toBuilder()
          .statusCode(500)
          .statusText("Internal Server Error")
          .build();
    }
    if (chosen == Fault.THROTTLED || chosen == Fault.TRANSACTION_CONFLICT) {
      return context.httpResponse().toBuilder().statusCode(400).statusText("Bad Request").build();
    }
    return context.httpResponse();
  }

  @Override
  public Optional<InputStream> modifyHttpResponseContent(
      Context.ModifyHttpResponse context, ExecutionAttributes attributes) {
    Fault chosen = injected(attributes);
    if (chosen == Fault.SERVER_ERROR_AFTER_COMMIT) {
      return Optional.of(error("InternalServerError", "injected: committed, response lost"));
    }
    if (chosen == Fault.SERVER_ERROR_BEFORE_COMMIT) {
      return Optional.of(error("InternalServerError", "injected: nothing committed"));
    }
    if (chosen == Fault.THROTTLED) {
      return Optional.of(error("ProvisionedThroughputExceededException", "injected: throttled"));
    }
    if (chosen == Fault.TRANSACTION_CONFLICT) {
      return Optional.of(
          new ByteArrayInputStream(TRANSACTION_CONFLICT_BODY.getBytes(StandardCharsets.UTF_8)));
    }
    return context.responseBody();
  }

  /** The same error bodies for the asynchronous client, which reads the response as a stream. */
  @Override
  public Optional<Publisher<ByteBuffer>> modifyAsyncHttpResponseContent(
      Context.ModifyHttpResponse context, ExecutionAttributes attributes) {
    Fault chosen = injected(attributes);
    if (chosen == Fault.SERVER_ERROR_AFTER_COMMIT) {
      return Optional.of(
          AsyncRequestBody.fromString(
              errorBody("InternalServerError", "injected: committed, response lost")));
    }
    if (chosen == Fault.SERVER_ERROR_BEFORE_COMMIT) {
      return Optional.of(
          AsyncRequestBody.fromString(
              errorBody("InternalServerError", "injected: nothing committed")));
    }
    if (chosen == Fault.THROTTLED) {
      return Optional.of(
          AsyncRequestBody.fromString(
              errorBody("ProvisionedThroughputExceededException", "injected: throttled")));
    }
    if (chosen == Fault.TRANSACTION_CONFLICT) {
      return Optional.of(AsyncRequestBody.fromString(TRANSACTION_CONFLICT_BODY));
    }
    return context.responsePublisher();
  }

  private boolean take(ExecutionAttributes attributes) {
    String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
    boolean surely =
        operations.contains(operation) && certain.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
    if (!operations.contains(operation)
        || (!surely && ThreadLocalRandom.current().nextDouble() >= chance)
        || remaining.getAndUpdate(n -> Math.max(0, n - 1)) <= 0) {
      return false;
    }
    injected.increment();
    return true;
  }

  private static Fault injected(ExecutionAttributes attributes) {
    Fault refused = attributes.getAttribute(REFUSED_CALL);
    if (refused != null && refused != Fault.NONE) {
      return refused;
    }
    Fault fault = attributes.getAttribute(INJECTED);
    return fault == null ? Fault.NONE : fault;
  }

  private static InputStream error(String type, String message) {
    return new ByteArrayInputStream(errorBody(type, message).getBytes(StandardCharsets.UTF_8));
  }

  private static String errorBody(String type, String message) {
    return "{\"__type\":\"com.amazonaws.dynamodb.v20120810#"
        + type
        + "\",\"message\":\""
        + message
        + "\"}";
  }
}
