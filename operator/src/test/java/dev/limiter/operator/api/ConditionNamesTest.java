package dev.limiter.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The condition types and reasons are defined once: Argo CD's health check and the README's
 * conditions tables name exactly the constants of {@link ConditionTypes} and {@link
 * ConditionReasons}.
 */
class ConditionNamesTest {

  private static final Path HEALTH = Path.of("../config/argocd/health.lua");
  private static final Path README = Path.of("../README.md");

  @Test
  void theHealthCheckSortsExactlyTheReasonGroupsOfTheCode() throws IOException {
    String lua = Files.readString(HEALTH);

    assertThat(luaSet(lua, "TERMINAL"))
        .containsExactlyInAnyOrderElementsOf(ConditionReasons.NEEDS_A_PERSON);
    assertThat(luaSet(lua, "DEFERRED"))
        .containsExactlyInAnyOrderElementsOf(ConditionReasons.DEFERRED);
    assertThat(luaSet(lua, "ATTENTION"))
        .containsExactlyInAnyOrderElementsOf(ConditionReasons.TRAFFIC_DOES_NOT_FIT);
  }

  @Test
  void theHealthCheckReadsOnlyConditionTypesTheOperatorWrites() throws IOException {
    Matcher found =
        Pattern.compile("findCondition\\(status, \"([A-Za-z]+)\"\\)")
            .matcher(Files.readString(HEALTH));
    List<String> read = new ArrayList<>();
    while (found.find()) {
      read.add(found.group(1));
    }

    assertThat(read).isNotEmpty();
    assertThat(ConditionTypes.TABLE).containsAll(read);
  }

  @Test
  void theReadmeListsExactlyEachKindsConditionTypesAndTheReasonGroups() throws IOException {
    String readme = Files.readString(README);

    assertThat(row(readme, "| `RateLimiterTable` |"))
        .containsExactlyElementsOf(ConditionTypes.TABLE);
    assertThat(row(readme, "| `EntityHierarchy` |"))
        .containsExactlyElementsOf(ConditionTypes.HIERARCHY);
    assertThat(row(readme, "| needing a person |"))
        .containsExactlyElementsOf(ConditionReasons.NEEDS_A_PERSON);
    assertThat(row(readme, "| traffic that does not fit |"))
        .containsExactlyElementsOf(ConditionReasons.TRAFFIC_DOES_NOT_FIT);
    assertThat(row(readme, "| waiting for a quota |"))
        .containsExactlyElementsOf(ConditionReasons.DEFERRED);
  }

  /** The keys of {@code local NAME = { A = true, B = true }} (over several lines). */
  private static Set<String> luaSet(String lua, String name) {
    Matcher table = Pattern.compile("local " + name + " = \\{([^}]*)}").matcher(lua);
    assertThat(table.find()).as("health.lua defines %s", name).isTrue();
    Set<String> keys = new LinkedHashSet<>();
    Matcher key = Pattern.compile("([A-Za-z]+) = true").matcher(table.group(1));
    while (key.find()) {
      keys.add(key.group(1));
    }
    return keys;
  }

  /** The backquoted names in the README's table row starting with {@code start}. */
  private static List<String> row(String readme, String start) {
    String line =
        Arrays.stream(readme.split("\n"))
            .filter(l -> l.startsWith(start))
            .findFirst()
            .orElseThrow(() -> new AssertionError("README has no row " + start));
    List<String> names = new ArrayList<>();
    Matcher name = Pattern.compile("`([A-Za-z]+)`").matcher(line.substring(start.length()));
    while (name.find()) {
      names.add(name.group(1));
    }
    return names;
  }
}
