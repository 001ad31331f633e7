package dev.limiter.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.limiter.testkit.ConsumedCapacityRecorder;
import dev.limiter.testkit.DynamoDbLocal;
import dev.limiter.testkit.ManualClock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** Entities, their children, their deletion, and cascading acquires, on DynamoDB Local. */
class HierarchyTest {

  private static final List<Limit> KEY_LIMITS =
      List.of(Limit.perMinute("rpm", 100), Limit.perMinute("tpm", 10_000));
  private static final List<Limit> PROJECT_LIMITS = List.of(Limit.perMinute("rpm", 3));

  private final ConsumedCapacityRecorder recorder = new ConsumedCapacityRecorder();
  private final ManualClock clock = ManualClock.at("2026-11-24T10:00:00Z");
  private DynamoDbClient client;
  private String table;
  private RateLimiter limiter;
  private Entities entities;

  @BeforeEach
  void setUp() {
    client = DynamoDbLocal.shared().client(recorder);
    table = LimiterTables.create(client);
    limiter = RateLimiter.builder().client(client).tableName(table).clock(clock).build();
    entities = limiter.entities();
    entities.createEntity("project-1", null, false);
    entities.createEntity("key-1", "project-1", true);
    entities.createEntity("key-2", "project-1", true);
    entities.createEntity("key-solo", "project-1", false);
    limiter.limits().set(new LimitScope.Entity("project-1"), PROJECT_LIMITS);
  }

  @AfterEach
  void tearDown() {
    client.close();
  }

