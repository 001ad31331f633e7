package dev.limiter.sandbox.kube;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinitionBuilder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class PrinterTableTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void rendersOneRowPerItemWithNameFirstAndDatesAsAges() throws Exception {
    PrinterTable table =
        new PrinterTable(
            List.of(
                new CustomResourceColumnDefinitionBuilder()
                    .withName("Ready")
                    .withType("string")
                    .withJsonPath(".status.conditions[?(@.type==\"Ready\")].status")
                    .build(),
                new CustomResourceColumnDefinitionBuilder()
                    .withName("Write")
                    .withType("integer")
                    .withJsonPath(".status.writeCapacityUnits")
                    .build(),
                new CustomResourceColumnDefinitionBuilder()
                    .withName("Age")
                    .withType("date")
                    .withJsonPath(".metadata.creationTimestamp")
                    .build()),
            Clock.fixed(Instant.parse("2026-11-24T12:05:00Z"), ZoneOffset.UTC));
    JsonNode list =
        JSON.readTree(
            """
            {"kind": "RateLimiterTableList", "metadata": {"resourceVersion": "7"}, "items": [
              {"metadata": {"name": "a", "creationTimestamp": "2026-11-24T12:00:00Z"},
               "status": {"writeCapacityUnits": 300, "conditions": [{"type": "Ready", "status": "True"}]}},
              {"metadata": {"name": "b", "creationTimestamp": "2026-11-24T12:04:30Z"}}]}\
            """);

    JsonNode rendered = JSON.readTree(table.render(list));

    assertThat(rendered.get("kind").asText()).isEqualTo("Table");
    assertThat(rendered.get("metadata").get("resourceVersion").asText()).isEqualTo("7");
    assertThat(rendered.get("columnDefinitions").findValuesAsText("name"))
        .containsExactly("Name", "Ready", "Write", "Age");
    assertThat(rendered.get("rows").get(0).get("cells").toString())
        .isEqualTo("[\"a\",\"True\",300,\"5m\"]");
    assertThat(rendered.get("rows").get(1).get("cells").toString())
        .isEqualTo("[\"b\",null,null,\"30s\"]");
    assertThat(rendered.get("rows").get(1).get("object").get("metadata").get("name").asText())
        .isEqualTo("b");
  }

  @Test
  void agesReadLikeKubectls() {
    assertThat(PrinterTable.humanDuration(Duration.ofSeconds(119))).isEqualTo("119s");
    assertThat(PrinterTable.humanDuration(Duration.ofSeconds(150))).isEqualTo("2m30s");
    assertThat(PrinterTable.humanDuration(Duration.ofMinutes(10))).isEqualTo("10m");
    assertThat(PrinterTable.humanDuration(Duration.ofMinutes(200))).isEqualTo("3h20m");
    assertThat(PrinterTable.humanDuration(Duration.ofHours(47))).isEqualTo("47h");
    assertThat(PrinterTable.humanDuration(Duration.ofHours(50))).isEqualTo("2d2h");
    assertThat(PrinterTable.humanDuration(Duration.ofDays(30))).isEqualTo("30d");
    assertThat(PrinterTable.humanDuration(Duration.ofSeconds(-5))).isEqualTo("0s");
  }
}
