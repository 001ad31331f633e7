package dev.limiter.testkit;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsResponse;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * Counts DynamoDB calls per operation and sums the capacity units they consumed.
 *
 * <p>The interceptor asks every item operation, BatchGetItem, BatchWriteItem and TransactWriteItems
 * for {@code ReturnConsumedCapacity=TOTAL} and adds up what the service reports. A write rejected
 * by its condition expression carries no consumed-capacity figure in the SDK's exception, yet AWS
 * bills it like the write it would have been; it is counted here as one write unit, which is exact
 * for items under 1 KB.
 */
public final class ConsumedCapacityRecorder implements ExecutionInterceptor {

  private final Map<String, LongAdder> calls = new ConcurrentHashMap<>();
  private final DoubleAdder readUnits = new DoubleAdder();
  private final DoubleAdder writeUnits = new DoubleAdder();
  private final LongAdder failedConditionalWrites = new LongAdder();

  @Override
  public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
    SdkRequest request = context.request();
    if (request instanceof UpdateItemRequest update) {
      return update.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build();
    }
    if (request instanceof PutItemRequest put) {
      return put.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build();
    }
    if (request instanceof GetItemRequest get) {
      return get.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build();
    }
    if (request instanceof DeleteItemRequest delete) {
      return delete.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build();
    }
    if (request instanceof BatchGetItemRequest batchGet) {
      return batchGet.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build();
    }
    if (request instanceof BatchWriteItemRequest batchWrite) {
      return batchWrite.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build();
    }
    if (request instanceof TransactWriteItemsRequest transaction) {
      return transaction.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build();
    }
    return request;
  }

  @Override
  public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
    count(attributes);
    SdkResponse response = context.response();
    if (response instanceof GetItemResponse get) {
      readUnits.add(units(get.consumedCapacity()));
    } else if (response instanceof UpdateItemResponse update) {
      writeUnits.add(units(update.consumedCapacity()));
    } else if (response instanceof PutItemResponse put) {
      writeUnits.add(units(put.consumedCapacity()));
    } else if (response instanceof DeleteItemResponse delete) {
      writeUnits.add(units(delete.consumedCapacity()));
    } else if (response instanceof BatchGetItemResponse batchGet) {
      batchGet.consumedCapacity().forEach(capacity -> readUnits.add(units(capacity)));
    } else if (response instanceof BatchWriteItemResponse batchWrite) {
      batchWrite.consumedCapacity().forEach(capacity -> writeUnits.add(units(capacity)));
    } else if (response instanceof TransactWriteItemsResponse transaction) {
      transaction.consumedCapacity().forEach(capacity -> writeUnits.add(units(capacity)));
    }
  }

  @Override
  public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
    count(attributes);
    if (context.exception() instanceof ConditionalCheckFailedException) {
      failedConditionalWrites.increment();
      writeUnits.add(1.0);
    }
  }

  /** Calls made of one operation, e.g. {@code UpdateItem}, successful or not. */
  public long calls(String operation) {
    LongAdder adder = calls.get(operation);
    return adder == null ? 0 : adder.sum();
  }

  /** All calls made, successful or not. */
  public long totalCalls() {
    return calls.values().stream().mapToLong(LongAdder::sum).sum();
  }

  /** Read capacity units consumed. */
  public double readUnits() {
    return readUnits.sum();
  }

  /** Write capacity units consumed, including writes rejected by their condition. */
  public double writeUnits() {
    return writeUnits.sum();
  }

  /** Writes rejected by their condition expression. */
  public long failedConditionalWrites() {
    return failedConditionalWrites.sum();
  }

  /** Forgets everything counted so far. */
  public void reset() {
    calls.clear();
    readUnits.reset();
    writeUnits.reset();
    failedConditionalWrites.reset();
  }

  private void count(ExecutionAttributes attributes) {
    String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
    calls.computeIfAbsent(operation, k -> new LongAdder()).increment();
  }

  /** DynamoDB Local reports only the total; the operation tells whether it was read or write. */
  private static double units(ConsumedCapacity capacity) {
    return capacity == null || capacity.capacityUnits() == null ? 0 : capacity.capacityUnits();
  }
}
