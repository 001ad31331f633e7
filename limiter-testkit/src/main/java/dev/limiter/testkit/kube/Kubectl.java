package dev.limiter.testkit.kube;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The machine's {@code kubectl} (the one {@code KUBECTL} names, else the first on {@code PATH}, as
 * {@code .ci/run} provides), run against one kubeconfig.
 */
public final class Kubectl {

  private static final long TIMEOUT_SECONDS = 120;

  private final Path executable;
  private final Path kubeconfig;

  private Kubectl(Path executable, Path kubeconfig) {
    this.executable = executable;
    this.kubeconfig = kubeconfig;
  }

  /** What one kubectl invocation printed, and how it exited. */
  public record Result(int exitCode, String stdout, String stderr) {
    /** Whether it exited 0. */
    public boolean succeeded() {
      return exitCode == 0;
    }

    @Override
    public String toString() {
      return "exit " + exitCode + "\nstdout:\n" + stdout + "\nstderr:\n" + stderr;
    }
  }

  /**
   * kubectl against {@code server}'s admin kubeconfig.
   *
   * @throws IllegalStateException when there is no kubectl, naming how to provide one
   */
  public static Kubectl against(RealApiServer server) {
    return against(server.kubeconfig());
  }

  /** kubectl against {@code kubeconfig}; see {@link #against(RealApiServer)}. */
  public static Kubectl against(Path kubeconfig) {
    return new Kubectl(
        find()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "no kubectl: set KUBECTL or put kubectl on the PATH (.ci/run fetches"
                            + " one)")),
        kubeconfig);
  }

  /** The kubectl {@code KUBECTL} names, else the first on {@code PATH}. */
  public static Optional<Path> find() {
    String named = System.getenv("KUBECTL");
    if (named != null && !named.isBlank()) {
      return Optional.of(Path.of(named)).filter(Files::isExecutable);
    }
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(java.io.File.pathSeparator)) {
      Path candidate = Path.of(dir, "kubectl");
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /** Runs {@code kubectl --kubeconfig <file> <args>} and waits for it (two minutes at most). */
  public Result run(String... args) {
    List<String> command =
        new ArrayList<>(List.of(executable.toString(), "--kubeconfig", kubeconfig.toString()));
    command.addAll(List.of(args));
    try {
      Process process = new ProcessBuilder(command).start();
      process.getOutputStream().close();
      CompletableFuture<String> stderr =
          CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
      String stdout = read(process.getInputStream());
      if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(
            "kubectl " + String.join(" ", args) + " did not finish in " + TIMEOUT_SECONDS + " s");
      }
      return new Result(process.exitValue(), stdout, stderr.join());
    } catch (IOException e) {
      throw new UncheckedIOException("could not run " + executable, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running kubectl", e);
    }
  }

  /**
   * Runs kubectl and returns its output, failing with everything it printed when it exits non-zero.
   */
  public String succeed(String... args) {
    Result result = run(args);
    if (!result.succeeded()) {
      throw new AssertionError("kubectl " + String.join(" ", args) + " failed: " + result);
    }
    return result.stdout();
  }

  private static String read(java.io.InputStream stream) {
    try {
      return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
