package dev.limiter.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limiter.operator.testing.LocalAws;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The operator jar (the image) holds no test double: the AWS fakes, their error helper and the test
 * steps live in the module's test sources, in {@code dev.limiter.operator.testing}, which is what
 * the test-jar the sandbox depends on publishes. The jar is packed from the main output directory,
 * so that directory is what is scanned.
 */
class NoDoublesInProductionTest {

  /** The package of the test-jar, as a path below the test output directory. */
  private static final String TESTING = LocalAws.class.getPackageName().replace('.', '/');

  /**
   * How doubles are named here, and the names the fakes had while they lived in production code.
   */
  private static final Pattern DOUBLE_NAME = Pattern.compile("(Fake|Testing|Stub|AwsRules)[A-Z].*");

  @Test
  void noProductionClassIsNamedAsADouble() throws IOException {
    List<String> production = classNames(outputDirectoryOf(LimiterOperator.class));

    assertThat(production).as("the scan sees the production classes").contains("LimiterOperator");
    assertThat(production.stream().filter(n -> DOUBLE_NAME.matcher(n).matches()).toList())
        .as("production classes named as test doubles")
        .isEmpty();
  }

  @Test
  void noProductionClassIsOneOfTheTestJarsClasses() throws IOException {
    List<String> production = classNames(outputDirectoryOf(LimiterOperator.class));
    List<String> shared = classNames(outputDirectoryOf(LocalAws.class).resolve(TESTING));

    assertThat(shared)
        .as("the scan sees the test-jar's classes")
        .contains(
            "LocalAws", "FakeDynamoDbTables", "FakeCloudWatch", "FakeTableScaling", "AwsErrors");
    assertThat(production.stream().filter(shared::contains).toList())
        .as("production classes of the same name as a class of the test-jar")
        .isEmpty();
  }

  /**
   * Simple names of the top-level classes under {@code root} (nested and anonymous classes count as
   * their outer class).
   */
  private static List<String> classNames(Path root) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".class"))
          .map(n -> n.substring(0, n.length() - ".class".length()).split("\\$")[0])
          .distinct()
          .sorted()
          .toList();
    }
  }

  /** The directory (or jar) {@code type} was loaded from. */
  private static Path outputDirectoryOf(Class<?> type) {
    try {
      return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
