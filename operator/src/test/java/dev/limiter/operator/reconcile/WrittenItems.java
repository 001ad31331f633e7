package dev.limiter.operator.reconcile;

import dev.limiter.operator.plan.hierarchy.ItemKey;
import dev.limiter.runtime.LimiterTableSchema;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;

/**
 * The limiter items a client wrote with BatchWriteItem, without the bookkeeping that goes with
 * them (manifest entries and the hierarchy marker): what a hierarchy really changed.
 */
final class WrittenItems implements ExecutionInterceptor {

  private final List<ItemKey> puts = new CopyOnWriteArrayList<>();

  @Override
  public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
    if (context.request() instanceof BatchWriteItemRequest batch) {
      batch.requestItems().values().forEach(requests -> requests.stream()
          .filter(request -> request.putRequest() != null)
          .map(request -> ItemKey.of(request.putRequest().item()))
          .filter(key -> !key.partition().startsWith(LimiterTableSchema.manifestPartition("")))
          .filter(key -> !key.attributes().equals(LimiterTableSchema.hierarchyMarkerKey()))
          .forEach(puts::add));
    }
  }

  List<ItemKey> puts() {
    return List.copyOf(puts);
  }

  void reset() {
    puts.clear();
  }
}
