package dev.limiter.operator.plan.automation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limiter.operator.api.ChildEntity;
import dev.limiter.operator.api.EntityHierarchySpec;
import dev.limiter.operator.api.LimitSpec;
import dev.limiter.operator.api.LocalReservationSpec;
import dev.limiter.operator.api.ResourceDefaults;
import dev.limiter.operator.api.RootEntity;
import dev.limiter.operator.api.ShardsFor;
import dev.limiter.operator.api.SystemDefaults;
import dev.limiter.operator.api.TableRef;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EntityDemandsTest {

  @Test
  void declaredTrafficComesFromShardsForOrTheSlowestOwnLimitPerResource() {
    ChildEntity child =
        new ChildEntity(
            "key-1", true, List.of(new LimitSpec("rpm", 600L, "1m", null)), null, null, null, null);
    RootEntity sharded =
        new RootEntity("project-123", List.of(), null, null, new ShardsFor(2400L), List.of(child));
    RootEntity limited =
        new RootEntity(
            "project-7",
            List.of(
                new LimitSpec("rps", 100L, "1s", null), new LimitSpec("rpm", 3000L, "1m", null)),
            List.of(
                new ResourceDefaults("llm", List.of(new LimitSpec("tpm", 60_000L, "1m", null)))),
            4,
            null,
            List.of());
    RootEntity quiet = new RootEntity("project-0", List.of(), null, null, null, List.of());

    List<EntityDemand> demands =
        EntityDemands.of(
            "tenants",
            new EntityHierarchySpec(
                new TableRef("limits"), null, null, List.of(sharded, limited, quiet)));

    assertThat(demands)
        .containsExactly(
            new EntityDemand("tenants", "project-123", 2400, 3),
            new EntityDemand("tenants", "key-1", 10, 1),
            new EntityDemand("tenants", "project-7", 50 + 1000, 4));
  }

  private static final List<LimitSpec> HOT_LIMITS =
      List.of(
          new LimitSpec("rps", 20_000L, "1s", null), new LimitSpec("rpm", 1_200_000L, "1m", null));

  private static RootEntity hot(String id, LocalReservationSpec reservation) {
    return new RootEntity(
        id, HOT_LIMITS, null, null, new ShardsFor(20_000L), List.of(), reservation);
  }

  @Test
  void anEntitysKeysUseItsOwnReservationElseTheSystemsAndAreEstimatedWithItsLimits() {
    EntityHierarchySpec spec =
        new EntityHierarchySpec(
            new TableRef("limits"),
            new SystemDefaults(null, null, new LocalReservationSpec("250ms", 5, null)),
            null,
            List.of(
                hot("own", new LocalReservationSpec("1s", null, 8)),
                hot("system", null),
                hot("off", new LocalReservationSpec("0s", null, 8))));

    List<EntityDemand> demands = EntityDemands.of("tenants", spec);

    assertThat(demands.get(0).reservation())
        .contains(
            ReservationEstimate.of(
                Duration.ofSeconds(1),
                0.1,
                Optional.of(8),
                20_000,
                ReservationEstimateTest.HOT_LIMITS));
    assertThat(demands.get(0).bucketWritesPerSecond()).isEqualTo(11);
    assertThat(demands.get(1).reservation())
        .contains(
            ReservationEstimate.of(
                Duration.ofMillis(250),
                0.05,
                Optional.empty(),
                20_000,
                ReservationEstimateTest.HOT_LIMITS));
    assertThat(demands.get(2).reservation()).as("0s turns it off for the entity").isEmpty();
    assertThat(demands.get(2).bucketWritesPerSecond()).isEqualTo(20_000);
  }

  @Test
  void aWindowTheHierarchyRefusesEstimatesNothing() {
    EntityHierarchySpec spec =
        new EntityHierarchySpec(
            new TableRef("limits"),
            null,
            null,
            List.of(
                hot("long", new LocalReservationSpec("90s", null, 8)),
                hot("garbled", new LocalReservationSpec("soon", null, 8))));

    assertThat(EntityDemands.of("tenants", spec))
        .extracting(EntityDemand::reservation)
        .containsOnly(Optional.empty());
  }
}
