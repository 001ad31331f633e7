package dev.limiter.operator.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.fabric8.kubernetes.api.model.Condition;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConditionsTest {

  private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
  private static final Instant T1 = Instant.parse("2026-11-22T11:00:00Z");

  @Test
  void firstVisitSetsEveryConditionWithTheCurrentTime() {
    List<Condition> conditions =
        Conditions.merge(
            List.of(),
            List.of(
                ConditionStatus.isFalse("TableReady", "Creating", "creating"),
                ConditionStatus.unknown("Ready", "Creating", "creating")),
            1,
            T0);
    assertThat(conditions)
        .extracting(
            Condition::getType,
            Condition::getStatus,
            Condition::getLastTransitionTime,
            Condition::getObservedGeneration)
        .containsExactly(
            tuple("TableReady", "False", T0.toString(), 1L),
            tuple("Ready", "Unknown", T0.toString(), 1L));
  }

  @Test
  void transitionTimeMovesOnlyWhenTheStatusFlips() {
    List<Condition> first =
        Conditions.merge(
            List.of(),
            List.of(
                ConditionStatus.isFalse("Ready", "Creating", "creating"),
                ConditionStatus.isTrue("Synced", "Ok", "ok")),
            1,
            T0);
    List<Condition> second =
        Conditions.merge(
            first,
            List.of(
                ConditionStatus.isFalse("Ready", "Updating", "updating"),
                ConditionStatus.isTrue("Synced", "Ok", "ok"),
                ConditionStatus.isTrue("TableReady", "Active", "active")),
            2,
            T1);
    assertThat(second)
        .extracting(
            Condition::getType,
            Condition::getReason,
            Condition::getLastTransitionTime,
            Condition::getObservedGeneration)
        .containsExactly(
            tuple("Ready", "Updating", T0.toString(), 2L),
            tuple("Synced", "Ok", T0.toString(), 2L),
            tuple("TableReady", "Active", T1.toString(), 2L));
    List<Condition> third =
        Conditions.merge(
            second,
            List.of(ConditionStatus.isTrue("Ready", "Ready", "ready")),
            2,
            T1.plusSeconds(5));
    assertThat(third.get(0).getLastTransitionTime()).isEqualTo(T1.plusSeconds(5).toString());
    // Conditions the plan does not mention are kept as they were.
    assertThat(third.get(1)).isEqualTo(second.get(1));
  }
}
