package dev.limiter.sandbox.kube;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * An in-process Kubernetes API on loopback: the fabric8 mock server in CRUD mode (objects are
 * stored, watched, patched; the status subresource follows the registered CRDs), plus discovery and
 * server-side printing so that a real {@code kubectl} can be pointed at it. Plain HTTP, no
 * authentication, no admission: CEL rules and OpenAPI validation of the CRDs are not enforced here.
 */
public final class LocalKubernetes implements KubernetesApi {

  /** The mock server logs every request at INFO; held here because JUL keeps loggers weakly. */
  private static final Logger MOCK_SERVER_LOG = Logger.getLogger("io.fabric8.mockwebserver");

  private final KubernetesMockServer server;
  private final ApiDiscovery discovery;
  private final KubernetesClient client;

  private LocalKubernetes(KubernetesMockServer server, ApiDiscovery discovery) {
    this.server = server;
    this.discovery = discovery;
    this.client = server.createClient();
  }

  /** Starts the API on {@code port} of the loopback interface (0 for any free port). */
  public static LocalKubernetes start(int port) {
    MOCK_SERVER_LOG.setLevel(Level.WARNING);
    Map<ServerRequest, Queue<ServerResponse>> expectations = new HashMap<>();
    ApiDiscovery discovery = new ApiDiscovery();
    KubectlCompatibleDispatcher dispatcher =
        new KubectlCompatibleDispatcher(
            new KubernetesMixedDispatcher(expectations), discovery, Clock.systemUTC());
    KubernetesMockServer server =
        new KubernetesMockServer(
            new Context(), new MockWebServer(), expectations, dispatcher, false);
    server.init(InetAddress.getLoopbackAddress(), port);
    return new LocalKubernetes(server, discovery);
  }

  @Override
  public KubernetesClient client() {
    return client;
  }

  @Override
  public URI url() {
    return URI.create("http://127.0.0.1:" + server.getPort());
  }

  @Override
  public String description() {
    return "the embedded fabric8 mock server";
  }

  /** Stores the CRD read from {@code yaml} and publishes its resources for discovery. */
  @Override
  public CustomResourceDefinition registerCrd(InputStream yaml) {
    CustomResourceDefinition crd = Serialization.unmarshal(yaml, CustomResourceDefinition.class);
    CustomResourceDefinition created =
        client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
    discovery.register(created);
    return created;
  }

  /** Writes a kubeconfig (plain HTTP, no user) whose current context is this API. */
  @Override
  public Path writeKubeconfig(Path file) {
    String kubeconfig =
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: limiter-sandbox
          cluster:
            server: %s
        users:
        - name: limiter-sandbox
          user: {}
        contexts:
        - name: limiter-sandbox
          context:
            cluster: limiter-sandbox
            user: limiter-sandbox
            namespace: default
        current-context: limiter-sandbox
        """
            .formatted(url());
    try {
      if (file.getParent() != null) {
        Files.createDirectories(file.getParent());
      }
      return Files.writeString(file, kubeconfig);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the kubeconfig to " + file, e);
    }
  }

  @Override
  public void close() {
    client.close();
    server.destroy();
  }
}
