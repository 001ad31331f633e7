package dev.limiter.operator.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class DecreaseQuotaTest {

  private static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");

  @Test
  void neverDecreasedOrUnknownIsAllowed() {
    assertThat(DecreaseQuota.check("table t", null, null, NOW)).isEmpty();
    assertThat(DecreaseQuota.check("table t", 0L, null, NOW)).isEmpty();
  }

  @Test
  void firstFourDecreasesOfTheDayAreAllowedAtAnyTime() {
    assertThat(DecreaseQuota.check("table t", 3L, NOW.minusSeconds(1), NOW)).isEmpty();
  }

  @Test
  void beyondFourTheNextWaitsAnHourAfterTheLast() {
    Instant last = Instant.parse("2026-11-22T11:20:00Z");
    assertThat(DecreaseQuota.check("index gsi1 of t", 4L, last, NOW))
        .hasValueSatisfying(
            d -> {
              assertThat(d.until()).isEqualTo(Instant.parse("2026-11-22T12:20:00Z"));
              assertThat(d.reason()).isEqualTo("DecreaseQuota");
              assertThat(d.message()).contains("index gsi1 of t").contains("4 decreases today");
            });
    // Exactly one hour later it is allowed.
    assertThat(DecreaseQuota.check("table t", 9L, last, last.plusSeconds(3600))).isEmpty();
  }

  @Test
  void aNewUtcDayResetsTheCount() {
    Instant last = Instant.parse("2026-11-21T23:50:00Z");
    assertThat(DecreaseQuota.check("table t", 27L, last, Instant.parse("2026-11-22T00:00:00Z")))
        .isEmpty();
    // Just before midnight the hour rule still applies, but never beyond midnight.
    Instant late = Instant.parse("2026-11-22T23:30:00Z");
    assertThat(DecreaseQuota.check("table t", 20L, late, Instant.parse("2026-11-22T23:40:00Z")))
        .hasValueSatisfying(
            d -> assertThat(d.until()).isEqualTo(Instant.parse("2026-11-23T00:00:00Z")));
  }
}
