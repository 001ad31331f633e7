package dev.limiter.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

class BucketWriteTest {

  private static final long SECOND = 1_000_000_000L;
  private static final long NOW = 1_795_000_000L * SECOND;
  private static final BucketKey KEY = new BucketKey("key-1", "llm-api");
  private static final Limit RPM = Limit.perMinute("rpm", 60);
  private static final Limit TPM = Limit.perMinute("tpm", 6000);

  private static final BucketBounds BOUNDS = new BucketBounds(3, 60 * SECOND);

  private static BucketWrite write(BucketState guess, LimitOp... ops) {
    return BucketWrite.of("limits", KEY, List.of(ops), guess, NOW, BOUNDS);
  }

  private static BucketState state(String limit, long tat) {
    return new BucketState(Map.of(limit, tat));
  }

  @Test
  void unknownBucketTakesTheIdleBranchForEveryLimit() {
    UpdateItemRequest request =
        write(
                BucketState.EMPTY,
                new LimitOp(RPM, 1, LimitOp.Kind.ACQUIRE),
                new LimitOp(TPM, 500, LimitOp.Kind.ACQUIRE))
            .request();
    assertThat(request.updateExpression())
        .isEqualTo(
            "SET #kind = :kind, #pw = if_not_exists(#lw, :none), #lw = :w, #ttl = :ttl, #t0 = :v0,"
                + " #t1 = :v1");
    assertThat(request.conditionExpression())
        .isEqualTo(
            "(attribute_not_exists(#pk) OR #kind = :kind) AND (attribute_not_exists(#ttl) OR #ttl"
                + " <= :ttl) AND (attribute_not_exists(#t0) OR #t0 <= :now) AND"
                + " (attribute_not_exists(#t1) OR #t1 <= :now)");
    assertThat(request.expressionAttributeNames())
        .containsEntry("#t0", "t:rpm")
        .containsEntry("#t1", "t:tpm");
    assertThat(request.expressionAttributeValues())
        .containsEntry(":v0", AttributeValue.fromN(Long.toString(NOW + SECOND)))
        .containsEntry(":v1", AttributeValue.fromN(Long.toString(NOW + 5 * SECOND)));
    assertThat(request.key()).isEqualTo(LimiterTableSchema.bucketKey("key-1", "llm-api"));
  }

  @Test
  void busyBucketAddsTheCostUnderAnUpperBound() {
    UpdateItemRequest request =
        write(state("rpm", NOW + 10 * SECOND), new LimitOp(RPM, 2, LimitOp.Kind.ACQUIRE)).request();
    assertThat(request.updateExpression()).endsWith(", #ttl = :ttl, #t0 = #t0 + :c0");
    assertThat(request.conditionExpression()).endsWith(" AND #t0 > :now AND #t0 <= :m0");
    assertThat(request.expressionAttributeValues())
        .containsEntry(":c0", AttributeValue.fromN(Long.toString(2 * SECOND)))
        .containsEntry(":m0", AttributeValue.fromN(Long.toString(NOW + 60 * SECOND - 2 * SECOND)));
  }

  @Test
  void chargesStopAtTheDebtBoundAndRefundsAtAFullBucket() {
    UpdateItemRequest request =
        write(
                state("rpm", NOW + SECOND),
                new LimitOp(RPM, 100, LimitOp.Kind.CHARGE),
                new LimitOp(TPM, 10, LimitOp.Kind.REFUND))
            .request();
    assertThat(request.updateExpression())
        .endsWith(", #ttl = :ttl, #t0 = #t0 + :c0, #t1 = #t1 - :c1");
    assertThat(request.conditionExpression())
        .endsWith(
            " AND #t0 > :now AND #t0 <= :m0 AND #t1 >= :f1 AND (attribute_not_exists(#r1) OR #r1 <="
                + " :g1)");
    // A full bucket (60 s) plus three periods of debt (180 s), less the charge (100 s).
    assertThat(request.expressionAttributeValues())
        .containsEntry(
            ":m0", AttributeValue.fromN(Long.toString(NOW + 240 * SECOND - 100 * SECOND)))
        .containsEntry(":f1", AttributeValue.fromN(Long.toString(NOW + SECOND / 10)));
  }

