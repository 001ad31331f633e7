package dev.limiter.operator.controller;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NextPassTest {

  private static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");
  private static final Duration RESYNC = Duration.ofMinutes(5);

  @Test
  void wakesAtTheRequestedTimeWithinTheResyncPeriod() {
    assertThat(NextPass.after(NOW, Optional.of(NOW.plusSeconds(10)), RESYNC))
        .isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void aLongDeferralStillResyncsForDrift() {
    assertThat(NextPass.after(NOW, Optional.of(NOW.plus(Duration.ofHours(24))), RESYNC))
        .isEqualTo(RESYNC);
  }

  @Test
  void noWakeUpMeansTheResyncPeriod() {
    assertThat(NextPass.after(NOW, Optional.empty(), RESYNC)).isEqualTo(RESYNC);
  }

  @Test
  void aWakeUpInThePastWaitsOneSecondNotZero() {
    assertThat(NextPass.after(NOW, Optional.of(NOW.minusSeconds(3)), RESYNC))
        .isEqualTo(Duration.ofSeconds(1));
  }
}
