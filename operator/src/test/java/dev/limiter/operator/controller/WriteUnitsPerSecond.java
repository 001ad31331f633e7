package dev.limiter.operator.controller;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsResponse;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * The write capacity units a client consumed, as DynamoDB (Local) reports them ({@code
 * ReturnConsumedCapacity=TOTAL}), per second in which each call was sent. A write rejected by its
 * condition counts as the one unit AWS bills for it.
 */
final class WriteUnitsPerSecond implements ExecutionInterceptor {

  private static final ExecutionAttribute<Instant> SENT =
      new ExecutionAttribute<>("limiter.sentAt");
  private final Clock clock = Clock.systemUTC();
  private final NavigableMap<Long, Double> units = new TreeMap<>();

  @Override
  public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
    SdkRequest request = context.request();
    if (request instanceof PutItemRequest put) {
      return put.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build();
    }
    if (request instanceof UpdateItemRequest update) {
      return update.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build();
    }
    if (request instanceof DeleteItemRequest delete) {
      return delete.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build();
    }
    if (request instanceof BatchWriteItemRequest batch) {
      return batch.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build();
    }
    if (request instanceof TransactWriteItemsRequest transaction) {
      return transaction.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build();
    }
    return request;
  }

  @Override
  public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
    attributes.putAttribute(SENT, clock.instant());
  }

  @Override
  public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
    SdkResponse response = context.response();
    double consumed = 0;
    if (response instanceof PutItemResponse put) {
      consumed = units(put.consumedCapacity());
    } else if (response instanceof UpdateItemResponse update) {
      consumed = units(update.consumedCapacity());
    } else if (response instanceof DeleteItemResponse delete) {
      consumed = units(delete.consumedCapacity());
    } else if (response instanceof BatchWriteItemResponse batch) {
      consumed = batch.consumedCapacity().stream().mapToDouble(WriteUnitsPerSecond::units).sum();
    } else if (response instanceof TransactWriteItemsResponse transaction) {
      consumed =
          transaction.consumedCapacity().stream().mapToDouble(WriteUnitsPerSecond::units).sum();
    }
    add(attributes, consumed);
  }

  @Override
  public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
    if (context.exception() instanceof ConditionalCheckFailedException) {
      add(attributes, 1);
    }
  }

  private synchronized void add(ExecutionAttributes attributes, double consumed) {
    if (consumed > 0) {
      units.merge(attributes.getAttribute(SENT).getEpochSecond(), consumed, Double::sum);
    }
  }

  /** Units consumed per second (epoch second to units) from {@code from} on, up to {@code to}. */
  synchronized Map<Long, Double> between(Instant from, Instant to) {
    return new TreeMap<>(units.subMap(from.getEpochSecond(), true, to.getEpochSecond(), false));
  }

  private static double units(ConsumedCapacity capacity) {
    return capacity == null || capacity.capacityUnits() == null ? 0 : capacity.capacityUnits();
  }
}
