package dev.limiter.operator.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.limiter.testkit.AwsOperationLog;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.regions.Region;

/**
 * A local HTTP server that speaks the wire protocol of an AWS service with no local emulator
 * (Application Auto Scaling, CloudWatch), so that adapter tests drive real SDK clients: requests
 * are marshalled, signed and sent, responses and errors unmarshalled by the SDK itself.
 *
 * <p>It records every request (operation name and decoded body, as a JSON tree whatever the
 * protocol) and answers each operation with what the test registered for it. A request in another
 * protocol than the stub's, or for an operation without an answer, gets a 400 error whose type
 * ({@code StubProtocolMismatch}, {@code StubHasNoAnswer}) and message say so, which the SDK throws
 * as an exception naming it.
 *
 * <p>{@link #client} builds clients for it the way DynamoDB Local's are built (static credentials,
 * the JVM-wide {@link AwsOperationLog}, so that {@code IamPolicyTest} sees the operations), and
 * without retries, so that the recorded requests are exactly the calls the code made.
 */
final class AwsWireStub implements AutoCloseable {

  /** The wire protocols the stub speaks, as the SDK 2.41 clients use them. */
  enum Protocol {
    /**
     * awsJson1_1 (Application Auto Scaling): {@code POST /}, operation in header {@code
     * X-Amz-Target: <target prefix>.<Operation>}, JSON bodies, content type {@code
     * application/x-amz-json-1.1}, errors as {@code {"__type": ..., "message": ...}}.
     */
    AWS_JSON_1_1("application/x-amz-json-1.1", new ObjectMapper()),
    /**
     * Smithy RPC v2 CBOR (CloudWatch): {@code POST /service/<service>/operation/<Operation>},
     * header {@code smithy-protocol: rpc-v2-cbor} both ways, CBOR bodies, content type {@code
     * application/cbor}, errors as a CBOR map with {@code __type} and {@code message}.
     */
    RPC_V2_CBOR("application/cbor", new CBORMapper());

    private final String contentType;
    private final ObjectMapper mapper;

    Protocol(String contentType, ObjectMapper mapper) {
      this.contentType = contentType;
      this.mapper = mapper;
    }
  }

  /**
   * One request as received.
   *
   * @param operation the operation's name ({@code DescribeAlarms})
   * @param target where the request names the operation: header {@code X-Amz-Target} (awsJson1_1)
   *     or the path (RPC v2 CBOR)
   * @param contentType the request's {@code Content-Type}
   * @param body the decoded body; an empty object for an empty body
   */
  record Request(String operation, String target, String contentType, JsonNode body) {}

  /**
   * One answer: an HTTP status and a body the stub encodes in its protocol.
   *
   * @param status HTTP status
   * @param body the body, as a JSON tree
   */
  record Reply(int status, JsonNode body) {

    /** 200 with {@code body}. */
    static Reply ok(JsonNode body) {
      return new Reply(200, body);
    }

    /** 200 with an empty object: the answer of operations whose output has no members. */
    static Reply empty() {
      return ok(JsonNodeFactory.instance.objectNode());
    }

    /** An AWS error: {@code status} with {@code __type} {@code type} and {@code message}. */
    static Reply error(int status, String type, String message) {
      return new Reply(
          status,
          JsonNodeFactory.instance.objectNode().put("__type", type).put("message", message));
    }
  }

  private static final StaticCredentialsProvider CREDENTIALS =
      StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDSTUB", "stubsecret"));

  private final Protocol protocol;
  private final HttpServer server;
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final Map<String, Function<Request, Reply>> answers = new ConcurrentHashMap<>();

  private AwsWireStub(Protocol protocol) throws IOException {
    this.protocol = protocol;
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
  }

  /** A stub speaking {@code protocol}, listening on a random port of 127.0.0.1. */
  static AwsWireStub start(Protocol protocol) {
    try {
      AwsWireStub stub = new AwsWireStub(protocol);
      stub.server.start();
      return stub;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the AWS wire stub", e);
    }
  }

