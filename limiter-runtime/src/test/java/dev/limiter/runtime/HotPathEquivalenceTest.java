package dev.limiter.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.Map;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The hot path's loops and long arithmetic decide exactly as the general forms they replaced: the
 * name patterns, and BigDecimal decoding of stored times (floored, saturated to a long).
 */
class HotPathEquivalenceTest {

  private static final Pattern LIMIT_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
  private static final Pattern RESOURCE = Pattern.compile("[A-Za-z0-9_.:/-]{1,128}");
  private static final BucketKey KEY = new BucketKey("entity", "resource");

  @Property(tries = 2000)
  void limitNamesAreAcceptedExactlyAsThePatternMatches(@ForAll("names") String name) {
    if (LIMIT_NAME.matcher(name).matches()) {
      assertThat(Names.requireLimitName(name)).isEqualTo(name);
    } else {
      assertThatThrownBy(() -> Names.requireLimitName(name))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Property(tries = 2000)
  void resourcesAreAcceptedExactlyAsThePatternMatches(@ForAll("names") String resource) {
    if (RESOURCE.matcher(resource).matches()) {
      assertThat(Names.requireResource(resource)).isEqualTo(resource);
    } else {
      assertThatThrownBy(() -> Names.requireResource(resource))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Property(tries = 2000)
  void storedTimesDecodeAsTheirFlooredSaturatedValue(@ForAll("numbers") String number) {
    long expected =
        new BigDecimal(number)
            .setScale(0, RoundingMode.FLOOR)
            .toBigIntegerExact()
            .max(BigInteger.valueOf(Long.MIN_VALUE))
            .min(BigInteger.valueOf(Long.MAX_VALUE))
            .longValueExact();

    BucketState state =
        BucketState.decodeAttributes(
            KEY,
            Map.of(
                LimiterTableSchema.tatAttribute("rps"),
                AttributeValue.fromN(number),
                LimiterTableSchema.TTL_ATTRIBUTE,
                AttributeValue.fromN(number)));

    assertThat(state.tat("rps")).isEqualTo(expected);
    assertThat(state.expiry()).isEqualTo(expected);
  }

  @Provide
  Arbitrary<String> names() {
    return Arbitraries.strings()
        .withChars("aZ09_.-:/#é ")
        .withCharRange('\u0000', '\u007f')
        .ofMinLength(0)
        .ofMaxLength(140);
  }

  @Provide
  Arbitrary<String> numbers() {
    Arbitrary<String> integers = Arbitraries.longs().map(String::valueOf);
    Arbitrary<String> digits =
        Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(25).map(d -> "-" + d);
    Arbitrary<String> unsigned = Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(25);
    Arbitrary<String> decimals =
        Arbitraries.bigDecimals()
            .between(new BigDecimal("-1E20"), new BigDecimal("1E20"))
            .ofScale(3)
            .map(BigDecimal::toPlainString);
    Arbitrary<String> exponents = Arbitraries.integers().between(0, 25).map(e -> "17E" + e);
    return Arbitraries.oneOf(integers, digits, unsigned, decimals, exponents);
  }
}
