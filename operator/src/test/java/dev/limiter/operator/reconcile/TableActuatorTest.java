package dev.limiter.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limiter.operator.aws.SdkDynamoDbTables;
import dev.limiter.operator.plan.TableAction;
import dev.limiter.testkit.DynamoDbLocal;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The actuator against DynamoDB Local: what a retried call finds. */
class TableActuatorTest {

  private static final Instant NOW = Instant.parse("2026-12-01T09:00:00Z");

  @Test
  void aDeleteWhoseTableIsAlreadyGoneSucceeded() {
    // The SDK retries a DeleteTable whose answer was lost; the retry finds no table, which is what
    // was asked.
    TableActuator.Outcome outcome =
        new TableActuator(new SdkDynamoDbTables(DynamoDbLocal.shared().client()))
            .apply("actuator-gone", null, List.of(new TableAction.Delete()), NOW);
    assertThat(outcome.failure()).as("failure of a delete that found nothing to delete").isEmpty();
    assertThat(outcome.applied()).containsExactly(new TableAction.Delete());
  }
}
