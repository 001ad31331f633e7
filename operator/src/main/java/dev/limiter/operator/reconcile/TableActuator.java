package dev.limiter.operator.reconcile;

import dev.limiter.operator.aws.DynamoDbTables;
import dev.limiter.operator.plan.AwsFailures;
import dev.limiter.operator.plan.TableAction;
import dev.limiter.runtime.LimiterTableSchema;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

/** Act: makes a plan's AWS calls in order and stops at the first failure, classified. */
public final class TableActuator {

  private final DynamoDbTables tables;

  /** An actuator over {@code tables}. */
  public TableActuator(DynamoDbTables tables) {
    this.tables = tables;
  }

  /**
   * What happened: the actions applied, and the failure that stopped the rest.
   *
   * @param applied actions that succeeded, in order
   * @param failure the first failure, classified; empty when all succeeded
   */
  public record Outcome(List<TableAction> applied, Optional<AwsFailures.Failure> failure) {

    /** Whether every action succeeded. */
    public boolean complete() {
      return failure.isEmpty();
    }
  }

  /**
   * Applies {@code actions} to table {@code tableName} ({@code tableArn} is needed for tags of an
   * existing table; a created table gets its tags in the CreateTable call).
   */
  public Outcome apply(String tableName, String tableArn, List<TableAction> actions, Instant now) {
    List<TableAction> applied = new ArrayList<>();
    for (TableAction action : actions) {
      try {
        run(tableName, tableArn, action);
        applied.add(action);
      } catch (SdkException e) {
        return new Outcome(applied, Optional.of(AwsFailures.classify(action.describe(), e, now)));
      }
    }
    return new Outcome(applied, Optional.empty());
  }

  private void run(String tableName, String tableArn, TableAction action) {
    if (action instanceof TableAction.Create create) {
      tables.createTable(create.request());
    } else if (action instanceof TableAction.Update update) {
      tables.updateTable(update.request());
    } else if (action instanceof TableAction.SetTimeToLive ttl) {
      tables.updateTimeToLive(tableName, LimiterTableSchema.TTL_ATTRIBUTE, ttl.enabled());
    } else if (action instanceof TableAction.SetPointInTimeRecovery pitr) {
      tables.updatePointInTimeRecovery(tableName, pitr.enabled());
    } else if (action instanceof TableAction.Tag tag) {
      tables.tagResource(tableArn, tag.tags());
    } else if (action instanceof TableAction.Delete) {
      try {
        tables.deleteTable(tableName);
      } catch (ResourceNotFoundException gone) {
        // What was asked: an earlier attempt whose answer was lost (retried by the SDK) or someone
        // else deleted it.
      }
    }
  }
}
