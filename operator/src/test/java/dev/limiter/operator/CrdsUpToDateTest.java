package dev.limiter.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The committed {@code crds/} must equal what the CRD generator makes from the model classes. */
class CrdsUpToDateTest {

  private static final Path GENERATED = Path.of("target/classes/META-INF/fabric8");
  private static final Path COMMITTED = Path.of("../crds");

  @Test
  void committedCrdsMatchTheGeneratedOnes() throws IOException {
    List<Path> generated = yamlFiles(GENERATED);
    assertThat(generated).as("CRDs generated at build time").isNotEmpty();
    assertThat(yamlFiles(COMMITTED).stream().map(Path::getFileName).map(Path::toString))
        .as("files in crds/ (regenerate with: mvn -pl operator -am -DskipTests package"
            + " && cp operator/target/classes/META-INF/fabric8/*.yml crds/)")
        .containsExactlyInAnyOrderElementsOf(generated.stream().map(Path::getFileName).map(Path::toString).toList());
    for (Path file : generated) {
      assertThat(Files.readString(COMMITTED.resolve(file.getFileName().toString())))
          .as("crds/%s is stale; regenerate with: mvn -pl operator -am -DskipTests package"
              + " && cp operator/target/classes/META-INF/fabric8/*.yml crds/", file.getFileName())
          .isEqualTo(Files.readString(file));
    }
  }

  private static List<Path> yamlFiles(Path directory) throws IOException {
    if (!Files.isDirectory(directory)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(directory)) {
      return files.filter(f -> f.toString().endsWith(".yml")).sorted().toList();
    }
  }
}
