package dev.limiter.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * The hot path's loops, long arithmetic and cached text decide exactly as the general forms they
 * replaced: the name patterns, BigDecimal decoding of stored times (floored, saturated to a long),
 * and a write's expressions built op by op.
 */
class HotPathEquivalenceTest {

  private static final Pattern LIMIT_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
  private static final Pattern RESOURCE = Pattern.compile("[A-Za-z0-9_.:/-]{1,128}");
  private static final BucketKey KEY = new BucketKey("entity", "resource");

  @Property(tries = 1000)
  void limitNamesAreAcceptedExactlyAsThePatternMatches(@ForAll("names") String name) {
    if (LIMIT_NAME.matcher(name).matches()) {
      assertThat(Names.requireLimitName(name)).isEqualTo(name);
    } else {
      assertThatThrownBy(() -> Names.requireLimitName(name))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Property(tries = 1000)
  void resourcesAreAcceptedExactlyAsThePatternMatches(@ForAll("names") String resource) {
    if (RESOURCE.matcher(resource).matches()) {
      assertThat(Names.requireResource(resource)).isEqualTo(resource);
    } else {
      assertThatThrownBy(() -> Names.requireResource(resource))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Property(tries = 1000)
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

  @Property(tries = 200)
  void writeExpressionsAreTheTextBuiltOpByOp(
      @ForAll("kinds") List<LimitOp.Kind> kinds,
      @ForAll("busy") List<Boolean> busy,
      @ForAll @IntRange(min = 0, max = 2) int lastWriteCheck) {
    long now = 1_764_600_000_000_000_000L;
    List<LimitOp> ops = new ArrayList<>();
    Map<String, Long> tats = new HashMap<>();
    for (int i = 0; i < kinds.size(); i++) {
      Limit limit = Limit.perSecond("l" + i, 10);
      ops.add(new LimitOp(limit, 1, kinds.get(i)));
      if (busy.get(i % busy.size())) {
        tats.put(limit.name(), now + 1_000);
      }
    }
    BucketState guess = new BucketState(tats, lastWriteCheck == 1 ? "abc" : null, null, 0);
    BucketWrite write =
        BucketWrite.of("t", KEY, ops, guess, now, new BucketBounds(1, 60_000_000_000L));
    if (lastWriteCheck > 0) {
      write = write.recognising(new RuntimeException("hidden"));
    }

    UpdateItemRequest request = write.request();

    StringBuilder update =
        new StringBuilder(
            "SET #kind = :kind, #pw = if_not_exists(#lw, :none), #lw = :w, #ttl = :ttl");
    StringBuilder condition =
        new StringBuilder(
            "(attribute_not_exists(#pk) OR #kind = :kind) AND (attribute_not_exists(#ttl) OR"
                + " #ttl <= :ttl)");
    for (int i = 0; i < ops.size(); i++) {
      String t = "#t" + i;
      String r = "#r" + i;
      boolean reserving = ops.get(i).kind() == LimitOp.Kind.RESERVE;
      if (ops.get(i).kind() == LimitOp.Kind.REFUND) {
        update.append(", " + t + " = " + t + " - :c" + i);
        condition.append(
            " AND "
                + t
                + " >= :f"
                + i
                + " AND (attribute_not_exists("
                + r
                + ") OR "
                + r
                + " <= :g"
                + i
                + ")");
      } else if (guess.tat(ops.get(i).name()) <= now) {
        update.append(", " + t + " = :v" + i);
        if (reserving) {
          update.append(", " + r + " = :v" + i);
        }
        condition.append(" AND (attribute_not_exists(" + t + ") OR " + t + " <= :now)");
      } else {
        update.append(", " + t + " = " + t + " + :c" + i);
        if (reserving) {
          update.append(", " + r + " = " + t + " + :c" + i);
        }
        condition.append(" AND " + t + " > :now AND " + t + " <= :m" + i);
      }
    }
    if (lastWriteCheck == 1) {
      condition.append(" AND #lw = :prev");
    } else if (lastWriteCheck == 2) {
      condition.append(" AND attribute_not_exists(#lw)");
    }
    assertThat(request.updateExpression()).isEqualTo(update.toString());
    assertThat(request.conditionExpression()).isEqualTo(condition.toString());
    assertThat(request.expressionAttributeNames())
        .containsEntry("#t" + (ops.size() - 1), "t:l" + (ops.size() - 1));
  }

  @Provide
  Arbitrary<List<LimitOp.Kind>> kinds() {
    return Arbitraries.of(LimitOp.Kind.class).list().ofMinSize(1).ofMaxSize(40);
  }

  @Provide
  Arbitrary<List<Boolean>> busy() {
    return Arbitraries.of(true, false).list().ofMinSize(1).ofMaxSize(40);
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
