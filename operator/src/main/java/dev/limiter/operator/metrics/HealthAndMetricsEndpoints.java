package dev.limiter.operator.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * The process's HTTP endpoints for the kubelet and Prometheus: {@code /metrics} (Prometheus text
 * format), {@code /healthz} (liveness: the operator's informers are healthy) and {@code /readyz}
 * (readiness: the operator has started). Plain JDK HTTP server, no framework.
 */
public final class HealthAndMetricsEndpoints implements AutoCloseable {

  private static final String TEXT = "text/plain; charset=utf-8";

  private final HttpServer server;

  private HealthAndMetricsEndpoints(HttpServer server) {
    this.server = server;
  }

  /** Serves on {@code port} of every interface (0 for any free port). */
  public static HealthAndMetricsEndpoints start(
      int port, PrometheusMeterRegistry registry, BooleanSupplier live, BooleanSupplier ready) {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
      server.createContext(
          "/metrics",
          exchange ->
              respond(
                  exchange, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape()));
      server.createContext("/healthz", exchange -> probe(exchange, live, "live"));
      server.createContext("/readyz", exchange -> probe(exchange, ready, "ready"));
      server.setExecutor(
          Executors.newSingleThreadExecutor(
              runnable -> {
                Thread thread = new Thread(runnable, "limiter-http");
                thread.setDaemon(true);
                return thread;
              }));
      server.start();
      return new HealthAndMetricsEndpoints(server);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serve health and metrics on port " + port, e);
    }
  }

  /** The port served. */
  public int port() {
    return server.getAddress().getPort();
  }

  private static void probe(HttpExchange exchange, BooleanSupplier check, String what)
      throws IOException {
    boolean ok = check.getAsBoolean();
    respond(exchange, ok ? 200 : 503, TEXT, ok ? what + "\n" : "not " + what + "\n");
  }

  private static void respond(HttpExchange exchange, int status, String contentType, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
