package dev.limiter.sandbox.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class SimpleJsonPathTest {

  private static final JsonNode OBJECT =
      read(
          """
          {"status": {"tableName": "t", "readCapacityUnits": 30,
                      "conditions": [{"type": "Synced", "status": "True"}, {"type": "Ready", "status": "False"}]}}\
          """);

  @Test
  void followsFieldsAndFilters() {
    assertThat(SimpleJsonPath.compile(".status.tableName").first(OBJECT).asText()).isEqualTo("t");
    assertThat(SimpleJsonPath.compile(".status.readCapacityUnits").first(OBJECT).asLong())
        .isEqualTo(30);
    assertThat(
            SimpleJsonPath.compile(".status.conditions[?(@.type==\"Ready\")].status")
                .first(OBJECT)
                .asText())
        .isEqualTo("False");
  }

  @Test
  void selectsNothingWhereTheObjectHasNothing() {
    assertThat(SimpleJsonPath.compile(".status.writeCapacityUnits").first(OBJECT)).isNull();
    assertThat(
            SimpleJsonPath.compile(".status.conditions[?(@.type==\"Missing\")].status")
                .first(OBJECT))
        .isNull();
    assertThat(SimpleJsonPath.compile(".spec.tableName").first(OBJECT)).isNull();
  }

  @Test
  void refusesSyntaxOutsideTheSubset() {
    assertThatThrownBy(() -> SimpleJsonPath.compile(".status.conditions[0].status"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("offset 18");
    assertThatThrownBy(() -> SimpleJsonPath.compile("status"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static JsonNode read(String json) {
    try {
      return new ObjectMapper().readTree(json);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }
}
