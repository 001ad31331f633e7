package dev.limiter.sandbox.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * In front of the mock server's CRUD dispatcher, adds what {@code kubectl} needs from an API
 * server: discovery documents, server-side printing of custom resources (Tables with the CRD's
 * printer columns), and a 404 for the OpenAPI documents so that kubectl skips client-side
 * validation.
 */
final class KubectlCompatibleDispatcher extends Dispatcher {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Dispatcher crud;
  private final ApiDiscovery discovery;
  private final Clock clock;

  KubectlCompatibleDispatcher(Dispatcher crud, ApiDiscovery discovery, Clock clock) {
    this.crud = crud;
    this.discovery = discovery;
    this.clock = clock;
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    String target = request.getPath();
    int query = target.indexOf('?');
    String path = query < 0 ? target : target.substring(0, query);
    boolean get = "GET".equals(request.getMethod());
    if (get) {
      Optional<String> document = discovery.document(path);
      if (document.isPresent()) {
        return json(200, document.get());
      }
      if (path.startsWith("/openapi/")) {
        return json(
            404,
            "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"NotFound\",\"code\":404}");
      }
    }
    MockResponse response = crud.dispatch(request);
    String accept = request.getHeader("Accept");
    boolean watch = query >= 0 && target.substring(query).contains("watch=true");
    if (get && !watch && response.code() == 200 && accept != null && accept.contains("as=Table")) {
      return printerColumns(path).map(table -> asTable(table, response)).orElse(response);
    }
    return response;
  }

  @Override
  public void shutdown() {
    crud.shutdown();
  }

  /**
   * The printer of {@code /apis/GROUP/VERSION[/namespaces/NS]/PLURAL[/NAME]} when a CRD serves it.
   */
  private Optional<PrinterTable> printerColumns(String path) {
    String[] segments = path.split("/");
    if (segments.length < 5 || !segments[1].equals("apis")) {
      return Optional.empty();
    }
    String group = segments[2];
    String version = segments[3];
    String plural =
        segments.length >= 7 && segments[4].equals("namespaces") ? segments[6] : segments[4];
    return discovery
        .crd(group, version, plural)
        .map(crd -> new PrinterTable(columns(crd, version), clock));
  }

  private static List<
          io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition>
      columns(CustomResourceDefinition crd, String version) {
    return crd.getSpec().getVersions().stream()
        .filter(v -> v.getName().equals(version))
        .map(CustomResourceDefinitionVersion::getAdditionalPrinterColumns)
        .filter(columns -> columns != null)
        .findFirst()
        .orElse(List.of());
  }

  private static MockResponse asTable(PrinterTable table, MockResponse response) {
    try {
      JsonNode body = JSON.readTree(response.getBody().getBytes());
      return json(200, table.render(body));
    } catch (IOException e) {
      return response;
    }
  }

  private static MockResponse json(int code, String body) {
    return new MockResponse()
        .setResponseCode(code)
        .setHeader("Content-Type", "application/json")
        .setBody(body);
  }
}
