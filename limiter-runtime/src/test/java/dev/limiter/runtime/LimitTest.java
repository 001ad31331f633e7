package dev.limiter.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LimitTest {

  private static final long SECOND = 1_000_000_000L;
  private static final long NOW = 1_795_000_000L * SECOND;

  @Test
  void factoriesSetCapacityAndRefill() {
    assertThat(Limit.perSecond("rps", 10))
        .satisfies(
            l -> {
              assertThat(l.capacity()).isEqualTo(10);
              assertThat(l.refillAmount()).isEqualTo(10);
              assertThat(l.refillPeriod()).isEqualTo(Duration.ofSeconds(1));
            });
    assertThat(Limit.perMinute("rpm", 600).refillPeriod()).isEqualTo(Duration.ofMinutes(1));
    assertThat(Limit.perHour("rph", 5).refillPeriod()).isEqualTo(Duration.ofHours(1));
    assertThat(Limit.perDay("rpd", 5).refillPeriod()).isEqualTo(Duration.ofDays(1));
    Limit burst = Limit.perMinute("rpm", 600).withBurst(900);
    assertThat(burst.capacity()).isEqualTo(900);
    assertThat(burst.refillAmount()).isEqualTo(600);
    assertThat(Limit.of("x", 5, 2, Duration.ofSeconds(3)))
        .isEqualTo(Limit.of("x", 5, 2, Duration.ofSeconds(3)));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "has space",
        "slash/no",
        "hash#no",
        "ümlaut",
        "a1234567890123456789012345678901234567890123456789012345678901234"
      })
  void rejectsInvalidNames(String name) {
    assertThatThrownBy(() -> Limit.perSecond(name, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("invalid limit name");
  }

  @Test
  void acceptsNamesOfLettersDigitsAndPunctuation() {
    assertThat(Limit.perSecond("Model_gpt-4o.tpm", 1).name()).isEqualTo("Model_gpt-4o.tpm");
    assertThat(Limit.perSecond("a".repeat(64), 1).name()).hasSize(64);
  }

  @Test
  void rejectsOutOfRangeNumbers() {
    assertThatThrownBy(() -> Limit.perSecond("r", 0))
        .hasMessageContaining("capacity must be at least 1");
    assertThatThrownBy(() -> Limit.perSecond("r", 5).withBurst(-1))
        .hasMessageContaining("capacity must be at least 1");
    assertThatThrownBy(() -> Limit.of("r", 5, 0, Duration.ofSeconds(1)))
        .hasMessageContaining("refill amount");
    assertThatThrownBy(() -> Limit.of("r", 5, 5, Duration.ZERO))
        .hasMessageContaining("refill period");
    assertThatThrownBy(() -> Limit.of("r", 5, 5, Duration.ofDays(400)))
        .hasMessageContaining("refill period");
    assertThatThrownBy(() -> Limit.of("r", Long.MAX_VALUE, 1, Duration.ofDays(1)))
        .hasMessageContaining("to refill");
    assertThatThrownBy(() -> Limit.of("r", 5, 5, null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void costIsExactWhenTheIntervalIsWholeNanoseconds() {
    Limit limit = Limit.perMinute("tpm", 100_000);
    assertThat(limit.costNanos(1)).isEqualTo(600_000);
    assertThat(limit.costNanos(500)).isEqualTo(300_000_000);
    assertThat(limit.toleranceNanos()).isEqualTo(60 * SECOND);
  }

  @Test
  void costRoundsUpByLessThanOneNanosecondPerCall() {
    Limit limit = Limit.perSecond("rps", 7);
    assertThat(limit.costNanos(1)).isEqualTo(142_857_143);
    assertThat(limit.costNanos(7)).isEqualTo(SECOND);
    assertThat(limit.toleranceNanos()).isEqualTo(SECOND);
  }

  @Test
  void costOfHugeProductsIsExact() {
    Limit limit = Limit.of("tokens", 1000, 11, Duration.ofDays(366));
    long period = Duration.ofDays(366).toNanos();
    // 1000 · period overflows a long; the result is still the exact ceiling.
    BigInteger[] qr =
        BigInteger.valueOf(1000)
            .multiply(BigInteger.valueOf(period))
            .divideAndRemainder(BigInteger.valueOf(11));
    long expected = qr[0].longValueExact() + (qr[1].signum() == 0 ? 0 : 1);
    assertThat(limit.costNanos(1000)).isEqualTo(expected);
    assertThat(limit.toleranceNanos()).isEqualTo(expected);
  }

  @Test
  void fullBucketAdmitsCapacityAndNotOneMore() {
    Limit limit = Limit.perSecond("rps", 10);
    long tat = 0;
    for (int i = 0; i < 10; i++) {
      assertThat(limit.admits(tat, NOW, 1)).isTrue();
      tat = Math.max(tat, NOW) + limit.costNanos(1);
    }
    assertThat(limit.admits(tat, NOW, 1)).isFalse();
    assertThat(limit.available(tat, NOW)).isZero();
    // Exactly one emission interval (100 ms) later one token is back, not a nanosecond earlier.
    assertThat(limit.waitNanos(tat, NOW, 1)).isEqualTo(SECOND / 10);
    assertThat(limit.admits(tat, NOW + SECOND / 10, 1)).isTrue();
    assertThat(limit.admits(tat, NOW + SECOND / 10 - 1, 1)).isFalse();
    assertThat(limit.admits(tat, NOW + SECOND / 10, 2)).isFalse();
  }

  @Test
  void roundingDelaysABurstByLessThanOneNanosecondPerCall() {
    // 1/7 s is not a whole number of ns: each single-token call is charged 1/7 ns too much at most.
    Limit limit = Limit.perSecond("rps", 7);
    long tat = 0;
    for (int i = 0; i < 6; i++) {
      assertThat(limit.admits(tat, NOW, 1)).isTrue();
      tat = Math.max(tat, NOW) + limit.costNanos(1);
    }
    assertThat(limit.waitNanos(tat, NOW, 1)).isPositive().isLessThan(7);
    // A single call for the whole capacity is exact.
    assertThat(limit.admits(0, NOW, 7)).isTrue();
  }

  @Test
  void availableCountsWholeTokensAndDebt() {
    Limit limit = Limit.perSecond("rps", 10);
    assertThat(limit.available(0, NOW)).isEqualTo(10);
    assertThat(limit.available(NOW + SECOND / 2, NOW)).isEqualTo(5);
    assertThat(limit.available(NOW + SECOND / 2 + 1, NOW)).isEqualTo(4);
    assertThat(limit.available(NOW + 3 * SECOND, NOW)).isEqualTo(-20);
  }

  @Test
  void loadAtTheRateRoundedToTheClockTickIsNeverRefused() {
    // With a one-token bucket there is no slack: a request every 1/7 s, rounded up to the
    // nanosecond clock's tick, must be admitted for a whole hour.
    Limit limit = Limit.perSecond("rps", 7).withBurst(1);
    long interval = (SECOND + 6) / 7;
    long tat = 0;
    for (int i = 0; i < 7 * 3600; i++) {
      long now = NOW + i * interval;
      assertThat(limit.admits(tat, now, 1)).as("request %d", i).isTrue();
      tat = Math.max(tat, now) + limit.costNanos(1);
    }
  }

  @Test
  void neverAdmitsMoreThanCapacityPlusRefillOverElapsedTime() {
    // Greedy client at every nanosecond-ish step: the admitted total must respect the bound.
    Limit limit = Limit.of("odd", 5, 7, Duration.ofSeconds(3));
    long tat = 0;
    long admitted = 0;
    long elapsed = 0;
    for (long now = NOW; now < NOW + 20 * SECOND; now += 12_345_679) {
      while (limit.admits(tat, now, 1)) {
        tat = Math.max(tat, now) + limit.costNanos(1);
        admitted++;
      }
      elapsed = now - NOW;
      long bound =
          5
              + BigInteger.valueOf(7)
                  .multiply(BigInteger.valueOf(elapsed + 1))
                  .divide(BigInteger.valueOf(3 * SECOND))
                  .longValueExact();
      assertThat(admitted).isLessThanOrEqualTo(bound);
    }
    assertThat(admitted).isGreaterThanOrEqualTo(5 + 7 * elapsed / (3 * SECOND) - 1);
  }
}