  /** Where the stub listens: the clients' endpoint override. */
  URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /**
   * A client of {@code builder}'s service for this stub: region us-east-1, static credentials, no
   * retries, the global operation log.
   */
  <B extends AwsClientBuilder<B, C>, C> C client(B builder) {
    return builder
        .endpointOverride(endpoint())
        .region(Region.US_EAST_1)
        .credentialsProvider(CREDENTIALS)
        .overrideConfiguration(
            c ->
                c.retryStrategy(AwsRetryStrategy.doNotRetry())
                    .addExecutionInterceptor(AwsOperationLog.global()))
        .build();
  }

  /** Answers {@code operation} with what {@code responder} makes of each request. */
  void answer(String operation, Function<Request, Reply> responder) {
    answers.put(operation, responder);
  }

  /** Answers {@code operation} with {@code reply}, every time. */
  void answer(String operation, Reply reply) {
    answer(operation, request -> reply);
  }

  /** Every request received, in order. */
  List<Request> requests() {
    return List.copyOf(requests);
  }

  /** The bodies of the requests for {@code operation}, in order. */
  List<JsonNode> bodies(String operation) {
    return requests.stream()
        .filter(r -> r.operation().equals(operation))
        .map(Request::body)
        .toList();
  }

  /** A new JSON object, to build answers with. */
  static ObjectNode object() {
    return JsonNodeFactory.instance.objectNode();
  }

  @Override
  public void close() {
    server.stop(0);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] bytes;
      try (InputStream in = exchange.getRequestBody()) {
        bytes = in.readAllBytes();
      }
      String operation = operation(exchange);
      Reply reply;
      if (operation == null) {
        reply =
            Reply.error(
                400,
                "StubProtocolMismatch",
                "not a "
                    + protocol
                    + " request: "
                    + exchange.getRequestMethod()
                    + " "
                    + exchange.getRequestURI()
                    + " "
                    + exchange.getRequestHeaders().entrySet());
      } else {
        String target =
            protocol == Protocol.AWS_JSON_1_1
                ? exchange.getRequestHeaders().getFirst("X-Amz-Target")
                : exchange.getRequestURI().getPath();
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        JsonNode body = bytes.length == 0 ? object() : protocol.mapper.readTree(bytes);
        Request request = new Request(operation, target, contentType, body);
        requests.add(request);
        Function<Request, Reply> responder = answers.get(operation);
        reply =
            responder == null
                ? Reply.error(400, "StubHasNoAnswer", "the stub has no answer for " + operation)
                : responder.apply(request);
      }
      byte[] response = protocol.mapper.writeValueAsBytes(reply.body());
      exchange.getResponseHeaders().set("Content-Type", protocol.contentType);
      if (protocol == Protocol.RPC_V2_CBOR) {
        exchange.getResponseHeaders().set("smithy-protocol", "rpc-v2-cbor");
      }
      exchange.sendResponseHeaders(reply.status(), response.length);
      exchange.getResponseBody().write(response);
    }
  }

  /** The operation a request names in the stub's protocol; null when it is not such a request. */
  private String operation(HttpExchange exchange) {
    if (!exchange.getRequestMethod().equals("POST")) {
      return null;
    }
    String path = exchange.getRequestURI().getPath();
    return switch (protocol) {
      case AWS_JSON_1_1 -> {
        String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
        yield path.equals("/") && target != null && target.contains(".")
            ? target.substring(target.lastIndexOf('.') + 1)
            : null;
      }
      case RPC_V2_CBOR -> {
        String marker = exchange.getRequestHeaders().getFirst("smithy-protocol");
        String[] segments = path.split("/");
        // "", "service", <service>, "operation", <Operation>
        yield "rpc-v2-cbor".equals(marker)
                && segments.length == 5
                && segments[1].equals("service")
                && segments[3].equals("operation")
            ? segments[4]
            : null;
      }
    };
  }
}
