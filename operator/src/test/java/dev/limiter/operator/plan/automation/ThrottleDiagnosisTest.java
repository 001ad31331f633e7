package dev.limiter.operator.plan.automation;

import static dev.limiter.operator.plan.automation.Tables.reading;
import static org.assertj.core.api.Assertions.assertThat;

import dev.limiter.operator.api.ThrottleReading;
import dev.limiter.operator.plan.ConditionStatus;
import dev.limiter.operator.plan.Throughput;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataQuery;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataResult;

class ThrottleDiagnosisTest {

  private static final Instant AT = Instant.parse("2026-11-24T12:00:00Z");
  private static final Throughput UNITS = new Throughput(100, 100);

  @Test
  void eachCaseOfTheRunbook() {
    assertThat(ThrottleDiagnosis.diagnose(reading(AT, 0, 0, 0, 0, 0, 50, 50), UNITS))
        .isEqualTo(ThrottleDiagnosis.Case.None);
    assertThat(ThrottleDiagnosis.diagnose(reading(AT, 0, 7, 0, 0, 7, 50, 50), UNITS))
        .isEqualTo(ThrottleDiagnosis.Case.IndexThrottling);
    assertThat(ThrottleDiagnosis.diagnose(reading(AT, 0, 30, 30, 0, 0, 20, 20), UNITS))
        .isEqualTo(ThrottleDiagnosis.Case.HotPartition);
    assertThat(ThrottleDiagnosis.diagnose(reading(AT, 0, 30, 2, 28, 0, 99, 100), UNITS))
        .isEqualTo(ThrottleDiagnosis.Case.CapacityExceeded);
  }

  @Test
  void withoutPerReasonMetricsUtilizationDecides() {
    assertThat(ThrottleDiagnosis.diagnose(reading(AT, 5, 0, 0, 0, 0, 30, 10), UNITS))
        .isEqualTo(ThrottleDiagnosis.Case.HotPartition);
    assertThat(ThrottleDiagnosis.diagnose(reading(AT, 5, 0, 0, 0, 0, 95, 10), UNITS))
        .isEqualTo(ThrottleDiagnosis.Case.CapacityExceeded);
    assertThat(ThrottleDiagnosis.diagnose(reading(AT, 5, 0, 0, 0, 0, 1, 1), null))
        .isEqualTo(ThrottleDiagnosis.Case.CapacityExceeded);
  }

  @Test
  void theConditionNamesTheCaseAndTheRunbooksAction() {
    ConditionStatus hot = ThrottleDiagnosis.condition(reading(AT, 0, 30, 30, 0, 0, 20, 20), UNITS);
    assertThat(hot.holds()).isTrue();
    assertThat(hot.reason()).isEqualTo("HotPartition");
    assertThat(hot.message())
        .contains("30 write throttle events")
        .contains("Contributor Insights")
        .contains("shard");
    ConditionStatus none = ThrottleDiagnosis.condition(Tables.quiet(AT, 1, 2), UNITS);
    assertThat(none.status()).isEqualTo("False");
    assertThat(none.reason()).isEqualTo("None");
  }

  @Test
  void queriesCoverTheTableTheReasonsAndEachIndexAndTheReadingAddsThemUp() {
    List<MetricDataQuery> queries = ThrottleQueries.queries("orders", List.of("gsi1"));
    assertThat(queries)
        .extracting(MetricDataQuery::id)
        .containsExactly(
            "rte", "wte", "rkr", "wkr", "rpt", "wpt", "rmo", "wmo", "crc", "cwc", "ir0", "iw0");
    assertThat(queries).allSatisfy(q -> assertThat(q.metricStat().period()).isEqualTo(60));

    ThrottleReading reading =
        ThrottleQueries.reading(
            List.of(
                result("wte", 10.0, 5.0),
                result("wkr", 12.0),
                result("wpt", 3.0),
                result("iw0", 2.0),
                result("cwc", 6000.0, 3001.0),
                result("wmo", 4.0)),
            AT,
            Duration.ofMinutes(5));
    assertThat(reading.writeThrottleEvents()).isEqualTo(15);
    assertThat(reading.readThrottleEvents()).isZero();
    assertThat(reading.keyRangeThrottleEvents()).isEqualTo(12);
    assertThat(reading.provisionedThroughputThrottleEvents()).isEqualTo(3);
    assertThat(reading.indexThrottleEvents()).isEqualTo(2);
    assertThat(reading.peakConsumedWritePerSecond()).isEqualTo(100);
    assertThat(reading.maxOnDemandThrottleEvents()).isEqualTo(4);
    assertThat(reading.window()).isEqualTo("5m");
    assertThat(reading.at()).isEqualTo(AT.toString());
  }

  @Test
  void anOnDemandTableHeldBackByItsOwnCapsIsDiagnosedAsSuchNotAsCapacityExceeded() {
    ThrottleReading capped = Tables.cappedOnDemand(AT, 250);
    assertThat(ThrottleDiagnosis.diagnose(capped, null))
        .isEqualTo(ThrottleDiagnosis.Case.OnDemandCapReached);
    ConditionStatus condition = ThrottleDiagnosis.condition(capped, null);
    assertThat(condition.reason()).isEqualTo("OnDemandCapReached");
    assertThat(condition.message())
        .contains("spec.billing.onDemand")
        .doesNotContain("switch to on-demand");
  }

  @Test
  void theNextWindowIsReadOnceCloudWatchHasPublishedIt() {
    ThrottleReading last = Tables.quiet(AT, 1, 1);
    assertThat(ThrottleQueries.windowEnd(AT))
        .isEqualTo(AT.minus(ThrottleQueries.PUBLICATION_DELAY));
    assertThat(ThrottleQueries.nextReading(last, Duration.ofMinutes(5), AT))
        .isEqualTo(AT.plus(Duration.ofMinutes(5)).plus(ThrottleQueries.PUBLICATION_DELAY));
    assertThat(ThrottleQueries.nextReading(null, Duration.ofMinutes(5), AT)).isEqualTo(AT);
  }

  private static MetricDataResult result(String id, Double... values) {
    return MetricDataResult.builder().id(id).values(values).build();
  }
}
