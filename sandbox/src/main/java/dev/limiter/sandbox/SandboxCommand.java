package dev.limiter.sandbox;

import dev.limiter.sandbox.kube.KubernetesApi;
import dev.limiter.sandbox.kube.LocalKubernetes;
import dev.limiter.sandbox.kube.RealKubernetes;
import dev.limiter.testkit.kube.KubeBinaries;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Command line of the local sandbox.
 *
 * <pre>
 * serve [--kube real|mock|auto] [--port N] [--kubeconfig FILE] [--samples DIR]   run until interrupted; use it with kubectl
 * demo  [--kube real|mock|auto] [--samples DIR] [--kubeconfig FILE]             apply the samples, wait for Ready, run acquires, exit
 * </pre>
 *
 * <p>{@code --kube auto} (the default) runs a real kube-apiserver + etcd when {@value
 * KubeBinaries#SCRIPT} has built them, else the embedded mock server.
 */
public final class SandboxCommand {

  private static final String USAGE =
      """
      usage: serve [--kube real|mock|auto] [--port N] [--kubeconfig FILE] [--samples DIR]
             demo  [--kube real|mock|auto] [--samples DIR] [--kubeconfig FILE] [--timeout SECONDS]
      --kube auto (default): a real kube-apiserver + etcd when .ci/kube-binaries has built them, else the embedded mock
      --port: the embedded mock's port (the real API server takes a free one)\
      """;

  private SandboxCommand() {}

  /**
   * What the command line asks for.
   *
   * @param mode {@code serve} or {@code demo}
   * @param kube which Kubernetes API to run
   * @param port the mock server's port, 0 for any
   * @param kubeconfig where to write the kubeconfig
   * @param samples the samples directory when given
   * @param timeout how long the demo waits for a resource to become Ready
   */
  record Options(
      String mode,
      KubeMode kube,
      int port,
      Path kubeconfig,
      Optional<Path> samples,
      Duration timeout) {

    /**
     * Parses {@code [mode] [--option value | --option=value]...}; throws {@link
     * IllegalArgumentException} on a usage error.
     */
    static Options parse(String... args) {
      Deque<String> rest = new ArrayDeque<>(List.of(args));
      String mode = rest.isEmpty() || rest.peek().startsWith("--") ? "serve" : rest.pop();
      KubeMode kube = KubeMode.AUTO;
      int port = 0;
      Path kubeconfig =
          Path.of(System.getProperty("java.io.tmpdir"), "limiter-sandbox", "kubeconfig");
      Path samples = null;
      Duration timeout = Duration.ofSeconds(120);
      while (!rest.isEmpty()) {
        String option = rest.pop();
        String value;
        int equals = option.indexOf('=');
        if (equals > 0) {
          value = option.substring(equals + 1);
          option = option.substring(0, equals);
        } else {
          value = rest.isEmpty() ? null : rest.pop();
        }
        if (value == null) {
          throw new IllegalArgumentException(option + " needs a value");
        }
        switch (option) {
          case "--kube" -> kube = KubeMode.parse(value);
          case "--port" -> port = Integer.parseInt(value);
          case "--kubeconfig" -> kubeconfig = Path.of(value);
          case "--samples" -> samples = Path.of(value);
          case "--timeout" -> timeout = Duration.ofSeconds(Long.parseLong(value));
          default -> throw new IllegalArgumentException("unknown option " + option);
        }
      }
      if (!mode.equals("serve") && !mode.equals("demo")) {
        throw new IllegalArgumentException("unknown mode " + mode);
      }
      return new Options(mode, kube, port, kubeconfig, Optional.ofNullable(samples), timeout);
    }

    /**
     * The samples directory given, else {@code config/samples} here or one level up (Maven runs
     * modules in their folder).
     */
    Optional<Path> samplesDirectory() {
      return samples.or(
          () ->
              Stream.of(Path.of("config/samples"), Path.of("../config/samples"))
                  .filter(Files::isDirectory)
                  .findFirst());
    }
  }

  /** Runs the command in {@code args}; exits 1 on failure and 2 on a usage error. */
  public static void main(String[] args) throws Exception {
    // The operator's libraries log at INFO on every reconcile; keep the console for what the
    // sandbox says.
    System.setProperty(
        "org.slf4j.simpleLogger.defaultLogLevel",
        System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
    // The operator jar's manifest classpath brings logback (its JSON logs for the cluster); the
    // console is for a person.
    System.setProperty(
        "slf4j.provider",
        System.getProperty("slf4j.provider", "org.slf4j.simple.SimpleServiceProvider"));
    System.setProperty(
        "slf4j.internal.verbosity", System.getProperty("slf4j.internal.verbosity", "WARN"));
    Options options = null;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage() + "\n" + USAGE);
      System.exit(2);
    }
    Optional<Path> samples = options.samplesDirectory();
    if (options.mode().equals("demo") && samples.isEmpty()) {
      System.err.println("config/samples not found; pass --samples DIR\n" + USAGE);
      System.exit(2);
    }
    Sandbox sandbox = null;
    try {
      sandbox = start(options, System.out);
    } catch (RuntimeException e) {
      System.err.println("Sandbox failed to start: " + e.getMessage());
      System.exit(1);
    }
    if (options.mode().equals("serve")) {
      Runtime.getRuntime().addShutdownHook(new Thread(sandbox::close, "limiter-sandbox-stop"));
      System.out.println("Press Ctrl-C to stop.");
      Thread.currentThread().join();
      return;
    }
    try (Sandbox demo = sandbox) {
      new SandboxDemo(demo, System.out, options.timeout()).run(samples.get());
    } catch (Exception e) {
      System.err.println("Demo failed: " + e);
      System.exit(1);
    }
    // DynamoDB Local leaves its stream-shard threads running after it stops.
    System.exit(0);
  }

  /**
   * Starts the sandbox on the Kubernetes API {@code options} ask for, writes its kubeconfig,
   * creates the samples' namespaces and prints on {@code out} what runs and how to use it.
   *
   * @throws IllegalStateException when {@code --kube=real} is asked for without the binaries, or
   *     the API server does not start or refuses a CRD
   */
  static Sandbox start(Options options, PrintStream out) {
    KubeMode kube = options.kube().resolve(KubeBinaries.find().isPresent());
    KubernetesApi api =
        kube == KubeMode.REAL ? RealKubernetes.start() : LocalKubernetes.start(options.port());
    Sandbox sandbox = Sandbox.start(api);
    try {
      Path kubeconfig = sandbox.writeKubeconfig(options.kubeconfig());
      Optional<Path> samples = options.samplesDirectory();
      List<String> namespaces =
          samples.map(dir -> SampleNamespaces.create(sandbox.kubernetes(), dir)).orElse(List.of());
      out.print(
          new SandboxBanner(
                  kube,
                  options.port(),
                  sandbox.kubernetesUrl(),
                  sandbox.kubernetesDescription(),
                  sandbox.dynamoDb().endpoint(),
                  kubeconfig,
                  namespaces)
              .text());
      return sandbox;
    } catch (RuntimeException e) {
      sandbox.close();
      throw e;
    }
  }
}
