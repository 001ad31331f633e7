package dev.limiter.operator.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class GoDurationsTest {

  @ParameterizedTest
  @CsvSource({"24h,PT24H", "90m,PT1H30M", "1h30m,PT1H30M", "45s,PT45S", "1h0m5s,PT1H5S"})
  void parsesHoursMinutesAndSeconds(String text, Duration expected) {
    assertThat(GoDurations.parse(text)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({"250ms,PT0.25S", "10ms,PT0.01S", "1s500ms,PT1.5S", "1m,PT1M", "0s,PT0S", "0ms,PT0S"})
  void parsesMilliseconds(String text, Duration expected) {
    assertThat(GoDurations.parse(text)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({"PT0.25S,250ms", "PT1.5S,1s500ms", "PT0S,0s", "PT1H30M,1h30m"})
  void formatsWhatItParses(Duration duration, String expected) {
    assertThat(GoDurations.format(duration)).isEqualTo(expected);
    assertThat(GoDurations.parse(expected)).isEqualTo(duration);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "1d",
        "5ms1s",
        "1.5ms",
        "24",
        "h",
        "1.5h",
        "-1h",
        "30m1h",
        "99999999999999999999h"
      })
  void refusesAnythingElse(String text) {
    assertThatThrownBy(() -> GoDurations.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("duration");
  }
}
