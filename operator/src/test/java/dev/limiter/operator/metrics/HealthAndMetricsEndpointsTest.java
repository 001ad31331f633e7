package dev.limiter.operator.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The kubelet's probes and Prometheus' scrape over real HTTP. */
class HealthAndMetricsEndpointsTest {

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void probesFollowTheOperatorAndMetricsAreScrapable() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    ReconcileMetrics metrics = new ReconcileMetrics(registry);
    metrics.event(false, "Creating");
    metrics.event(true, "SwitchCooldown");
    metrics.switchDeferred("team-a/llm-limits", true);
    AtomicBoolean started = new AtomicBoolean(false);
    try (HealthAndMetricsEndpoints endpoints =
        HealthAndMetricsEndpoints.start(0, registry, () -> true, started::get)) {
      assertThat(get(endpoints, "/healthz").statusCode()).isEqualTo(200);
      assertThat(get(endpoints, "/readyz").statusCode()).isEqualTo(503);
      started.set(true);
      assertThat(get(endpoints, "/readyz").statusCode()).isEqualTo(200);

      HttpResponse<String> scrape = get(endpoints, "/metrics");
      assertThat(scrape.statusCode()).isEqualTo(200);
      assertThat(scrape.headers().firstValue("Content-Type"))
          .hasValueSatisfying(type -> assertThat(type).startsWith("text/plain"));
      assertThat(scrape.body())
          .contains("limiter_events_total{reason=\"Creating\",type=\"Normal\"} 1.0")
          .contains("limiter_events_total{reason=\"SwitchCooldown\",type=\"Warning\"} 1.0")
          .contains("limiter_billing_switch_deferred_resources 1.0");
    }
  }

  private HttpResponse<String> get(HealthAndMetricsEndpoints endpoints, String path)
      throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoints.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
