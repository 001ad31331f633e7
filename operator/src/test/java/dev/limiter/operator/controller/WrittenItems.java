package dev.limiter.operator.controller;

import dev.limiter.operator.plan.hierarchy.ItemKey;
import dev.limiter.runtime.LimiterTableSchema;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;

/**
 * The limiter items a client wrote with PutItem or BatchWriteItem, without the bookkeeping that
 * goes with them (manifest entries and the markers): what a hierarchy really changed.
 */
final class WrittenItems implements ExecutionInterceptor {

  private final List<ItemKey> puts = new CopyOnWriteArrayList<>();

  @Override
  public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
    if (context.request() instanceof BatchWriteItemRequest batch) {
      batch
          .requestItems()
          .values()
          .forEach(
              requests ->
                  requests.stream()
                      .filter(request -> request.putRequest() != null)
                      .map(request -> ItemKey.of(request.putRequest().item()))
                      .filter(WrittenItems::limiterItem)
                      .forEach(puts::add));
    } else if (context.request() instanceof PutItemRequest put
        && limiterItem(ItemKey.of(put.item()))) {
      puts.add(ItemKey.of(put.item()));
    }
  }

  private static boolean limiterItem(ItemKey key) {
    return !key.partition().startsWith(LimiterTableSchema.manifestPartition(""))
        && !key.attributes().equals(LimiterTableSchema.hierarchyMarkerKey());
  }

  List<ItemKey> puts() {
    return List.copyOf(puts);
  }

  void reset() {
    puts.clear();
  }
}