  @Test
  void aReservationRecordsWhereItsTimeEndsOnEitherBranch() {
    UpdateItemRequest busy =
        write(state("rpm", NOW + SECOND), new LimitOp(RPM, 5, LimitOp.Kind.RESERVE)).request();
    assertThat(busy.updateExpression()).endsWith(", #t0 = #t0 + :c0, #r0 = #t0 + :c0");
    assertThat(busy.expressionAttributeNames()).containsEntry("#r0", "r:rpm");
    UpdateItemRequest idle =
        write(BucketState.EMPTY, new LimitOp(RPM, 5, LimitOp.Kind.RESERVE)).request();
    assertThat(idle.updateExpression()).endsWith(", #t0 = :v0, #r0 = :v0");
  }

  @Test
  void aRefundNeverGivesBackTimeAnOpenReservationHolds() {
    // The bucket is 10 s ahead; the latest reservation ends 8 s ahead: 2 s may come back, not 5.
    BucketState reserved =
        new BucketState(
            Map.of("rpm", NOW + 10 * SECOND), Map.of("rpm", NOW + 8 * SECOND), null, null, 0);
    BucketWrite.Outcome outcome =
        write(BucketState.EMPTY, new LimitOp(RPM, 5, LimitOp.Kind.REFUND))
            .conditionFailed(reserved);
    BucketWrite next = ((BucketWrite.Retry) outcome).next();
    assertThat(next.ops()).containsExactly(new LimitOp(RPM, 2, LimitOp.Kind.REFUND));
    assertThat(next.request().expressionAttributeValues())
        .containsEntry(":g0", AttributeValue.fromN(Long.toString(NOW + 8 * SECOND)))
        .containsEntry(":f0", AttributeValue.fromN(Long.toString(NOW + 10 * SECOND)));
    // A reservation ending at the bucket's time leaves nothing to give back.
    BucketState tail =
        new BucketState(
            Map.of("rpm", NOW + 10 * SECOND), Map.of("rpm", NOW + 10 * SECOND), null, null, 0);
    assertThat(
            write(BucketState.EMPTY, new LimitOp(RPM, 5, LimitOp.Kind.REFUND))
                .conditionFailed(tail))
        .isEqualTo(new BucketWrite.Applied(BucketState.EMPTY, List.of()));
  }

  @Test
  void aChargeBeyondTheDebtBoundIsCutDownAndARefundToWhatIsOwed() {
    BucketState deep =
        new BucketState(Map.of("rpm", NOW + 230 * SECOND, "tpm", NOW + SECOND / 100));
    BucketWrite.Outcome outcome =
        write(
                deep,
                new LimitOp(RPM, 100, LimitOp.Kind.CHARGE),
                new LimitOp(TPM, 10, LimitOp.Kind.REFUND))
            .conditionFailed(deep);
    assertThat(((BucketWrite.Retry) outcome).next().ops())
        .containsExactly(
            new LimitOp(RPM, 10, LimitOp.Kind.CHARGE), new LimitOp(TPM, 1, LimitOp.Kind.REFUND));
  }

  @Test
  void everyWriteCarriesItsIdAndAnExpiryThatIsNeverLowered() {
    UpdateItemRequest request =
        write(BucketState.EMPTY, new LimitOp(RPM, 1, LimitOp.Kind.ACQUIRE)).request();
    // now + a full minute + three minutes of debt + one minute of margin, rounded up to the minute.
    long expiry = (NOW / SECOND + 300 + 59) / 60 * 60;
    assertThat(request.expressionAttributeValues())
        .containsEntry(":ttl", AttributeValue.fromN(Long.toString(expiry)));
    assertThat(request.expressionAttributeValues().get(":w").s()).isNotBlank();
    BucketState later = new BucketState(Map.of(), "other", null, expiry + 3_600);
    assertThat(
            write(later, new LimitOp(RPM, 1, LimitOp.Kind.ACQUIRE))
                .request()
                .expressionAttributeValues())
        .containsEntry(":ttl", AttributeValue.fromN(Long.toString(expiry + 3_600)));
  }

