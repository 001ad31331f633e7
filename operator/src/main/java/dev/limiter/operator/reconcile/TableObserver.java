package dev.limiter.operator.reconcile;

import dev.limiter.operator.aws.DynamoDbTables;
import dev.limiter.operator.plan.ObservedTable;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

/** Observe: reads one table's live state into an immutable snapshot. */
public final class TableObserver {

  private final DynamoDbTables tables;

  /** An observer over {@code tables}. */
  public TableObserver(DynamoDbTables tables) {
    this.tables = tables;
  }

  /**
   * The table's snapshot; empty when it does not exist. Details are read only for an ACTIVE table.
   */
  public Optional<ObservedTable> observe(String tableName) {
    Optional<TableDescription> described = tables.describeTable(tableName);
    if (described.isEmpty()) {
      return Optional.empty();
    }
    TableDescription table = described.get();
    boolean active = "ACTIVE".equals(table.tableStatusAsString());
    return Optional.of(
        ObservedTable.of(
            table,
            active ? tables.describeTimeToLive(tableName) : null,
            active ? tables.describeContinuousBackups(tableName) : null,
            active ? tables.listTags(table.tableArn()) : Map.of()));
  }
}
