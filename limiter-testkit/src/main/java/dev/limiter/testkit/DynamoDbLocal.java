package dev.limiter.testkit;

import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * DynamoDB Local running in this JVM as an in-memory HTTP server on loopback.
 *
 * <p>Clients talk to it over real HTTP through the AWS SDK, so network failures can be produced by
 * {@link #stop()} and healed by {@link #restart()} (same port, empty database: in-memory data does
 * not survive a restart). It keeps one database whatever region or credentials a client uses, as a
 * sandbox whose operator and workloads are configured independently needs.
 */
public final class DynamoDbLocal implements AutoCloseable {

  /** Region the clients are configured with; DynamoDB Local accepts any. */
  public static final Region REGION = Region.US_EAST_1;

  private static final StaticCredentialsProvider CREDENTIALS =
      StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));

  private static DynamoDbLocal shared;

  private final int port;
  private DynamoDBProxyServer server;

  private DynamoDbLocal(int port) {
    this.port = port;
  }

  /** Starts a new server on a free port. */
  public static DynamoDbLocal start() {
    DynamoDbLocal local = new DynamoDbLocal(freePort());
    local.restart();
    return local;
  }

  /** Starts a new server on the given port. */
  public static DynamoDbLocal start(int port) {
    DynamoDbLocal local = new DynamoDbLocal(port);
    local.restart();
    return local;
  }

  /** One server for the whole JVM, started on first use and stopped when the JVM exits. */
  public static synchronized DynamoDbLocal shared() {
    if (shared == null) {
      DynamoDbLocal local = start();
      Runtime.getRuntime().addShutdownHook(new Thread(local::close, "dynamodb-local-stop"));
      shared = local;
    }
    return shared;
  }

  /** The HTTP endpoint clients connect to. */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /** The loopback port the server listens on. */
  public int port() {
    return port;
  }

  /** Whether the server is currently accepting requests. */
  public synchronized boolean isRunning() {
    return server != null;
  }

  /** Starts the server (again) on its port with an empty in-memory database. */
  public synchronized void restart() {
    if (server != null) {
      return;
    }
    try {
      DynamoDBProxyServer created =
          ServerRunner.createServerFromCommandLineArgs(
              new String[] {
                "-inMemory", "-sharedDb", "-port", Integer.toString(port), "-disableTelemetry"
              });
      created.start();
      server = created;
    } catch (Exception e) {
      throw new IllegalStateException("cannot start DynamoDB Local on port " + port, e);
    }
  }

  /** Stops the server; clients then see connection failures until {@link #restart()}. */
  public synchronized void stop() {
    if (server == null) {
      return;
    }
    try {
      server.stop();
    } catch (Exception e) {
      throw new IllegalStateException("cannot stop DynamoDB Local on port " + port, e);
    } finally {
      server = null;
    }
  }

  @Override
  public void close() {
    stop();
  }

  /**
   * A synchronous client for this server with the given interceptors, after the {@linkplain
   * AwsOperationLog#global() global operation log}.
   */
  public DynamoDbClient client(ExecutionInterceptor... interceptors) {
    return DynamoDbClient.builder()
        .endpointOverride(endpoint())
        .region(REGION)
        .credentialsProvider(CREDENTIALS)
        .overrideConfiguration(overrides(interceptors))
        .build();
  }

  /**
   * A client whose calls are not recorded in the global operation log: for a test to look at the
   * table without its own reads counting as calls of the code under test.
   */
  public DynamoDbClient inspectionClient() {
    return DynamoDbClient.builder()
        .endpointOverride(endpoint())
        .region(REGION)
        .credentialsProvider(CREDENTIALS)
        .build();
  }

  /**
   * An asynchronous client for this server with the given interceptors, after the {@linkplain
   * AwsOperationLog#global() global operation log}.
   */
  public DynamoDbAsyncClient asyncClient(ExecutionInterceptor... interceptors) {
    return DynamoDbAsyncClient.builder()
        .endpointOverride(endpoint())
        .region(REGION)
        .credentialsProvider(CREDENTIALS)
        .overrideConfiguration(overrides(interceptors))
        .build();
  }

  /**
   * Short timeouts and few retries so that a stopped server is noticed within a second or two;
   * every client records its operations in the global log, so that what a test run calls can be
   * compared with the IAM policy that would allow it.
   */
  private static ClientOverrideConfiguration overrides(ExecutionInterceptor... interceptors) {
    ClientOverrideConfiguration.Builder builder =
        ClientOverrideConfiguration.builder()
            .retryStrategy(RetryMode.STANDARD)
            .apiCallAttemptTimeout(Duration.ofSeconds(2))
            .apiCallTimeout(Duration.ofSeconds(5))
            .addExecutionInterceptor(AwsOperationLog.global());
    for (ExecutionInterceptor interceptor : interceptors) {
      builder.addExecutionInterceptor(interceptor);
    }
    return builder.build();
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on loopback", e);
    }
  }
}
