package dev.limiter.operator.plan;

import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateTableRequest;

/** One AWS call the reconciler makes. At most one UpdateTable is planned per pass. */
public sealed interface TableAction {

  /** CreateTable. */
  record Create(CreateTableRequest request) implements TableAction {}

  /** UpdateTable (slow: the table goes UPDATING); {@code purpose} is said in events. */
  record Update(UpdateTableRequest request, String purpose) implements TableAction {}

  /** UpdateTimeToLive. */
  record SetTimeToLive(boolean enabled) implements TableAction {}

  /** UpdateContinuousBackups. */
  record SetPointInTimeRecovery(boolean enabled) implements TableAction {}

  /** TagResource. */
  record Tag(Map<String, String> tags) implements TableAction {}
}
