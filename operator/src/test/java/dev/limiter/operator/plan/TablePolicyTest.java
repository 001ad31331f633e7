package dev.limiter.operator.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class TablePolicyTest {

  @Test
  void grantsMatchTheirNamespaceAndTablePattern() {
    TablePolicy policy =
        new TablePolicy(
            "", TablePolicy.parseGrants("team-a:legacy-*, ops:exact.name,*:shared-*-limits"));
    assertThat(policy.grants())
        .containsExactly(
            new TablePolicy.AdoptionGrant("team-a", "legacy-*"),
            new TablePolicy.AdoptionGrant("ops", "exact.name"),
            new TablePolicy.AdoptionGrant("*", "shared-*-limits"));
    assertThat(policy.allowsAdoption("team-a", "legacy-limits")).isTrue();
    assertThat(policy.allowsAdoption("team-a", "legacy-")).isTrue();
    assertThat(policy.allowsAdoption("team-b", "legacy-limits")).isFalse();
    assertThat(policy.allowsAdoption("ops", "exact.name")).isTrue();
    assertThat(policy.allowsAdoption("ops", "exactXname")).as("'.' is literal").isFalse();
    assertThat(policy.allowsAdoption("anyone", "shared-x-limits")).isTrue();
    assertThat(policy.allowsAdoption("anyone", "shared-x-limits-2")).isFalse();
  }

  @Test
  void noGrantsAdoptNothing() {
    assertThat(TablePolicy.NONE.allowsAdoption("team-a", "anything")).isFalse();
    assertThat(TablePolicy.parseGrants(" , ")).isEmpty();
  }

  @Test
  void malformedGrantsAndPrefixesAreRefused() {
    assertThatThrownBy(() -> TablePolicy.parseGrants("team-a"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'team-a' is not <namespace>:<table pattern>");
    assertThatThrownBy(() -> TablePolicy.parseGrants("Team_A:x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TablePolicy.parseGrants("team-a:"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TablePolicy.parseGrants("team-a:a/b"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new TablePolicy("prod/", List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("table-name prefix 'prod/'");
  }
}
