package dev.limiter.operator.plan;

import dev.limiter.runtime.LimiterTableSchema;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateTableRequest;

/** One AWS call the reconciler makes. At most one UpdateTable is planned per pass. */
public sealed interface TableAction {

  /** What the call does, for conditions, events and error messages. */
  String describe();

  /** CreateTable. */
  record Create(CreateTableRequest request) implements TableAction {
    @Override
    public String describe() {
      return "create the table";
    }
  }

  /** UpdateTable (slow: the table goes UPDATING); {@code purpose} is said in events. */
  record Update(UpdateTableRequest request, String purpose) implements TableAction {
    @Override
    public String describe() {
      return purpose;
    }
  }

  /** UpdateTimeToLive. */
  record SetTimeToLive(boolean enabled) implements TableAction {
    @Override
    public String describe() {
      return (enabled ? "enable" : "disable")
          + " time to live on "
          + LimiterTableSchema.TTL_ATTRIBUTE;
    }
  }

  /** UpdateContinuousBackups. */
  record SetPointInTimeRecovery(boolean enabled) implements TableAction {
    @Override
    public String describe() {
      return (enabled ? "enable" : "disable") + " point-in-time recovery";
    }
  }

  /** DeleteTable. */
  record Delete() implements TableAction {
    @Override
    public String describe() {
      return "delete the table";
    }
  }

  /** TagResource. */
  record Tag(Map<String, String> tags) implements TableAction {
    @Override
    public String describe() {
      return "tag " + tags.keySet();
    }
  }
}