  @Test
  void aRecognisingRetryTellsItsOwnEarlierWriteFromAnother() {
    BucketState guessed = new BucketState(Map.of("rpm", NOW + SECOND), "before", "earlier", 0);
    BucketWrite first = write(guessed, new LimitOp(RPM, 1, LimitOp.Kind.ACQUIRE));
    RuntimeException lost = new RuntimeException("lost");
    BucketWrite retry = first.recognising(lost);
    assertThat(retry.writeId()).isNotEqualTo(first.writeId());
    assertThat(retry.request().conditionExpression()).endsWith(" AND #lw = :prev");
    assertThat(retry.request().expressionAttributeValues())
        .containsEntry(":prev", AttributeValue.fromS("before"));

    BucketState mine =
        new BucketState(Map.of("rpm", NOW + 2 * SECOND), first.writeId(), "before", 0);
    assertThat(retry.conditionFailed(mine)).isEqualTo(new BucketWrite.Applied(mine, first.ops()));
    BucketState mineThenAnother =
        new BucketState(Map.of("rpm", NOW + 3 * SECOND), "another", first.writeId(), 0);
    assertThat(retry.conditionFailed(mineThenAnother))
        .isEqualTo(new BucketWrite.Applied(BucketState.EMPTY, first.ops()));
    BucketState untouched =
        new BucketState(Map.of("rpm", NOW + 60 * SECOND), "before", "earlier", 0);
    assertThat(retry.conditionFailed(untouched)).isInstanceOf(BucketWrite.Rejected.class);
    BucketState anotherOnly =
        new BucketState(Map.of("rpm", NOW + 3 * SECOND), "another", "before", 0);
    assertThat(retry.conditionFailed(anotherOnly)).isInstanceOf(BucketWrite.Retry.class);
    assertThat(((BucketWrite.Retry) retry.conditionFailed(anotherOnly)).next().unresolved())
        .isNull();
    BucketState moved =
        new BucketState(Map.of("rpm", NOW + 4 * SECOND), "someone-else", "another", 0);
    assertThat(retry.conditionFailed(moved)).isEqualTo(new BucketWrite.Undecided(lost, null));
  }

  @Test
  void failedConditionWithAnExhaustedLimitIsARejectionWithExactRetryAfter() {
    // rpm: 60 tokens used 0.5 s ago => tat = now + 59.5 s; 2 tokens need 1.5 s more.
    BucketState old = new BucketState(Map.of("rpm", NOW + 59 * SECOND + SECOND / 2, "tpm", 0L));
    BucketWrite.Outcome outcome =
        write(
                BucketState.EMPTY,
                new LimitOp(RPM, 2, LimitOp.Kind.ACQUIRE),
                new LimitOp(TPM, 100, LimitOp.Kind.ACQUIRE))
            .conditionFailed(old);
    assertThat(outcome).isInstanceOf(BucketWrite.Rejected.class);
    List<Violation> violations = ((BucketWrite.Rejected) outcome).violations();
    assertThat(violations)
        .singleElement()
        .isEqualTo(new Violation("key-1", "llm-api", "rpm", 60, 0, 2, Duration.ofMillis(1500)));
  }

  @Test
  void failedConditionWithTokensLeftRetriesWithTheReturnedState() {
    BucketState old = state("rpm", NOW + 5 * SECOND);
    BucketWrite.Outcome outcome =
        write(BucketState.EMPTY, new LimitOp(RPM, 1, LimitOp.Kind.ACQUIRE)).conditionFailed(old);
    assertThat(outcome).isInstanceOf(BucketWrite.Retry.class);
    BucketWrite next = ((BucketWrite.Retry) outcome).next();
    assertThat(next.guess()).isEqualTo(old);
    assertThat(next.request().updateExpression()).contains("#t0 = #t0 + :c0");
  }

