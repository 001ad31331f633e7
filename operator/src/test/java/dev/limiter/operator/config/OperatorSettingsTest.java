package dev.limiter.operator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.limiter.operator.aws.HierarchyItems;
import dev.limiter.operator.plan.TablePolicy;
import dev.limiter.operator.reconcile.HierarchyPacing;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OperatorSettingsTest {

  @Test
  void defaultsWithAnEmptyEnvironment() {
    assertThat(OperatorSettings.fromEnvironment(Map.of()))
        .isEqualTo(new OperatorSettings(null, null, OperatorSettings.DEFAULT_RESYNC, Set.of()));
  }

  @Test
  void readsEveryVariable() {
    OperatorSettings settings =
        OperatorSettings.fromEnvironment(
            Map.of(
                "AWS_REGION",
                "eu-west-1",
                "LIMITER_DEFAULT_REGION",
                "us-east-2",
                "LIMITER_ENDPOINT_URL",
                "http://localhost:8000",
                "LIMITER_RESYNC",
                "90s",
                "LIMITER_WATCH_NAMESPACES",
                "team-a, team-b,,"));
    assertThat(settings)
        .isEqualTo(
            new OperatorSettings(
                "us-east-2",
                URI.create("http://localhost:8000"),
                Duration.ofSeconds(90),
                Set.of("team-a", "team-b")));
    assertThat(OperatorSettings.fromEnvironment(Map.of("AWS_REGION", "eu-west-1")).defaultRegion())
        .isEqualTo("eu-west-1");
  }

  @Test
  void badResyncIsRefused() {
    assertThatThrownBy(
            () -> OperatorSettings.fromEnvironment(Map.of("LIMITER_RESYNC", "5 minutes")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("duration");
  }

  @Test
  void flagsOverrideTheEnvironment() {
    OperatorSettings settings =
        OperatorSettings.fromArguments(
            new String[] {"--default-region=us-west-2", "--resync=1m", "--watch-namespaces=ops"},
            Map.of(
                "LIMITER_DEFAULT_REGION",
                "us-east-2",
                "LIMITER_ENDPOINT_URL",
                "http://localhost:8000",
                "LIMITER_RESYNC",
                "90s"));
    assertThat(settings)
        .isEqualTo(
            new OperatorSettings(
                "us-west-2",
                URI.create("http://localhost:8000"),
                Duration.ofMinutes(1),
                Set.of("ops")));
  }

  @Test
  void theTablePrefixAndAdoptionGrantsComeFromFlagsOrTheEnvironment() {
    OperatorSettings settings =
        OperatorSettings.fromArguments(
            new String[] {"--table-name-prefix=prod-", "--adopt=ops:prod-legacy-*"},
            Map.of("LIMITER_ADOPT", "team-a:x"));
    assertThat(settings.tablePolicy())
        .isEqualTo(
            new TablePolicy(
                "prod-", List.of(new TablePolicy.AdoptionGrant("ops", "prod-legacy-*"))));
    assertThat(
            OperatorSettings.fromEnvironment(
                    Map.of("LIMITER_TABLE_NAME_PREFIX", "dev-", "LIMITER_ADOPT", "a:b,c:d*"))
                .tablePolicy()
                .grants())
        .hasSize(2);
    assertThat(OperatorSettings.fromEnvironment(Map.of()).tablePolicy())
        .isEqualTo(TablePolicy.NONE);
    assertThatThrownBy(
            () -> OperatorSettings.fromArguments(new String[] {"--adopt=everything"}, Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("adoption grant 'everything'");
  }

  @Test
  void hierarchyPacingDefaultsToATenthOfProvisionedCapacityAndIsSetByTheOperatorOnly() {
    assertThat(OperatorSettings.fromEnvironment(Map.of()).hierarchyPacing())
        .isEqualTo(new HierarchyPacing(10, 100));
    assertThat(
            OperatorSettings.fromArguments(
                    new String[] {"--hierarchy-write-percent=25"},
                    Map.of(
                        "LIMITER_HIERARCHY_WRITE_PERCENT",
                        "5",
                        "LIMITER_HIERARCHY_ON_DEMAND_WRITES",
                        "400"))
                .hierarchyPacing())
        .isEqualTo(new HierarchyPacing(25, 400));
    assertThatThrownBy(
            () ->
                OperatorSettings.fromEnvironment(Map.of("LIMITER_HIERARCHY_WRITE_PERCENT", "ten")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("LIMITER_HIERARCHY_WRITE_PERCENT must be a whole number");
    assertThatThrownBy(
            () ->
                OperatorSettings.fromEnvironment(Map.of("LIMITER_HIERARCHY_WRITE_PERCENT", "150")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1 to 100 percent");
    assertThatThrownBy(
            () ->
                OperatorSettings.fromEnvironment(Map.of("LIMITER_HIERARCHY_ON_DEMAND_WRITES", "0")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 1 unit a second");
  }

  @Test
  void hierarchyPacingIsAShareOfProvisionedWritesOrAFixedRateOnDemand() {
    HierarchyPacing pacing = HierarchyPacing.DEFAULT;
    assertThat(pacing.unitsPerSecond(new HierarchyItems.TableFacts("arn", Instant.EPOCH, 100L)))
        .isEqualTo(10.0);
    assertThat(pacing.unitsPerSecond(new HierarchyItems.TableFacts("arn", Instant.EPOCH, 5L)))
        .as("at least one")
        .isEqualTo(1.0);
    assertThat(pacing.unitsPerSecond(new HierarchyItems.TableFacts("arn", Instant.EPOCH, null)))
        .isEqualTo(100.0);
  }

  @Test
  void unknownOrValuelessFlagsAreRefused() {
    assertThatThrownBy(
            () -> OperatorSettings.fromArguments(new String[] {"--region=us-east-1"}, Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown flag '--region=us-east-1'")
        .hasMessageContaining("--default-region=…");
    assertThatThrownBy(() -> OperatorSettings.fromArguments(new String[] {"--resync"}, Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown flag '--resync'");
  }
}
