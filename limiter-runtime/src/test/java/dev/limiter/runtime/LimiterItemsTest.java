package dev.limiter.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.limiter.testkit.DynamoDbLocal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Items written in bulk by other tools (the operator) read back exactly through the runtime. */
class LimiterItemsTest {

  @Test
  void itemsWrittenDirectlyAreWhatTheRuntimeReads() {
    try (DynamoDbClient client = DynamoDbLocal.shared().client()) {
      String table = LimiterTables.create(client);
      RateLimiter limiter = RateLimiter.builder().client(client).tableName(table).build();
      Entity project = new Entity("project-1", null, false, 4);
      Entity key = new Entity("key-1", "project-1", true);
      List<Limit> limits = List.of(Limit.perMinute("rpm", 600).withBurst(900));
      client.putItem(b -> b.tableName(table).item(LimiterItems.hierarchyMarker()));
      client.putItem(
          b ->
              b.tableName(table)
                  .item(
                      LimiterItems.entity(
                          project, 2, Instant.parse("2026-11-24T10:00:00Z"), "team-a/llm")));
      client.putItem(b -> b.tableName(table).item(LimiterItems.entity(key, "team-a/llm")));
      client.putItem(
          b ->
              b.tableName(table)
                  .item(
                      LimiterItems.limits(
                          new LimitScope.Entity("project-1"), limits, "team-a/llm")));

      assertThat(limiter.entities().getEntity("project-1")).contains(project);
      assertThat(limiter.entities().children("project-1")).containsExactly(key);
      assertThat(limiter.limits().get(new LimitScope.Entity("project-1"))).contains(limits);
      assertThat(
              LimiterItems.owner(
                  client
                      .getItem(b -> b.tableName(table).key(LimiterTableSchema.entityKey("key-1")))
                      .item()))
          .contains("team-a/llm");
      assertThat(LimiterItems.owner(LimiterItems.entity(key, null))).isEmpty();
    }
  }

  @Test
  void anEntityRemembersTheMostShardsItsBucketsHadAndARemovedOneLeavesItsState() {
    Entity project = new Entity("project-1", null, false, 2);
    Instant changedAt = Instant.parse("2026-11-24T10:00:00Z");
    assertThat(
            LimiterItems.entity(project, 4, changedAt, 8, "o")
                .get(LimiterTableSchema.MAX_SHARDS_ATTRIBUTE)
                .n())
        .isEqualTo("8");
    assertThat(
            LimiterItems.entity(project, 4, changedAt, "o")
                .get(LimiterTableSchema.MAX_SHARDS_ATTRIBUTE)
                .n())
        .isEqualTo("4");
    assertThat(LimiterItems.entity(project, "o"))
        .doesNotContainKey(LimiterTableSchema.MAX_SHARDS_ATTRIBUTE);

    Instant removedAt = changedAt.plusSeconds(60);
    var record =
        LimiterItems.removedEntity(
            "project-1", 2, 4, changedAt, 8, removedAt, removedAt.plusSeconds(720), "o");
    assertThat(record.get(LimiterTableSchema.SORT_KEY).s()).isEqualTo("X#");
    assertThat(record.get(LimiterTableSchema.KIND).s())
        .isEqualTo(LimiterTableSchema.KIND_REMOVED_ENTITY);
    assertThat(record.get(LimiterTableSchema.MAX_SHARDS_ATTRIBUTE).n()).isEqualTo("8");
    assertThat(record.get(LimiterTableSchema.REMOVED_AT_ATTRIBUTE).n())
        .isEqualTo(Long.toString(removedAt.toEpochMilli()));
    assertThat(record.get(LimiterTableSchema.TTL_ATTRIBUTE).n())
        .isEqualTo(Long.toString(removedAt.plusSeconds(720).getEpochSecond()));
    assertThat(record).doesNotContainKey(LimiterTableSchema.INDEX_PARTITION_KEY);
  }

  @Test
  void aLocalReservationRoundTripsAtEveryScopeAloneOrWithLimits() {
    try (DynamoDbClient client = DynamoDbLocal.shared().client()) {
      String table = LimiterTables.create(client);
      RateLimiter limiter = RateLimiter.builder().client(client).tableName(table).build();
      List<Limit> limits = List.of(Limit.perMinute("rpm", 600));
      LocalReservation reservation = new LocalReservation(Duration.ofMillis(250), 0.2);
      List<LimitScope> scopes =
          List.of(
              new LimitScope.EntityResource("key-1", "llm-api"),
              new LimitScope.Entity("key-1"),
              new LimitScope.Resource("llm-api"));
      for (LimitScope scope : scopes) {
        var item = LimiterItems.limits(scope, List.of(), reservation, "team-a/llm");
        assertThat(item).doesNotContainKey(LimiterTableSchema.LIMITS_ATTRIBUTE);
        assertThat(item.get(LimiterTableSchema.LOCAL_RESERVATION_ATTRIBUTE).m())
            .containsEntry("w", AttributeValue.fromN("250"))
            .containsEntry("s", AttributeValue.fromN("200"));
        client.putItem(b -> b.tableName(table).item(item));
        assertThat(limiter.limits().get(scope)).as("%s", scope).isEmpty();
      }
      client.putItem(
          b ->
              b.tableName(table)
                  .item(
                      LimiterItems.systemDefaults(
                          limits, OnUnavailable.ALLOW, LocalReservation.OFF, null)));
      StoredLimits.Resolution resolution = limiter.limits().resolution("key-1", "llm-api");
      assertThat(resolution.limits()).contains(limits);
      assertThat(resolution.reservation()).contains(reservation);
      assertThat(limiter.limits().resolution("key-2", "other").reservation())
          .contains(LocalReservation.OFF);
      assertThat(limiter.limits().storedPolicy()).contains(OnUnavailable.ALLOW);

      assertThat(LimiterItems.systemDefaults(List.of(), null, LocalReservation.OFF, null))
          .doesNotContainKey(LimiterTableSchema.LIMITS_ATTRIBUTE)
          .containsKey(LimiterTableSchema.LOCAL_RESERVATION_ATTRIBUTE);
      assertThat(LimiterItems.limits(new LimitScope.Entity("key-1"), limits, "o"))
          .as("the existing signature declares none")
          .doesNotContainKey(LimiterTableSchema.LOCAL_RESERVATION_ATTRIBUTE);
      assertThatThrownBy(
              () -> LimiterItems.limits(new LimitScope.Entity("key-1"), List.of(), null, "o"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("at least one limit");
    }
  }

  @Test
  void aLocalReservationIsValidated() {
    assertThat(LocalReservation.of(Duration.ofMillis(100)).maxShare()).isEqualTo(0.1);
    assertThat(LocalReservation.OFF.enabled()).isFalse();
    assertThat(LocalReservation.of(Duration.ofMillis(10)).enabled()).isTrue();
    LocalReservation.of(Duration.ofSeconds(60));
    new LocalReservation(Duration.ofSeconds(1), 0.5);
    assertThatThrownBy(() -> LocalReservation.of(Duration.ofMillis(9)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("between 10 ms and 60 s");
    assertThatThrownBy(() -> LocalReservation.of(Duration.ofSeconds(61)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> LocalReservation.of(Duration.ofMillis(-5)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new LocalReservation(Duration.ofSeconds(1), 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxShare");
    assertThatThrownBy(() -> new LocalReservation(Duration.ofSeconds(1), 0.51))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new LocalReservation(Duration.ofSeconds(1), Double.NaN))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> LocalReservation.of(null)).isInstanceOf(NullPointerException.class);
  }
}