  @Test
  void refundsToAFullBucketAreDropped() {
    BucketWrite.Outcome outcome =
        write(BucketState.EMPTY, new LimitOp(RPM, 1, LimitOp.Kind.REFUND))
            .conditionFailed(state("rpm", NOW - SECOND));
    assertThat(outcome).isEqualTo(new BucketWrite.Applied(BucketState.EMPTY, List.of()));

    BucketWrite.Outcome mixed =
        write(
                BucketState.EMPTY,
                new LimitOp(RPM, 1, LimitOp.Kind.REFUND),
                new LimitOp(TPM, 5, LimitOp.Kind.REFUND))
            .conditionFailed(state("tpm", NOW + SECOND));
    assertThat(((BucketWrite.Retry) mixed).next().ops())
        .extracting(LimitOp::name)
        .containsExactly("tpm");
  }

  @Test
  void aRefundBeforeAWholeTokenRefilledGivesBackEverythingNotYetRefilled() {
    // One rpm token (1 s of bucket time) taken at NOW, given back 1 ms later: 999 ms of it is
    // outstanding.
    long tatAfter = NOW + SECOND;
    LimitOp refund = LimitOp.refundOf(RPM, 1, tatAfter, NOW + SECOND / 1000);
    assertThat(refund).isNotNull();
    assertThat(refund.tokens()).isEqualTo(1);
    assertThat(refund.costNanos()).isEqualTo(SECOND - SECOND / 1000);
    // The write's condition keeps it within the bucket's use: back to exactly full, never beyond.
    BucketWrite write =
        BucketWrite.of(
            "limits", KEY, List.of(refund), BucketState.EMPTY, NOW + SECOND / 1000, BOUNDS);
    assertThat(write.request().expressionAttributeValues())
        .containsEntry(":c0", AttributeValue.fromN(Long.toString(SECOND - SECOND / 1000)))
        .containsEntry(":f0", AttributeValue.fromN(Long.toString(tatAfter)));
    // Five tokens taken, two and a half refilled: three come back (the last in part), 2.5 s of
    // time.
    LimitOp partial = LimitOp.refundOf(RPM, 5, NOW + 5 * SECOND, NOW + 5 * SECOND / 2);
    assertThat(partial.tokens()).isEqualTo(3);
    assertThat(partial.costNanos()).isEqualTo(5 * SECOND / 2);
    assertThat(LimitOp.refundOf(RPM, 5, NOW, NOW)).isNull();
  }

  @Test
  void successDecodesTheReturnedTimes() {
    BucketWrite.Applied applied =
        write(BucketState.EMPTY, new LimitOp(RPM, 1, LimitOp.Kind.ACQUIRE))
            .succeeded(
                Map.of(
                    "kind",
                    AttributeValue.fromS("bucket"),
                    "t:rpm",
                    AttributeValue.fromN(Long.toString(NOW + SECOND))));
    assertThat(applied.state()).isEqualTo(state("rpm", NOW + SECOND));
  }

  @Test
  void aCachedStateKeepsTheReservationEndsANewerStateDoesNotCarry() {
    // A plain write returns its times but no reservation end: the one known must stay, or the next
    // refund is guessed against none and needs a second attempt.
    BucketState reserved =
        new BucketState(Map.of("rpm", NOW + SECOND), Map.of("rpm", NOW + SECOND), "a", null, 0);
    BucketState plainWrite = new BucketState(Map.of("rpm", NOW + 2 * SECOND), "b", "a", 0);
    BucketState merged = reserved.with(plainWrite);
    assertThat(merged.tat("rpm")).isEqualTo(NOW + 2 * SECOND);
    assertThat(merged.reservedUntil("rpm")).isEqualTo(NOW + SECOND);
    assertThat(merged.lastWrite()).isEqualTo("b");
  }
}
