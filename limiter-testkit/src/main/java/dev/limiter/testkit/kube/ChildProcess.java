package dev.limiter.testkit.kube;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A server binary started under a small bash guard that terminates it when this JVM closes the
 * guard's stdin — on {@link #stop()}, and also when the JVM dies without running shutdown hooks, so
 * no etcd or kube-apiserver outlives the test run. Output goes to a log file.
 */
final class ChildProcess {

  /**
   * The guard: starts the binary in the background, kills it once stdin reaches end of file, and
   * exits with the binary's status (so an early exit of the binary is seen as the guard's).
   */
  private static final String GUARD =
      "exec 3<&0; \"$@\" </dev/null & c=$!; { read -r _ <&3; kill $c 2>/dev/null; } & wait $c";

  private final String name;
  private final Process guard;
  private final Path log;

  private ChildProcess(String name, Process guard, Path log) {
    this.name = name;
    this.guard = guard;
    this.log = log;
  }

  static ChildProcess start(String name, Path log, List<String> command) {
    List<String> full = new ArrayList<>(List.of("bash", "-c", GUARD, name));
    full.addAll(command);
    try {
      Process guard =
          new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      return new ChildProcess(name, guard, log);
    } catch (IOException e) {
      throw new UncheckedIOException("could not start " + name, e);
    }
  }

  /** Fails with the end of the log when the process has exited. */
  void requireAlive() {
    if (!guard.isAlive()) {
      throw new IllegalStateException(
          name + " exited with status " + guard.exitValue() + "; its log ends with:\n" + logTail());
    }
  }

  String logTail() {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(log " + log + " unreadable: " + e.getMessage() + ")";
    }
  }

  /** Terminates the process (SIGTERM, then SIGKILL after 15 s) and waits for it. */
  void stop() {
    try {
      guard.getOutputStream().close();
    } catch (IOException e) {
      // a closed pipe is what stopping needs; the forced path below covers the rest
    }
    try {
      if (!guard.waitFor(15, TimeUnit.SECONDS)) {
        guard.descendants().forEach(ProcessHandle::destroyForcibly);
        guard.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      guard.descendants().forEach(ProcessHandle::destroyForcibly);
      guard.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
