package dev.limiter.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limiter.operator.api.EntityHierarchy;
import dev.limiter.operator.api.EntityHierarchySpec;
import dev.limiter.operator.api.LimitSpec;
import dev.limiter.operator.api.ResourceDefaults;
import dev.limiter.operator.api.RootEntity;
import dev.limiter.operator.api.TableRef;
import dev.limiter.operator.aws.HierarchyItems;
import dev.limiter.operator.aws.SdkHierarchyItems;
import dev.limiter.operator.aws.Sleeper;
import dev.limiter.operator.plan.hierarchy.ItemKey;
import dev.limiter.runtime.BillingSettings;
import dev.limiter.runtime.LimiterTableSchema;
import dev.limiter.testkit.DynamoDbLocal;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * One hierarchy pass after another against DynamoDB Local, with time in the test's hands: claims
 * that race, removals of sharded entities, tables emptied under a converged hierarchy, and entities
 * that come back (or move) with another shard count.
 */
class HierarchyReconciliationTest {

  private static final Instant T0 = Instant.parse("2026-12-01T08:00:00Z");
  private static final Duration AFTER_TRANSITION = Duration.ofMinutes(7);
  private static DynamoDbClient dynamo;
  private static DynamoDbClient inspect;

  @BeforeAll
  static void start() {
    dynamo = DynamoDbLocal.shared().client();
    inspect = DynamoDbLocal.shared().inspectionClient();
  }

  @AfterAll
  static void stop() {
    dynamo.close();
    inspect.close();
  }

  private static String createTable(String name) {
    inspect.createTable(LimiterTableSchema.createTableRequest(name, BillingSettings.onDemand()));
    return name;
  }

  private static EntityHierarchySpec spec(String table, List<RootEntity> roots) {
    return new EntityHierarchySpec(new TableRef(table), null, null, roots);
  }

  private static RootEntity root(String id, Integer shards) {
    return new RootEntity(
        id,
        null,
        List.of(new ResourceDefaults("llm-api", List.of(new LimitSpec("rpm", 6000L, "1m", null)))),
        shards,
        null,
        null);
  }

  private static EntityHierarchy hierarchy(String name, EntityHierarchySpec spec) {
    EntityHierarchy hierarchy = new EntityHierarchy();
    hierarchy.setMetadata(
        new ObjectMetaBuilder().withNamespace("ns").withName(name).withGeneration(1L).build());
    hierarchy.setSpec(spec);
    return hierarchy;
  }

  /**
   * Runs passes of {@code hierarchy} at {@code now} until one leaves nothing pending; the last
   * result.
   */
  private static HierarchyReconciliation.Result converge(
      HierarchyReconciliation reconciliation,
      EntityHierarchy hierarchy,
      String table,
      Instant now) {
    HierarchyReconciliation.Result result = null;
    for (int pass = 0; pass < 10; pass++) {
      result =
          reconciliation.reconcile(
              hierarchy,
              Optional.of(new HierarchyReconciliation.Table(table, "us-east-1")),
              null,
              now);
      hierarchy.setStatus(result.status());
      if (result.status().itemsPending() == null || result.status().itemsPending() == 0) {
        return result;
      }
    }
    return result;
  }

  private static HierarchyReconciliation reconciliation(HierarchyItems items) {
    return new HierarchyReconciliation(
        region -> items, HierarchyPacing.DEFAULT, Clock.systemUTC(), Sleeper.THREAD);
  }

  private static Map<String, AttributeValue> item(String table, Map<String, AttributeValue> key) {
    return inspect.getItem(b -> b.tableName(table).key(key).consistentRead(true)).item();
  }

