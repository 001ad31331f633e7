package dev.limiter.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limiter.operator.api.RateLimiterTable;
import dev.limiter.operator.plan.DesiredTables;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every sample in config/samples/ maps onto the model and resolves to a table without errors. */
class SamplesTest {

  static List<Path> samples() throws IOException {
    try (Stream<Path> files = Files.list(Path.of("../config/samples"))) {
      return files
          .filter(f -> f.getFileName().toString().startsWith("ratelimitertable-"))
          .sorted()
          .toList();
    }
  }

  @ParameterizedTest
  @MethodSource("samples")
  void sampleResolves(Path sample) throws IOException {
    RateLimiterTable table;
    try (InputStream in = Files.newInputStream(sample)) {
      table = Serialization.unmarshal(in, RateLimiterTable.class);
    }
    assertThat(table.getSpec()).isNotNull();
    assertThat(DesiredTables.resolve(table, null)).isInstanceOf(DesiredTables.Resolved.class);
  }
}