  @Test
  void entitiesAreStoredListedAndRefusedWhenInvalid() {
    assertThat(entities.getEntity("key-1")).contains(new Entity("key-1", "project-1", true));
    assertThat(entities.getEntity("project-1")).contains(new Entity("project-1", null, false));
    assertThat(entities.getEntity("nobody")).isEmpty();
    assertThat(entities.children("project-1"))
        .extracting(Entity::id)
        .containsExactly("key-1", "key-2", "key-solo");
    assertThat(entities.children("key-1")).isEmpty();

    assertThatThrownBy(() -> entities.createEntity("key-1", "project-1", true))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("exists already");
    assertThatThrownBy(() -> entities.createEntity("key-9", "no-such-project", true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("parent entity no-such-project");
    assertThatThrownBy(() -> entities.createEntity("root", null, true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no parent");
    assertThatThrownBy(() -> entities.createEntity("self", "self", false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("own parent");
    assertThat(entities.getEntity("key-9")).as("a refused create writes nothing").isEmpty();
  }

  @Test
  void deletingAnEntityRemovesItsLimitsAndBucketsButNotWhileItHasChildren() {
    limiter.limits().set(new LimitScope.EntityResource("key-2", "llm-api"), KEY_LIMITS);
    limiter.acquire("key-2", "llm-api", Map.of("rpm", 1L)).close();
    assertThatThrownBy(() -> entities.deleteEntity("project-1"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("3 children");

    entities.deleteEntity("key-2");
    assertThat(entities.getEntity("key-2")).isEmpty();
    assertThat(limiter.limits().get(new LimitScope.EntityResource("key-2", "llm-api"))).isEmpty();
    assertThat(
            client
                .query(
                    q ->
                        q.tableName(table)
                            .keyConditionExpression("pk = :pk")
                            .expressionAttributeValues(
                                Map.of(
                                    ":pk",
                                    software.amazon.awssdk.services.dynamodb.model.AttributeValue
                                        .fromS("E#key-2"))))
                .items())
        .as("entity, limits and bucket items")
        .isEmpty();
    assertThat(entities.children("project-1"))
        .extracting(Entity::id)
        .containsExactly("key-1", "key-solo");
  }

  @Test
  void aCascadingChildConsumesItsParentAndTheParentsLimitRejectsNamingTheParent() {
    limiter.acquire("key-1", "llm-api", Map.of("rpm", 1L), KEY_LIMITS).close();
    limiter.acquire("key-2", "llm-api", Map.of("rpm", 1L), KEY_LIMITS).close();
    assertThat(limiter.available("project-1", "llm-api", PROJECT_LIMITS)).containsEntry("rpm", 1L);

    limiter.acquire("key-1", "llm-api", Map.of("rpm", 1L), KEY_LIMITS).close();
    assertThatThrownBy(() -> limiter.acquire("key-2", "llm-api", Map.of("rpm", 1L), KEY_LIMITS))
        .isInstanceOfSatisfying(
            RateLimitExceededException.class,
            e ->
                assertThat(e.violations())
                    .singleElement()
                    .satisfies(
                        v -> {
                          assertThat(v.entityId()).isEqualTo("project-1");
                          assertThat(v.limitName()).isEqualTo("rpm");
                        }));
    assertThat(limiter.available("key-2", "llm-api", KEY_LIMITS))
        .as("the child's tokens were given back when its parent refused")
        .containsEntry("rpm", 99L);
    assertThat(limiter.available("project-1", "llm-api", PROJECT_LIMITS)).containsEntry("rpm", 0L);
  }

  @Test
  void aChildsRejectionGivesTheParentsTokensBack() {
    List<Limit> tight = List.of(Limit.perMinute("rpm", 1));
    limiter.acquire("key-1", "llm-api", Map.of("rpm", 1L), tight).close();
    assertThatThrownBy(() -> limiter.acquire("key-1", "llm-api", Map.of("rpm", 1L), tight))
        .isInstanceOfSatisfying(
            RateLimitExceededException.class,
            e ->
                assertThat(e.violations())
                    .extracting(Violation::entityId)
                    .containsExactly("key-1"));
    assertThat(limiter.available("project-1", "llm-api", PROJECT_LIMITS)).containsEntry("rpm", 2L);
  }

  @Test
  void aChildThatDoesNotCascadeLeavesItsParentAlone() {
    limiter.acquire("key-solo", "llm-api", Map.of("rpm", 1L), KEY_LIMITS).close();
    assertThat(limiter.available("project-1", "llm-api", PROJECT_LIMITS)).containsEntry("rpm", 3L);
  }

  @Test
  void theParentIsChargedOnlyForTheLimitsItHas() {
    Lease lease = limiter.acquire("key-1", "llm-api", Map.of("rpm", 1L, "tpm", 500L), KEY_LIMITS);
    lease.adjust(Map.of("tpm", 1_000L));
    lease.close();
    assertThat(limiter.available("key-1", "llm-api", KEY_LIMITS)).containsEntry("tpm", 8_500L);
    assertThat(limiter.available("project-1", "llm-api", PROJECT_LIMITS)).containsEntry("rpm", 2L);
  }

  @Test
  void rollingBackACascadingLeaseRefundsBoth() {
    String result =
        limiter.withLease("key-1", "llm-api", Map.of("rpm", 1L), KEY_LIMITS, lease -> "done");
    assertThat(result).isEqualTo("done");
    assertThatThrownBy(
            () ->
                limiter.withLease(
                    "key-1",
                    "llm-api",
                    Map.of("rpm", 1L),
                    KEY_LIMITS,
                    lease -> {
                      throw new IllegalStateException("model call failed");
                    }))
        .hasMessage("model call failed");
    assertThat(limiter.available("key-1", "llm-api", KEY_LIMITS)).containsEntry("rpm", 99L);
    assertThat(limiter.available("project-1", "llm-api", PROJECT_LIMITS)).containsEntry("rpm", 2L);
  }

  @Test
  void theAsynchronousPathCascadesToo() {
    limiter.acquireAsync("key-1", "llm-api", Map.of("rpm", 1L), KEY_LIMITS).join().close();
    limiter.acquireAsync("key-2", "llm-api", Map.of("rpm", 2L), KEY_LIMITS).join().close();
    assertThatThrownBy(
            () -> limiter.acquireAsync("key-1", "llm-api", Map.of("rpm", 1L), KEY_LIMITS).join())
        .hasCauseInstanceOf(RateLimitExceededException.class);
    assertThat(limiter.available("key-1", "llm-api", KEY_LIMITS)).containsEntry("rpm", 99L);
  }

  @Test
  void aCascadingAcquireCostsTwoWritesAndNoReadInSteadyState() {
    limiter.acquire("key-1", "llm-api", Map.of("tpm", 1L), KEY_LIMITS).close();
    limiter
        .limits()
        .set(new LimitScope.Entity("project-1"), List.of(Limit.perMinute("rpm", 1_000)));
    limiter.acquire("key-1", "llm-api", Map.of("rpm", 1L), KEY_LIMITS).close();
    recorder.reset();
    for (int i = 0; i < 20; i++) {
      limiter.acquire("key-1", "llm-api", Map.of("rpm", 1L), KEY_LIMITS).close();
    }
    assertThat(recorder.calls("UpdateItem")).isEqualTo(40);
    assertThat(recorder.totalCalls()).isEqualTo(40);
    assertThat(recorder.writeUnits()).isEqualTo(40);
    assertThat(recorder.readUnits()).isZero();
  }

  @Test
  void theTransactionalModeIsAllOrNothingAtFourWriteUnits() {
    RateLimiter strict =
        RateLimiter.builder()
            .client(client)
            .tableName(table)
            .clock(clock)
            .cascadeMode(CascadeMode.TRANSACTION)
            .build();
    strict.acquire("key-1", "llm-api", Map.of("rpm", 1L), KEY_LIMITS).close();
    recorder.reset();
    strict.acquire("key-2", "llm-api", Map.of("rpm", 1L), KEY_LIMITS).close();
    assertThat(recorder.calls("TransactWriteItems")).isEqualTo(1);
    assertThat(recorder.writeUnits()).isEqualTo(4);

    strict.acquire("key-1", "llm-api", Map.of("rpm", 1L), KEY_LIMITS).close();
    assertThatThrownBy(() -> strict.acquire("key-2", "llm-api", Map.of("rpm", 1L), KEY_LIMITS))
        .isInstanceOfSatisfying(
            RateLimitExceededException.class,
            e ->
                assertThat(e.violations())
                    .extracting(Violation::entityId)
                    .containsExactly("project-1"));
    assertThat(strict.available("key-2", "llm-api", KEY_LIMITS))
        .as("nothing written")
        .containsEntry("rpm", 99L);
    assertThat(strict.available("project-1", "llm-api", PROJECT_LIMITS)).containsEntry("rpm", 0L);

    Lease lease = limiter.acquire("key-solo", "llm-api", Map.of("rpm", 1L), KEY_LIMITS);
    assertThat(lease.enforced()).isTrue();
  }
}
