package dev.limiter.testkit.kube;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A real kube-apiserver backed by a real etcd, both started from the binaries {@link
 * KubeBinaries#locate()} finds, on loopback ports, with everything (etcd data, certificates,
 * kubeconfig, logs) in one temporary directory that {@link #close()} removes.
 *
 * <p>It runs as a cluster does where this project cares: RBAC authorization, client-certificate
 * authentication, and ServiceAccount tokens (the TokenRequest API works: a signing key and issuer
 * are configured). There is no controller-manager or scheduler: nothing creates default
 * ServiceAccounts, garbage-collects owned objects, aggregates ClusterRoles (the built-in {@code
 * view}, {@code edit} and {@code admin} grant nothing here), or runs pods — the {@code
 * ServiceAccount} admission plugin is off for that reason, as in controller-runtime's envtest. The
 * {@code OwnerReferencesPermissionEnforcement} admission plugin is on, as on OpenShift, so that an
 * owner reference with {@code blockOwnerDeletion} needs the right to update the owner's finalizers.
 *
 * <p>Starting takes seconds, so a test class starts one in {@code @BeforeAll}, or uses {@link
 * #shared()} for one per JVM.
 */
public final class RealApiServer implements AutoCloseable {

  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(120);
  private static final String SERVICE_ACCOUNT_ISSUER =
      "https://kubernetes.default.svc.cluster.local";

  private static RealApiServer shared;

  private final Path directory;
  private final ChildProcess etcd;
  private final ChildProcess apiServer;
  private final String url;
  private final ClusterCertificates certificates;
  private final Path kubeconfig;
  private final KubernetesClient adminClient;
  private Duration startupTime;

  private RealApiServer(
      Path directory,
      ChildProcess etcd,
      ChildProcess apiServer,
      String url,
      ClusterCertificates certificates,
      Path kubeconfig) {
    this.directory = directory;
    this.etcd = etcd;
    this.apiServer = apiServer;
    this.url = url;
    this.certificates = certificates;
    this.kubeconfig = kubeconfig;
    this.adminClient =
        new KubernetesClientBuilder()
            .withConfig(Config.fromKubeconfig(readString(kubeconfig)))
            .build();
  }

  /**
   * Starts etcd and kube-apiserver and returns once the API server reports ready ({@code /readyz}:
   * its post-start hooks, the RBAC bootstrap roles among them, have run) and the {@code default}
   * namespace exists.
   *
   * @throws IllegalStateException when the binaries are missing (naming {@value
   *     KubeBinaries#SCRIPT}) or a process exits or is not ready within two minutes (with its log)
   */
  public static RealApiServer start() {
    long started = System.nanoTime();
    KubeBinaries binaries = KubeBinaries.locate();
    Path directory = createDirectory();
    ChildProcess etcd = null;
    ChildProcess apiServer = null;
    try {
      int etcdPort = freePort();
      int etcdPeerPort = freePort();
      String etcdUrl = "http://127.0.0.1:" + etcdPort;
      String peerUrl = "http://127.0.0.1:" + etcdPeerPort;
      etcd =
          ChildProcess.start(
              "etcd",
              directory.resolve("etcd.log"),
              List.of(
                  binaries.etcd().toString(),
                  "--data-dir=" + directory.resolve("etcd"),
                  "--listen-client-urls=" + etcdUrl,
                  "--advertise-client-urls=" + etcdUrl,
                  "--listen-peer-urls=" + peerUrl,
                  "--initial-advertise-peer-urls=" + peerUrl,
                  "--initial-cluster=default=" + peerUrl,
                  // a throw-away store: durability across power loss buys nothing, fsyncs cost
                  // seconds
                  "--unsafe-no-fsync",
                  "--log-level=warn"));
      // etcd needs no certificates: it starts while they are generated
      ClusterCertificates certificates = ClusterCertificates.generate(directory);
      int port = freePort();
      apiServer =
          ChildProcess.start(
              "kube-apiserver",
              directory.resolve("kube-apiserver.log"),
              List.of(
                  binaries.apiServer().toString(),
                  "--etcd-servers=" + etcdUrl,
                  "--bind-address=127.0.0.1",
                  "--advertise-address=127.0.0.1",
                  "--secure-port=" + port,
                  "--cert-dir=" + directory.resolve("apiserver-certs"),
                  "--tls-cert-file=" + certificates.serverCert,
                  "--tls-private-key-file=" + certificates.serverKey,
                  "--client-ca-file=" + certificates.caCert,
                  "--authorization-mode=RBAC",
                  "--service-account-issuer=" + SERVICE_ACCOUNT_ISSUER,
                  "--service-account-key-file=" + certificates.serviceAccountPublicKey,
                  "--service-account-signing-key-file=" + certificates.serviceAccountKey,
                  "--service-cluster-ip-range=10.0.0.0/24",
                  "--disable-admission-plugins=ServiceAccount",
                  // as on OpenShift: setting blockOwnerDeletion needs permission to update the
                  // owner's finalizers
                  "--enable-admission-plugins=OwnerReferencesPermissionEnforcement"));
      String url = "https://127.0.0.1:" + port;
      Path kubeconfig = writeKubeconfig(directory, url, certificates);
      RealApiServer server =
          new RealApiServer(directory, etcd, apiServer, url, certificates, kubeconfig);
      try {
        server.awaitReady();
      } catch (RuntimeException e) {
        server.adminClient.close();
        throw e;
      }
      server.startupTime = Duration.ofNanos(System.nanoTime() - started);
      return server;
    } catch (RuntimeException e) {
      stopQuietly(apiServer);
      stopQuietly(etcd);
      deleteRecursively(directory);
      throw e;
    }
  }

  /** One server for the whole JVM, started on first use and stopped when the JVM exits. */
  public static synchronized RealApiServer shared() {
    if (shared == null) {
      shared = start();
      Runtime.getRuntime().addShutdownHook(new Thread(shared::close, "real-api-server-stop"));
    }
    return shared;
  }

  /**
   * A client authenticated as a cluster admin ({@code system:masters}); closed by {@link #close()}.
   */
  public KubernetesClient adminClient() {
    return adminClient;
  }

  /**
   * A kubeconfig file for the admin user, for {@code kubectl --kubeconfig} or {@code KUBECONFIG};
   * it refers to the certificate files beside it.
   */
  public Path kubeconfig() {
    return kubeconfig;
  }

  /** The API server's URL, {@code https://127.0.0.1:<port>}. */
  public String url() {
    return url;
  }

  /** The CA certificate (PEM) that signed the serving certificate. */
  public Path caCertificate() {
    return certificates.caCert;
  }

  /** How long {@link #start()} took, binaries found to ready. */
  public Duration startupTime() {
    return startupTime;
  }

  /**
   * A client configuration that authenticates with a bearer token only (e.g. a ServiceAccount token
   * from the TokenRequest API), trusting this server's CA, ignoring any kubeconfig or environment
   * of the machine.
   */
  public Config tokenConfig(String bearerToken) {
    return new ConfigBuilder(Config.empty())
        .withMasterUrl(url)
        .withCaCertFile(certificates.caCert.toString())
        .withOauthToken(bearerToken)
        .build();
  }

  /** Stops kube-apiserver, then etcd, and deletes the directory. */
  @Override
  public synchronized void close() {
    adminClient.close();
    apiServer.stop();
    etcd.stop();
    deleteRecursively(directory);
  }

  private void awaitReady() {
    long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
    String last = "no answer yet";
    // Without the client's own retries (exponential backoff on a refused connection), so that each
    // poll is one request and readiness is seen within the poll interval.
    Config once =
        new ConfigBuilder(Config.fromKubeconfig(readString(kubeconfig)))
            .withRequestRetryBackoffLimit(0)
            .build();
    try (KubernetesClient probe = new KubernetesClientBuilder().withConfig(once).build()) {
      while (System.nanoTime() < deadline) {
        etcd.requireAlive();
        apiServer.requireAlive();
        try {
          String readyz = probe.raw("/readyz");
          if ("ok".equals(readyz) && probe.namespaces().withName("default").get() != null) {
            return;
          }
          last = "readyz: " + readyz;
        } catch (KubernetesClientException e) {
          last = e.getMessage();
        }
        sleep(Duration.ofMillis(100));
      }
    }
    throw new IllegalStateException(
        "kube-apiserver not ready after "
            + STARTUP_TIMEOUT.toSeconds()
            + " s ("
            + last
            + "); its log ends with:\n"
            + apiServer.logTail());
  }

  private static Path writeKubeconfig(Path directory, String url, ClusterCertificates certs) {
    String yaml =
        String.join(
            "\n",
            "apiVersion: v1",
            "kind: Config",
            "clusters:",
            "- name: real-api-server",
            "  cluster:",
            "    server: " + url,
            "    certificate-authority: " + certs.caCert,
            "users:",
            "- name: admin",
            "  user:",
            "    client-certificate: " + certs.adminCert,
            "    client-key: " + certs.adminKey,
            "contexts:",
            "- name: real-api-server",
            "  context:",
            "    cluster: real-api-server",
            "    user: admin",
            "    namespace: default",
            "current-context: real-api-server",
            "");
    Path file = directory.resolve("kubeconfig");
    try {
      Files.writeString(file, yaml);
    } catch (IOException e) {
      throw new UncheckedIOException("could not write " + file, e);
    }
    return file;
  }

  private static Path createDirectory() {
    try {
      return Files.createTempDirectory("real-api-server-");
    } catch (IOException e) {
      throw new UncheckedIOException("could not create a directory for the API server", e);
    }
  }

  private static String readString(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + file, e);
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port", e);
    }
  }

  private static void stopQuietly(ChildProcess process) {
    if (process != null) {
      process.stop();
    }
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for kube-apiserver", e);
    }
  }

  private static void deleteRecursively(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException("could not delete " + root, e);
    }
  }
}
