package dev.limiter.sandbox.kube;

import dev.limiter.testkit.kube.RealApiServer;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.KubernetesClientTimeoutException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real kube-apiserver backed by etcd ({@link RealApiServer}, from the binaries {@code
 * .ci/kube-binaries} builds): the CRDs' schemas and CEL rules are enforced at admission, {@code
 * kubectl} validates against the server's OpenAPI, events are listed by {@code kubectl describe},
 * and RBAC authorizes every request. The sandbox acts as its cluster admin.
 */
public final class RealKubernetes implements KubernetesApi {

  private static final Duration ESTABLISHED_TIMEOUT = Duration.ofSeconds(60);

  private final RealApiServer server;

  private RealKubernetes(RealApiServer server) {
    this.server = server;
  }

  /** Starts etcd and kube-apiserver; see {@link RealApiServer#start()} for what can fail. */
  public static RealKubernetes start() {
    return new RealKubernetes(RealApiServer.start());
  }

  @Override
  public KubernetesClient client() {
    return server.adminClient();
  }

  @Override
  public URI url() {
    return URI.create(server.url());
  }

  @Override
  public String description() {
    return "kube-apiserver "
        + server.adminClient().getKubernetesVersion().getGitVersion()
        + " + etcd, started in "
        + String.format("%.1f s", server.startupTime().toMillis() / 1000.0);
  }

  /**
   * Creates the CRD and waits until the server reports it {@code Established}.
   *
   * @throws IllegalStateException when the server refuses the CRD (its message included) or does
   *     not establish it within a minute
   */
  @Override
  public CustomResourceDefinition registerCrd(InputStream yaml) {
    CustomResourceDefinition crd = Serialization.unmarshal(yaml, CustomResourceDefinition.class);
    String name = crd.getMetadata().getName();
    try {
      client().apiextensions().v1().customResourceDefinitions().resource(crd).create();
    } catch (KubernetesClientException e) {
      throw new IllegalStateException(
          "kube-apiserver refused CRD " + name + ": " + e.getMessage(), e);
    }
    try {
      return client()
          .apiextensions()
          .v1()
          .customResourceDefinitions()
          .withName(name)
          .waitUntilCondition(
              RealKubernetes::established, ESTABLISHED_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (KubernetesClientTimeoutException e) {
      throw new IllegalStateException(
          "CRD "
              + name
              + " is not Established after "
              + ESTABLISHED_TIMEOUT.toSeconds()
              + " s: "
              + Optional.ofNullable(
                      client()
                          .apiextensions()
                          .v1()
                          .customResourceDefinitions()
                          .withName(name)
                          .get())
                  .map(CustomResourceDefinition::getStatus)
                  .map(Object::toString)
                  .orElse("it is gone"),
          e);
    }
  }

  private static boolean established(CustomResourceDefinition crd) {
    return crd != null
        && crd.getStatus() != null
        && crd.getStatus().getConditions() != null
        && crd.getStatus().getConditions().stream()
            .anyMatch(c -> "Established".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  /**
   * Writes a self-contained kubeconfig (the CA and the admin's client certificate inline) whose
   * current context is this server.
   */
  @Override
  public Path writeKubeconfig(Path file) {
    Config admin = client().getConfiguration();
    String kubeconfig =
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: limiter-sandbox
          cluster:
            server: %s
            certificate-authority-data: %s
        users:
        - name: limiter-sandbox-admin
          user:
            client-certificate-data: %s
            client-key-data: %s
        contexts:
        - name: limiter-sandbox
          context:
            cluster: limiter-sandbox
            user: limiter-sandbox-admin
            namespace: default
        current-context: limiter-sandbox
        """
            .formatted(
                server.url(),
                base64(admin.getCaCertFile()),
                base64(admin.getClientCertFile()),
                base64(admin.getClientKeyFile()));
    try {
      if (file.getParent() != null) {
        Files.createDirectories(file.getParent());
      }
      Files.writeString(file, kubeconfig);
      // it holds a cluster-admin key
      if (Files.getFileAttributeView(file, PosixFileAttributeView.class) != null) {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      }
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the kubeconfig to " + file, e);
    }
  }

  private static String base64(String pemFile) {
    try {
      return Base64.getEncoder().encodeToString(Files.readAllBytes(Path.of(pemFile)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + pemFile, e);
    }
  }

  /** Stops kube-apiserver and etcd and deletes their data. */
  @Override
  public void close() {
    server.close();
  }
}
