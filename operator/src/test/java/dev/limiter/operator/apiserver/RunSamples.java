package dev.limiter.operator.apiserver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The manifests of {@code config/samples/} as written, moved into one run's namespaces: {@code
 * team-a} and {@code team-b} (and so the table names derived from them) become the run's, so that
 * runs on one API server and one DynamoDB Local do not meet.
 */
final class RunSamples {

  static final Path SAMPLES = Path.of("../config/samples");
  static final String PROVISIONED = "ratelimitertable-provisioned.yaml";
  static final String ON_DEMAND = "ratelimitertable-ondemand.yaml";
  static final String HIERARCHY = "entityhierarchy-llm.yaml";

  /** Names of the sample objects. */
  static final String PROVISIONED_NAME = "llm-limits";

  static final String ON_DEMAND_NAME = "api-limits";
  static final String HIERARCHY_NAME = "llm-tenants";

  private final String namespaceA;
  private final String namespaceB;
  private final Path directory;

  RunSamples(String namespaceA, String namespaceB) {
    this.namespaceA = namespaceA;
    this.namespaceB = namespaceB;
    try {
      this.directory = Files.createTempDirectory("samples-" + namespaceA + "-");
      for (String sample : List.of(PROVISIONED, ON_DEMAND, HIERARCHY)) {
        Files.writeString(directory.resolve(sample), moved(sample));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The directory holding the three samples of this run, for {@code kubectl apply -f}. */
  Path directory() {
    return directory;
  }

  /** The namespace of {@code team-a} (the provisioned table and the hierarchy). */
  String namespaceA() {
    return namespaceA;
  }

  /** The namespace of {@code team-b} (the on-demand table). */
  String namespaceB() {
    return namespaceB;
  }

  /** The DynamoDB table of the provisioned sample (its name defaults to namespace-name). */
  String provisionedTable() {
    return namespaceA + "-" + PROVISIONED_NAME;
  }

  /**
   * The DynamoDB table of the on-demand sample (its spec.tableName, team-b-api-limits in the
   * sample).
   */
  String onDemandTable() {
    return namespaceB + "-" + ON_DEMAND_NAME;
  }

  /**
   * Writes {@code sample}, moved into this run's namespaces and then changed by {@code edit}, to a
   * file of its own and returns it; fails when the edit changes nothing.
   */
  Path edited(String sample, String name, UnaryOperator<String> edit) {
    try {
      String yaml = moved(sample);
      String edited = edit.apply(yaml);
      if (edited.equals(yaml)) {
        throw new IllegalArgumentException("the edit changed nothing in " + sample);
      }
      Path file = directory.resolve("edited").resolve(name + ".yaml");
      Files.createDirectories(file.getParent());
      Files.writeString(file, edited);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String moved(String sample) throws IOException {
    return Files.readString(SAMPLES.resolve(sample))
        .replace("team-a", namespaceA)
        .replace("team-b", namespaceB);
  }
}
