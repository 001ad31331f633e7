package dev.limiter.sandbox;

import dev.limiter.operator.api.DeclaredEntity;
import dev.limiter.operator.api.EntityHierarchy;
import dev.limiter.operator.api.ResourceDefaults;
import dev.limiter.runtime.LimiterTableSchema;
import dev.limiter.runtime.RateLimitExceededException;
import dev.limiter.runtime.RateLimiter;
import dev.limiter.runtime.Violation;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Acquires against what an EntityHierarchy declared, with no limits in the code: a cascading child
 * of a sharded parent takes from its stored limits until they refuse, and the parent's share of
 * every acquire lands on its shard buckets.
 */
final class HierarchyTour {

  private final PrintStream out;
  private final DynamoDbClient inspection;

  HierarchyTour(PrintStream out, DynamoDbClient inspection) {
    this.out = out;
    this.inspection = inspection;
  }

  /**
   * Runs the tour on {@code hierarchy} through {@code limiter}, a workload's limiter on its table.
   */
  void run(EntityHierarchy hierarchy, RateLimiter limiter) {
    DeclaredEntity parent =
        hierarchy.getSpec().entities().stream()
            .filter(e -> !e.childEntities().isEmpty())
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "the hierarchy sample declares no entity with children"));
    DeclaredEntity child =
        parent.childEntities().stream()
            .filter(DeclaredEntity::cascades)
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalStateException("the hierarchy sample declares no cascading child"));
    ResourceDefaults resource = hierarchy.getSpec().resources().get(0);
    String limit = resource.limits().get(0).name();
    out.printf(
        "%nHierarchy: %s cascades to %s (%s shards); acquires on %s pass no limits, the table's"
            + " stored ones apply%n",
        child.id(), parent.id(), parent.shards(), resource.name());
    int admitted = 0;
    List<Violation> refusal = List.of();
    for (int i = 0; i < 10_000 && refusal.isEmpty(); i++) {
      try {
        limiter.acquire(child.id(), resource.name(), Map.of(limit, 1L)).close();
        admitted++;
      } catch (RateLimitExceededException e) {
        refusal = e.violations();
      }
    }
    out.printf(
        "  %s: %d acquires admitted, then refused by %s%n",
        child.id(),
        admitted,
        refusal.stream()
            .map(
                v ->
                    v.limitName()
                        + " of "
                        + v.entityId()
                        + "/"
                        + v.resource()
                        + ", retry after "
                        + v.retryAfter())
            .toList());
    long shardBuckets =
        inspection.scan(b -> b.tableName(limiter.tableName())).items().stream()
            .filter(
                item ->
                    item.get(LimiterTableSchema.PARTITION_KEY)
                        .s()
                        .startsWith(LimiterTableSchema.entityPartition(parent.id())))
            .filter(
                item -> item.get(LimiterTableSchema.SORT_KEY).s().equals("B#" + resource.name()))
            .map(item -> item.get(LimiterTableSchema.PARTITION_KEY))
            .map(AttributeValue::s)
            .distinct()
            .count();
    out.printf(
        "  %s: its share of those acquires went to %d shard bucket items (cascade over a sharded"
            + " parent; this one instance keeps to the shard it reserves on)%n",
        parent.id(), shardBuckets);
    out.printf(
        "  local reservation (the sample's %s on %s): %d acquires admitted without a write%n",
        parent.localReservation() == null ? "none" : parent.localReservation().window(),
        parent.id(),
        limiter.reservationStats().localAdmissions());
  }
}
