package dev.limiter.operator.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

  @Test
  void theCeilingDoublesUpToTheCapAndTheWaitIsADrawBelowIt() {
    Backoff backoff = Backoff.DEFAULT;
    assertThat(backoff.delay(1, 0.999)).isEqualTo(Duration.ofMillis(49));
    assertThat(backoff.delay(3, 0.5)).isEqualTo(Duration.ofMillis(100));
    assertThat(backoff.delay(7, 0.999)).isEqualTo(Duration.ofMillis(1998));
    assertThat(backoff.delay(40, 0.999))
        .as("capped, no overflow")
        .isEqualTo(Duration.ofMillis(1998));
    assertThat(backoff.delay(5, 0)).isZero();
  }
}
