package dev.limiter.operator.plan.automation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limiter.operator.api.PartitionStatus;
import dev.limiter.operator.plan.ConditionStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PartitionInsightTest {

  private static final long GB = 1024L * 1024 * 1024;

  @Test
  void theRunbooksExample200GbAnd2000WcuLeaves100WcuPerPartition() {
    PartitionStatus estimate =
        PartitionInsight.estimate(null, Tables.provisioned(100, 2000, 200 * GB), Optional.empty());
    assertThat(estimate.estimated()).isEqualTo(20);
    assertThat(estimate.writeCapacityPerPartition()).isEqualTo(100);
    assertThat(estimate.readCapacityPerPartition()).isEqualTo(5);
  }

  @Test
  void partitionsNeverMergeSoTheHighestThroughputEverSeenCounts() {
    PartitionStatus peak =
        PartitionInsight.estimate(null, Tables.provisioned(3000, 4000), Optional.empty());
    assertThat(peak.estimated()).isEqualTo(5);
    PartitionStatus lowered =
        PartitionInsight.estimate(peak, Tables.provisioned(300, 500), Optional.empty());
    assertThat(lowered.estimated()).isEqualTo(5);
    assertThat(lowered.highestWriteCapacityUnits()).isEqualTo(4000);
    assertThat(lowered.writeCapacityPerPartition()).isEqualTo(100);
  }

  @Test
  void onDemandPartitionsServeAtMostTheirOwnLimitAndConsumedPeaksCount() {
    PartitionStatus estimate =
        PartitionInsight.estimate(
            null,
            Tables.onDemand(null),
            Optional.of(Tables.quiet(Instant.parse("2026-11-24T12:00:00Z"), 0, 2500)));
    assertThat(estimate.estimated()).isEqualTo(3);
    assertThat(estimate.writeCapacityPerPartition()).isEqualTo(1000);
  }

  @Test
  void anEntityNeedingMoreThanOnePartitionKeyCanServeIsNamedWithTheFix() {
    PartitionStatus estimate =
        PartitionInsight.estimate(null, Tables.provisioned(100, 2000, 200 * GB), Optional.empty());
    ConditionStatus risk =
        PartitionInsight.risk(
            estimate,
            List.of(
                new EntityDemand("tenants", "project-123", 1000, 4),
                new EntityDemand("tenants", "project-7", 50, 1)));
    assertThat(risk.holds()).isTrue();
    assertThat(risk.reason()).isEqualTo("EntityNeedsShards");
    assertThat(risk.message())
        .contains("entity project-123 of EntityHierarchy tenants")
        .contains("1000 writes per second over 4")
        .contains("250 per partition key")
        .contains("set shards: 10");

    ConditionStatus fine =
        PartitionInsight.risk(
            estimate, List.of(new EntityDemand("tenants", "project-123", 1000, 10)));
    assertThat(fine.status()).isEqualTo("False");
    assertThat(fine.reason()).isEqualTo("None");
  }

  @Test
  void underAutoscalingAKeyIsJudgedByTheMaximumNotTodaysUnits() {
    PartitionStatus estimate =
        PartitionInsight.estimate(null, Tables.provisioned(5, 5), Optional.empty());
    List<EntityDemand> demands = List.of(new EntityDemand("tenants", "project-123", 400, 1));
    assertThat(PartitionInsight.risk(estimate, demands).holds()).isTrue();
    assertThat(PartitionInsight.risk(estimate, demands, Optional.of(500L)).holds()).isFalse();
    assertThat(PartitionInsight.risk(estimate, demands, Optional.of(300L)).message())
        .contains("300 write units per partition key")
        .contains("set shards: 2");
  }

  @Test
  void beyondTheShardLimitTheFixSaysSo() {
    PartitionStatus tiny = new PartitionStatus(100L, 0L, 0L, 100L, 1L, 1L);
    ConditionStatus risk =
        PartitionInsight.risk(tiny, List.of(new EntityDemand("h", "e", 10_000, 1)));
    assertThat(risk.message()).contains("more than 256");
  }

  private static EntityDemand reserving(long acquires, int shards, Duration window) {
    return new EntityDemand(
        "tenants",
        "hot",
        acquires,
        shards,
        Optional.of(
            ReservationEstimate.of(
                window, 0.1, Optional.of(8), acquires, ReservationEstimateTest.HOT_LIMITS)));
  }

  @Test
  void anEntityWithALocalReservationIsJudgedByItsEstimatedWritesAndTheMessageSaysSo() {
    PartitionStatus estimate =
        PartitionInsight.estimate(null, Tables.provisioned(100, 2000, 200 * GB), Optional.empty());

    ConditionStatus risk =
        PartitionInsight.risk(estimate, List.of(reserving(20_000, 1, Duration.ofMillis(10))));

    // max(8 instances / 10 ms, 10 + 1/6 renewals): 800 writes/s against 100 a key.
    assertThat(risk.holds()).isTrue();
    assertThat(risk.message())
        .isEqualTo(
            "entity hot of EntityHierarchy tenants declares 20000 acquires/s with local"
                + " reservation 10ms (8 instances): about 800 writes/s over 1 shard(s), 800 per"
                + " partition key, but 20 estimated partitions, 100 write units per partition"
                + " key; set shards: 8 on it");
  }

  @Test
  void anEntityItsReservationSparesShardsIsNamedWhenNothingIsAtRisk() {
    PartitionStatus estimate =
        PartitionInsight.estimate(null, Tables.provisioned(100, 2000, 200 * GB), Optional.empty());

    ConditionStatus fine =
        PartitionInsight.risk(estimate, List.of(reserving(20_000, 8, Duration.ofSeconds(1))));

    assertThat(fine.status()).isEqualTo("False");
    assertThat(fine.reason()).isEqualTo("None");
    assertThat(fine.message())
        .isEqualTo(
            "every entity's declared writes fit its shards (20 estimated partitions, 100 write"
                + " units per partition key); entity hot of EntityHierarchy tenants needs 1"
                + " shard(s) instead of 200 thanks to its local reservation 1s (8 instances),"
                + " which brings 20000 acquires/s down to about 11 writes/s (it has 8)");
    assertThat(
            PartitionInsight.risk(
                    estimate, List.of(new EntityDemand("tenants", "hot", 20_000, 200)))
                .message())
        .as("without a reservation nothing is added")
        .isEqualTo(
            "every entity's declared writes fit its shards (20 estimated partitions, 100 write"
                + " units per partition key)");
  }
}
