package dev.limiter.testkit.kube;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where the kube-apiserver and etcd binaries of the real-server tier are: built by the repository's
 * {@code .ci/kube-binaries} into {@code $KUBE_API_TEST_DIR/k8s/<version>-linux-amd64/} (fabric8
 * kube-api-test's layout).
 *
 * @param apiServer the kube-apiserver executable
 * @param etcd the etcd executable
 */
public record KubeBinaries(Path apiServer, Path etcd) {

  /** The Kubernetes release the tier runs, and that {@code .ci/kube-binaries} builds by default. */
  public static final String KUBERNETES_VERSION = "1.34.4";

  /** The script, relative to the repository root, that builds the binaries. */
  public static final String SCRIPT = ".ci/kube-binaries";

  /**
   * Finds the binaries in the cache ({@code KUBE_API_TEST_DIR}, else {@code
   * $XDG_CACHE_HOME/limiter-operator/kube-api-test}, else {@code
   * ~/.cache/limiter-operator/kube-api-test}); if they are absent, builds them with {@value
   * #SCRIPT} when Go is installed.
   *
   * @throws IllegalStateException when they are absent and cannot be built here; the message names
   *     the script to run
   */
  public static KubeBinaries locate() {
    return locate(System.getenv(), Path.of(System.getProperty("user.dir")).toAbsolutePath());
  }

  /**
   * The binaries when they are already in the cache (see {@link #locate()} for where); never builds
   * them.
   */
  public static Optional<KubeBinaries> find() {
    return find(System.getenv());
  }

  static Optional<KubeBinaries> find(Map<String, String> env) {
    return present(versionDirectory(env));
  }

  /** Where {@link #find()} and {@link #locate()} look for the binaries on this machine. */
  public static Path directory() {
    return versionDirectory(System.getenv());
  }

  /**
   * {@link #locate()} with the given environment, looking for the script from {@code
   * workingDirectory} up.
   */
  static KubeBinaries locate(Map<String, String> env, Path workingDirectory) {
    Path directory = versionDirectory(env);
    return present(directory).orElseGet(() -> build(directory, env, workingDirectory));
  }

  static Path versionDirectory(Map<String, String> env) {
    Path cache;
    if (env.get("KUBE_API_TEST_DIR") != null) {
      cache = Path.of(env.get("KUBE_API_TEST_DIR"));
    } else if (env.get("XDG_CACHE_HOME") != null) {
      cache = Path.of(env.get("XDG_CACHE_HOME"), "limiter-operator", "kube-api-test");
    } else {
      cache =
          Path.of(System.getProperty("user.home"), ".cache", "limiter-operator", "kube-api-test");
    }
    return cache.resolve("k8s").resolve(KUBERNETES_VERSION + "-linux-amd64");
  }

  private static Optional<KubeBinaries> present(Path directory) {
    KubeBinaries binaries =
        new KubeBinaries(directory.resolve("kube-apiserver"), directory.resolve("etcd"));
    return Files.isExecutable(binaries.apiServer()) && Files.isExecutable(binaries.etcd())
        ? Optional.of(binaries)
        : Optional.empty();
  }

  private static KubeBinaries build(
      Path directory, Map<String, String> env, Path workingDirectory) {
    Optional<Path> script = findScript(workingDirectory);
    if (script.isEmpty() || !onPath("go", env.get("PATH"))) {
      throw new IllegalStateException(
          "kube-apiserver and etcd v"
              + KUBERNETES_VERSION
              + " are not in "
              + directory
              + "; build them with the repository's "
              + SCRIPT
              + " (needs Go and the Go module proxy), or point KUBE_API_TEST_DIR at a cache"
              + " holding k8s/"
              + KUBERNETES_VERSION
              + "-linux-amd64/{kube-apiserver,etcd}"
              + (script.isEmpty()
                  ? "; no " + SCRIPT + " in " + workingDirectory + " or above it"
                  : "; Go is not on PATH here"));
    }
    try {
      ProcessBuilder builder =
          new ProcessBuilder(List.of("bash", script.get().toString()))
              .redirectError(ProcessBuilder.Redirect.INHERIT);
      builder.environment().clear();
      builder.environment().putAll(env);
      Process process = builder.start();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (process.waitFor() != 0) {
        throw new IllegalStateException(SCRIPT + " failed (exit " + process.exitValue() + ")");
      }
      return present(directory)
          .orElseThrow(
              () ->
                  new IllegalStateException(
                      SCRIPT + " printed " + out.strip() + " but " + directory + " lacks them"));
    } catch (IOException e) {
      throw new UncheckedIOException("could not run " + script.get(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + SCRIPT, e);
    }
  }

  /** The script, found by walking up from {@code start} (tests run in a module's directory). */
  static Optional<Path> findScript(Path start) {
    for (Path dir = start; dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve(SCRIPT);
      if (Files.isRegularFile(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  private static boolean onPath(String command, String path) {
    if (path == null) {
      return false;
    }
    for (String dir : path.split(java.io.File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, command))) {
        return true;
      }
    }
    return false;
  }
}
