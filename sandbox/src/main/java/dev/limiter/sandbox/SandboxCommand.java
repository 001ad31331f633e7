package dev.limiter.sandbox;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * Command line of the local sandbox.
 *
 * <pre>
 * serve [--port N] [--kubeconfig FILE]           run until interrupted; use it with kubectl
 * demo  [--samples DIR] [--kubeconfig FILE]      apply the samples, wait for Ready, run acquires, exit
 * </pre>
 */
public final class SandboxCommand {

  private static final String USAGE = """
      usage: serve [--port N] [--kubeconfig FILE]
             demo  [--samples DIR] [--kubeconfig FILE] [--timeout SECONDS]""";

  private SandboxCommand() {}

  /** Runs the command in {@code args}; exits 1 on failure and 2 on a usage error. */
  public static void main(String[] args) throws Exception {
    // The operator's libraries log at INFO on every reconcile; keep the console for what the sandbox says.
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
    Deque<String> rest = new ArrayDeque<>(List.of(args));
    String mode = rest.isEmpty() || rest.peek().startsWith("--") ? "serve" : rest.pop();
    int port = 0;
    Path kubeconfig = Path.of(System.getProperty("java.io.tmpdir"), "limiter-sandbox", "kubeconfig");
    Path samples = null;
    Duration timeout = Duration.ofSeconds(120);
    try {
      while (!rest.isEmpty()) {
        String option = rest.pop();
        String value = rest.isEmpty() ? null : rest.pop();
        if (value == null) {
          throw new IllegalArgumentException(option + " needs a value");
        }
        switch (option) {
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
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage() + "\n" + USAGE);
      System.exit(2);
    }

    Sandbox sandbox = Sandbox.start(port);
    Path written = sandbox.writeKubeconfig(kubeconfig);
    System.out.printf("Sandbox up: Kubernetes API %s, DynamoDB Local %s, operator running.%n",
        sandbox.kubernetesUrl(), sandbox.dynamoDb().endpoint());
    System.out.printf("  export KUBECONFIG=%s%n", written);
    System.out.println("  kubectl apply --validate=false -f config/samples/   # the mock API server runs no schema validation");
    System.out.println("  kubectl get rlt -A; kubectl describe rlt -n team-a llm-limits; kubectl get cm -A");
    if (mode.equals("serve")) {
      Runtime.getRuntime().addShutdownHook(new Thread(sandbox::close, "limiter-sandbox-stop"));
      System.out.println("Press Ctrl-C to stop.");
      Thread.currentThread().join();
      return;
    }
    try (sandbox) {
      new SandboxDemo(sandbox, System.out, timeout).run(samples == null ? findSamples() : samples);
    } catch (Exception e) {
      System.err.println("Demo failed: " + e);
      System.exit(1);
    }
    // DynamoDB Local leaves its stream-shard threads running after it stops.
    System.exit(0);
  }

  /** {@code config/samples} in the working directory or the one above (Maven runs modules in their folder). */
  private static Path findSamples() {
    for (Path candidate : List.of(Path.of("config/samples"), Path.of("../config/samples"))) {
      if (Files.isDirectory(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException("config/samples not found; pass --samples DIR");
  }
}