  private static int countIn(String table, String partition) {
    return inspect
        .queryPaginator(
            q ->
                q.tableName(table)
                    .keyConditionExpression("pk = :pk")
                    .select("COUNT")
                    .consistentRead(true)
                    .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(partition))))
        .stream()
        .mapToInt(QueryResponse::count)
        .sum();
  }

  private static void bucket(String table, String entity, int shard) {
    Map<String, AttributeValue> bucket =
        new java.util.HashMap<>(LimiterTableSchema.bucketKey(entity, "llm-api", shard));
    bucket.put(LimiterTableSchema.KIND, AttributeValue.fromS(LimiterTableSchema.KIND_BUCKET));
    bucket.put(LimiterTableSchema.tatAttribute("rpm"), AttributeValue.fromN("1"));
    inspect.putItem(b -> b.tableName(table).item(bucket));
  }

  /**
   * {@code items}, except that the first time it is asked who holds items it first lets {@code
   * interleaved} run, and then answers as it would have before: the other hierarchy's pass lands
   * between this one's read and its write.
   */
  private static HierarchyItems racing(HierarchyItems items, Runnable interleaved) {
    AtomicBoolean raced = new AtomicBoolean();
    return (HierarchyItems)
        Proxy.newProxyInstance(
            HierarchyItems.class.getClassLoader(),
            new Class<?>[] {HierarchyItems.class},
            (proxy, method, args) -> {
              try {
                Object answer = method.invoke(items, args);
                if (method.getName().equals("holders") && raced.compareAndSet(false, true)) {
                  interleaved.run();
                }
                return answer;
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }

  @Test
  void twoHierarchiesRacingForAnEntityLeaveItWithTheFirstAndTheSecondReportsTheConflict() {
    String table = createTable("race-limits");
    SdkHierarchyItems items = new SdkHierarchyItems(dynamo);
    EntityHierarchy first = hierarchy("first", spec(table, List.of(root("project-1", null))));
    EntityHierarchy second = hierarchy("second", spec(table, List.of(root("project-1", 4))));
    HierarchyReconciliation secondPass =
        reconciliation(racing(items, () -> converge(reconciliation(items), first, table, T0)));

    HierarchyReconciliation.Result result = converge(secondPass, second, table, T0);

    Map<String, AttributeValue> entity = item(table, LimiterTableSchema.entityKey("project-1"));
    assertThat(entity.get(LimiterTableSchema.OWNER_ATTRIBUTE).s())
        .as("the first claim stands")
        .isEqualTo("ns/first");
    assertThat(entity.get(LimiterTableSchema.SHARDS_ATTRIBUTE).n()).isEqualTo("1");
    assertThat(
            item(table, LimiterTableSchema.entityResourceLimitsKey("project-1", "llm-api"))
                .get(LimiterTableSchema.OWNER_ATTRIBUTE)
                .s())
        .isEqualTo("ns/first");
    assertThat(items.manifest(table, "ns/second")).as("the loser records nothing of it").isEmpty();
    assertThat(result.status().conditions())
        .anySatisfy(
            c -> {
              assertThat(c.getType()).isEqualTo("Conflict");
              assertThat(c.getStatus()).isEqualTo("True");
              assertThat(c.getMessage()).contains("E#project-1/M# (owned by ns/first)");
            });
    assertThat(result.events()).anySatisfy(e -> assertThat(e.reason()).isEqualTo("Conflict"));

    converge(
        reconciliation(items),
        hierarchy("second", spec(table, List.of())),
        table,
        T0.plusSeconds(1));
    assertThat(item(table, LimiterTableSchema.entityKey("project-1")))
        .as("the loser's removal leaves the winner's entity")
        .isNotEmpty();
  }

  @Test
  void moreConflictsThanAPassWritesDoNotHoldBackTheFreeEntities() {
    String table = createTable("crowded-limits");
    SdkHierarchyItems items = new SdkHierarchyItems(dynamo);
    List<RootEntity> taken = new java.util.ArrayList<>();
    for (int i = 0; i < 6; i++) {
      taken.add(new RootEntity("taken-" + i, null, null, null, null, null));
    }
    converge(reconciliation(items), hierarchy("first", spec(table, taken)), table, T0);
    List<RootEntity> wanted = new java.util.ArrayList<>(taken);
    for (int i = 0; i < 4; i++) {
      wanted.add(new RootEntity("free-" + i, null, null, null, null, null));
    }
    // 2 write units a second: 5 items a pass at most, fewer than the conflicts in front of the free
    // entities.
    HierarchyReconciliation slow =
        new HierarchyReconciliation(
            region -> items, new HierarchyPacing(10, 2), Clock.systemUTC(), Sleeper.THREAD);
    EntityHierarchy second = hierarchy("second", spec(table, wanted));
    for (int pass = 0; pass < 4; pass++) {
      second.setStatus(
          slow.reconcile(
                  second,
                  Optional.of(new HierarchyReconciliation.Table(table, "us-east-1")),
                  null,
                  T0)
              .status());
    }

    for (int i = 0; i < 4; i++) {
      assertThat(item(table, LimiterTableSchema.entityKey("free-" + i)))
          .as("free-%d", i)
          .isNotEmpty();
    }
    assertThat(second.getStatus().itemsPending()).isZero();
    assertThat(second.getStatus().conditions())
        .anySatisfy(
            c -> {
              assertThat(c.getType()).isEqualTo("Conflict");
              assertThat(c.getMessage()).startsWith("6 items are held elsewhere");
            });
  }

  @Test
  void removingAnEntityDeletesTheBucketsOfEveryShardCountItHadAndThenTheEntity() {
    String table = createTable("shrink-limits");
    SdkHierarchyItems items = new SdkHierarchyItems(dynamo);
    HierarchyReconciliation reconciliation = reconciliation(items);
    EntityHierarchy eh =
        hierarchy("shrink", spec(table, List.of(root("project-1", 8), root("other", null))));
    converge(reconciliation, eh, table, T0);
    for (int shard = 0; shard < 8; shard++) {
      bucket(table, "project-1", shard);
    }
    eh.setSpec(spec(table, List.of(root("project-1", 4), root("other", null))));
    converge(reconciliation, eh, table, T0.plus(AFTER_TRANSITION));
    eh.setSpec(spec(table, List.of(root("project-1", 2), root("other", null))));
    converge(reconciliation, eh, table, T0.plus(AFTER_TRANSITION.multipliedBy(2)));
    assertThat(
            item(table, LimiterTableSchema.entityKey("project-1"))
                .get(LimiterTableSchema.SHARDS_ATTRIBUTE)
                .n())
        .isEqualTo("2");

    eh.setSpec(spec(table, List.of(root("other", null))));
    converge(reconciliation, eh, table, T0.plus(AFTER_TRANSITION.multipliedBy(3)));

    for (int shard = 0; shard < 8; shard++) {
      assertThat(item(table, LimiterTableSchema.bucketKey("project-1", "llm-api", shard)))
          .as("bucket shard %d", shard)
          .isEmpty();
    }
    assertThat(item(table, LimiterTableSchema.entityKey("project-1"))).isEmpty();
    assertThat(items.manifest(table, "ns/shrink").keySet())
        .noneMatch(key -> key.partition().equals("E#project-1"));
  }

  /**
   * {@code items}, except that releasing the item at {@code key} fails once, as a dropped
   * connection would.
   */
  private static HierarchyItems failingOnceToRelease(HierarchyItems items, ItemKey key) {
    AtomicBoolean failed = new AtomicBoolean();
    return (HierarchyItems)
        Proxy.newProxyInstance(
            HierarchyItems.class.getClassLoader(),
            new Class<?>[] {HierarchyItems.class},
            (proxy, method, args) -> {
              if (method.getName().equals("release")
                  && key.equals(args[2])
                  && failed.compareAndSet(false, true)) {
                throw SdkClientException.create("connection reset");
              }
              try {
                return method.invoke(items, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }

  @Test
  void anInterruptedRemovalLeavesTheEntityAndIsFinishedByTheNextPass() {
    String table = createTable("resume-limits");
    SdkHierarchyItems items = new SdkHierarchyItems(dynamo);
    ItemKey entityKey = ItemKey.of(LimiterTableSchema.entityKey("project-1"));
    HierarchyReconciliation reconciliation = reconciliation(failingOnceToRelease(items, entityKey));
    EntityHierarchy eh =
        hierarchy("resume", spec(table, List.of(root("project-1", 4), root("other", null))));
    converge(reconciliation, eh, table, T0);
    for (int shard = 0; shard < 4; shard++) {
      bucket(table, "project-1", shard);
    }
    eh.setSpec(spec(table, List.of(root("other", null))));

    HierarchyReconciliation.Result interrupted =
        reconciliation.reconcile(
            eh,
            Optional.of(new HierarchyReconciliation.Table(table, "us-east-1")),
            null,
            T0.plusSeconds(60));
    assertThat(interrupted.status().conditions())
        .anySatisfy(
            c -> {
              assertThat(c.getType()).isEqualTo("Synced");
              assertThat(c.getStatus()).isEqualTo("False");
            });
    for (int shard = 0; shard < 4; shard++) {
      assertThat(item(table, LimiterTableSchema.bucketKey("project-1", "llm-api", shard)))
          .as("bucket %d, first", shard)
          .isEmpty();
    }
    assertThat(item(table, LimiterTableSchema.entityKey("project-1")))
        .as("the entity goes last")
        .isNotEmpty();
    assertThat(items.manifest(table, "ns/resume")).containsKey(entityKey);

    eh.setStatus(interrupted.status());
    converge(reconciliation, eh, table, T0.plusSeconds(70));
    assertThat(item(table, LimiterTableSchema.entityKey("project-1"))).isEmpty();
    assertThat(
            item(table, LimiterTableSchema.removedEntityKey("project-1"))
                .get(LimiterTableSchema.SHARDS_ATTRIBUTE)
                .n())
        .isEqualTo("4");
    assertThat(items.manifest(table, "ns/resume")).doesNotContainKey(entityKey);
  }

  @Test
  void aTableEmptiedUnderAConvergedHierarchyIsReappliedWithAnEvent() {
    String table = createTable("emptied-limits");
    SdkHierarchyItems items = new SdkHierarchyItems(dynamo);
    HierarchyReconciliation reconciliation = reconciliation(items);
    EntityHierarchy eh = hierarchy("emptied", spec(table, List.of(root("project-1", null))));
    converge(reconciliation, eh, table, T0);
    assertThat(eh.getStatus().appliedDigest()).isNotNull();

    inspect.deleteTable(b -> b.tableName(table));
    createTable(table);
    HierarchyReconciliation.Result result =
        converge(reconciliation, eh, table, T0.plusSeconds(300));

    assertThat(item(table, LimiterTableSchema.entityKey("project-1")))
        .as("re-applied to the recreated table")
        .isNotEmpty();
    assertThat(result.events())
        .anySatisfy(
            e -> {
              assertThat(e.reason()).isEqualTo("Reapplying");
              assertThat(e.message()).contains("is not the one the hierarchy was applied to");
            });
    assertThat(eh.getStatus().appliedDigest()).isNotNull();

    inspect
        .scanPaginator(b -> b.tableName(table))
        .items()
        .forEach(
            item ->
                inspect.deleteItem(
                    b ->
                        b.tableName(table)
                            .key(
                                Map.of(
                                    LimiterTableSchema.PARTITION_KEY,
                                    item.get(LimiterTableSchema.PARTITION_KEY),
                                    LimiterTableSchema.SORT_KEY,
                                    item.get(LimiterTableSchema.SORT_KEY)))));
    HierarchyReconciliation.Result emptied =
        converge(reconciliation, eh, table, T0.plusSeconds(600));

    assertThat(item(table, LimiterTableSchema.entityKey("project-1")))
        .as("re-applied to the emptied table")
        .isNotEmpty();
    assertThat(item(table, LimiterTableSchema.entityResourceLimitsKey("project-1", "llm-api")))
        .isNotEmpty();
    assertThat(emptied.events())
        .anySatisfy(
            e -> {
              assertThat(e.reason()).isEqualTo("Reapplying");
              assertThat(e.message()).contains("marker is missing");
            });
    assertThat(
            reconciliation
                .reconcile(
                    eh,
                    Optional.of(new HierarchyReconciliation.Table(table, "us-east-1")),
                    null,
                    T0.plusSeconds(900))
                .events())
        .as("converged again: nothing to do")
        .isEmpty();
  }

  @Test
  void anEntityRemovedAndAddedBackWithAnotherShardCountGoesThroughTheTransition() {
    String table = createTable("readd-limits");
    SdkHierarchyItems items = new SdkHierarchyItems(dynamo);
    HierarchyReconciliation reconciliation = reconciliation(items);
    EntityHierarchy eh =
        hierarchy("readd", spec(table, List.of(root("project-1", 8), root("other", null))));
    converge(reconciliation, eh, table, T0);
    eh.setSpec(spec(table, List.of(root("other", null))));
    converge(reconciliation, eh, table, T0.plusSeconds(60));
    Instant readded = T0.plusSeconds(120);
    eh.setSpec(spec(table, List.of(root("project-1", 2), root("other", null))));
    converge(reconciliation, eh, table, readded);

    Map<String, AttributeValue> entity = item(table, LimiterTableSchema.entityKey("project-1"));
    assertThat(entity.get(LimiterTableSchema.SHARDS_ATTRIBUTE).n()).isEqualTo("2");
    assertThat(entity.get(LimiterTableSchema.PREVIOUS_SHARDS_ATTRIBUTE))
        .as("previousShards")
        .isNotNull();
    assertThat(entity.get(LimiterTableSchema.PREVIOUS_SHARDS_ATTRIBUTE).n()).isEqualTo("8");
    assertThat(entity.get(LimiterTableSchema.SHARDS_CHANGED_AT_ATTRIBUTE).n())
        .isEqualTo(Long.toString(readded.toEpochMilli()));
  }

  @Test
  void anEntityMovedToAnotherHierarchyWithAnotherShardCountGoesThroughTheTransition() {
    String table = createTable("move-limits");
    SdkHierarchyItems items = new SdkHierarchyItems(dynamo);
    HierarchyReconciliation reconciliation = reconciliation(items);
    EntityHierarchy from = hierarchy("from", spec(table, List.of(root("project-1", 8))));
    converge(reconciliation, from, table, T0);
    from.setSpec(spec(table, List.of()));
    converge(reconciliation, from, table, T0.plusSeconds(60));
    Instant moved = T0.plusSeconds(90);
    converge(
        reconciliation, hierarchy("to", spec(table, List.of(root("project-1", 2)))), table, moved);

    Map<String, AttributeValue> entity = item(table, LimiterTableSchema.entityKey("project-1"));
    assertThat(entity.get(LimiterTableSchema.OWNER_ATTRIBUTE).s()).isEqualTo("ns/to");
    assertThat(entity.get(LimiterTableSchema.PREVIOUS_SHARDS_ATTRIBUTE))
        .as("previousShards")
        .isNotNull();
    assertThat(entity.get(LimiterTableSchema.PREVIOUS_SHARDS_ATTRIBUTE).n()).isEqualTo("8");
  }
}
