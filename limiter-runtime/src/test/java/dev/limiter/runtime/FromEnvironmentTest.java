package dev.limiter.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.limiter.testkit.DynamoDbLocal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

class FromEnvironmentTest {

  @Test
  void missingOrInvalidVariablesAreNamed() {
    assertThatThrownBy(() -> RateLimiter.fromEnvironment(Map.of("AWS_REGION", "us-east-1")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("LIMITER_TABLE_NAME is not set");
    assertThatThrownBy(() -> RateLimiter.fromEnvironment(Map.of("LIMITER_TABLE_NAME", "limits")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("AWS_REGION is not set");
    assertThatThrownBy(
            () ->
                RateLimiter.fromEnvironment(
                    Map.of(
                        "LIMITER_TABLE_NAME",
                        "limits",
                        "AWS_REGION",
                        "us-east-1",
                        "LIMITER_ON_UNAVAILABLE",
                        "maybe")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ALLOW or BLOCK");
    assertThatThrownBy(
            () ->
                RateLimiter.fromEnvironment(
                    Map.of(
                        "LIMITER_TABLE_NAME",
                        "limits",
                        "AWS_REGION",
                        "us-east-1",
                        "LIMITER_ENDPOINT_URL",
                        "http://bad host")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("LIMITER_ENDPOINT_URL");
    for (String invalid : List.of("fast", "5ms", "2m", "1s5", "-1s", "PT1H")) {
      assertThatThrownBy(
              () ->
                  RateLimiter.fromEnvironment(
                      Map.of(
                          "LIMITER_TABLE_NAME",
                          "limits",
                          "AWS_REGION",
                          "us-east-1",
                          "LIMITER_LOCAL_RESERVATION",
                          invalid)))
          .as(invalid)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("LIMITER_LOCAL_RESERVATION");
    }
  }

  @Test
  void theLocalReservationWindowIsAGoOrIsoDuration() {
    assertThat(LimiterEnvironment.localReservation("100ms"))
        .isEqualTo(LocalReservation.of(Duration.ofMillis(100)));
    assertThat(LimiterEnvironment.localReservation("1m"))
        .isEqualTo(LocalReservation.of(Duration.ofMinutes(1)));
    assertThat(LimiterEnvironment.localReservation("0.5s10ms"))
        .isEqualTo(LocalReservation.of(Duration.ofMillis(510)));
    assertThat(LimiterEnvironment.localReservation("10000us"))
        .isEqualTo(LocalReservation.of(Duration.ofMillis(10)));
    assertThat(LimiterEnvironment.localReservation(" PT0.25S "))
        .isEqualTo(LocalReservation.of(Duration.ofMillis(250)));
    assertThat(LimiterEnvironment.localReservation("0")).isEqualTo(LocalReservation.OFF);
  }

  @Test
  void buildsAWorkingLimiterFromTheEnvironment() {
    DynamoDbLocal local = DynamoDbLocal.shared();
    String table;
    try (DynamoDbClient client = local.client()) {
      table = LimiterTables.create(client);
    }
    // The SDK's default credential chain reads these system properties; DynamoDB Local keeps one
    // database per access key and region, so both match the clients that created the table.
    System.setProperty("aws.accessKeyId", "local");
    System.setProperty("aws.secretAccessKey", "local");
    try (RateLimiter limiter =
        RateLimiter.fromEnvironment(
            Map.of(
                "LIMITER_TABLE_NAME",
                table,
                "AWS_REGION",
                DynamoDbLocal.REGION.id(),
                "LIMITER_ENDPOINT_URL",
                local.endpoint().toString(),
                "LIMITER_ON_UNAVAILABLE",
                "allow",
                "LIMITER_LOCAL_RESERVATION",
                "1s"))) {
      assertThat(limiter.tableName()).isEqualTo(table);
      assertThat(limiter.onUnavailable()).isEqualTo(OnUnavailable.ALLOW);
      List<Limit> limits = List.of(Limit.perSecond("rps", 1));
      assertThat(limiter.acquire("key-1", "api", Map.of("rps", 1L), limits).enforced()).isTrue();
      assertThatThrownBy(
              () -> limiter.acquireAsync("key-1", "api", Map.of("rps", 1L), limits).join())
          .hasCauseInstanceOf(RateLimitExceededException.class);
      // A deep bucket, so that the reservation lasts the 1 s window however slow the calls are.
      List<Limit> hot = List.of(Limit.of("rps", 100_000, 1_000, Duration.ofSeconds(1)));
      for (int i = 0; i < 3; i++) {
        limiter.acquire("key-2", "api", Map.of("rps", 1L), hot).close();
      }
      assertThat(limiter.reservationStats().localAdmissions())
          .as("the third acquire comes from the second's reservation")
          .isEqualTo(1);
    } finally {
      System.clearProperty("aws.accessKeyId");
      System.clearProperty("aws.secretAccessKey");
    }
  }
}
