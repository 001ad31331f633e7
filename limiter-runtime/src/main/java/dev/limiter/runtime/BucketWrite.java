package dev.limiter.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * One attempt at a conditional, write-only bucket update (GCRA): which request to send and what
 * a failed condition means. Pure: no I/O, no clock.
 *
 * <p>Every limit takes one of two branches, guessed from the last known state:
 * <ul>
 *   <li>idle (bucket full, {@code tat <= now}): {@code SET t = :now + cost}, valid only while
 *       {@code tat} is absent or {@code <= :now};</li>
 *   <li>busy ({@code tat > now}): {@code SET t = t + cost}, valid only while {@code tat > :now}
 *       and, for an acquire, {@code tat <= :now + tolerance − cost}.</li>
 * </ul>
 * All limits of the bucket go into one UpdateItem. If its condition fails, DynamoDB returns the
 * old item; from it either some limit truly lacks tokens (a rejection, no further call) or a
 * branch was mis-guessed and the next attempt uses the returned state.
 */
record BucketWrite(String tableName, BucketKey key, List<LimitOp> ops, BucketState guess, long nowNanos) {

  BucketWrite {
    ops = List.copyOf(ops);
  }

  /** The result of an attempt. */
  sealed interface Outcome permits Applied, Rejected, Retry {}

  /** Every op took effect; {@code state} holds the bucket's new times for the ops' limits. */
  record Applied(BucketState state) implements Outcome {}

  /** At least one acquire lacks tokens; nothing was written. */
  record Rejected(List<Violation> violations) implements Outcome {}

  /** A branch was mis-guessed; send {@code next}. */
  record Retry(BucketWrite next) implements Outcome {}

  boolean isEmpty() {
    return ops.isEmpty();
  }

  UpdateItemRequest request() {
    Map<String, String> names = new HashMap<>();
    Map<String, AttributeValue> values = new HashMap<>();
    names.put("#pk", LimiterTableSchema.PARTITION_KEY);
    names.put("#kind", LimiterTableSchema.KIND);
    values.put(":kind", AttributeValue.fromS(LimiterTableSchema.KIND_BUCKET));
    values.put(":now", number(nowNanos));
    StringBuilder update = new StringBuilder("SET #kind = :kind");
    StringBuilder condition = new StringBuilder("(attribute_not_exists(#pk) OR #kind = :kind)");
    for (int i = 0; i < ops.size(); i++) {
      LimitOp op = ops.get(i);
      String t = "#t" + i;
      names.put(t, LimiterTableSchema.tatAttribute(op.name()));
      long cost = op.costNanos();
      boolean busy = op.kind() == LimitOp.Kind.REFUND || guess.tat(op.name()) > nowNanos;
      if (!busy) {
        values.put(":v" + i, number(Math.addExact(nowNanos, cost)));
        update.append(", ").append(t).append(" = :v").append(i);
        condition.append(" AND (attribute_not_exists(").append(t).append(") OR ").append(t).append(" <= :now)");
        continue;
      }
      values.put(":c" + i, number(cost));
      String sign = op.kind() == LimitOp.Kind.REFUND ? " - " : " + ";
      update.append(", ").append(t).append(" = ").append(t).append(sign).append(":c").append(i);
      condition.append(" AND ").append(t).append(" > :now");
      if (op.kind() == LimitOp.Kind.ACQUIRE) {
        values.put(":m" + i, number(nowNanos + op.limit().toleranceNanos() - cost));
        condition.append(" AND ").append(t).append(" <= :m").append(i);
      }
    }
    return UpdateItemRequest.builder()
        .tableName(tableName)
        .key(key.attributes())
        .updateExpression(update.toString())
        .conditionExpression(condition.toString())
        .expressionAttributeNames(names)
        .expressionAttributeValues(values)
        .returnValues(ReturnValue.UPDATED_NEW)
        .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
        .build();
  }

  /**
   * The attempt succeeded inside a transaction, which returns no attributes: the new times as the
   * guessed branches computed them ({@code max(tat, now) + cost}), good enough to guess the next
   * branches.
   */
  Applied appliedWithoutAttributes() {
    Map<String, Long> tats = new HashMap<>();
    for (LimitOp op : ops) {
      long base = Math.max(guess.tat(op.name()), nowNanos);
      tats.put(op.name(), op.kind() == LimitOp.Kind.REFUND ? base - op.costNanos() : base + op.costNanos());
    }
    return new Applied(new BucketState(tats));
  }

  /** The request as one item of a TransactWriteItems call. */
  TransactWriteItem transactItem() {
    UpdateItemRequest request = request();
    return TransactWriteItem.builder().update(Update.builder()
        .tableName(request.tableName())
        .key(request.key())
        .updateExpression(request.updateExpression())
        .conditionExpression(request.conditionExpression())
        .expressionAttributeNames(request.expressionAttributeNames())
        .expressionAttributeValues(request.expressionAttributeValues())
        .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
        .build()).build();
  }

  /** The attempt succeeded and DynamoDB returned the updated attributes. */
  Applied succeeded(Map<String, AttributeValue> updatedAttributes) {
    return new Applied(BucketState.decodeAttributes(key, updatedAttributes));
  }

  /**
   * The condition failed; {@code old} is the bucket as DynamoDB evaluated it. Decides at this
   * attempt's time whether the acquires are refused or which branches to take next.
   */
  Outcome conditionFailed(BucketState old) {
    List<Violation> violations = new ArrayList<>();
    List<LimitOp> next = new ArrayList<>();
    for (LimitOp op : ops) {
      long tat = old.tat(op.name());
      Limit limit = op.limit();
      if (op.kind() == LimitOp.Kind.ACQUIRE && !limit.admits(tat, nowNanos, op.tokens())) {
        violations.add(new Violation(key.entityId(), key.resource(), op.name(), limit.capacity(),
            limit.available(tat, nowNanos), op.tokens(), Duration.ofNanos(limit.waitNanos(tat, nowNanos, op.tokens()))));
      }
      // A refund to a full bucket has nothing to give back.
      if (op.kind() != LimitOp.Kind.REFUND || tat > nowNanos) {
        next.add(op);
      }
    }
    if (!violations.isEmpty()) {
      return new Rejected(violations);
    }
    BucketWrite retry = new BucketWrite(tableName, key, next, old, nowNanos);
    return retry.isEmpty() ? new Applied(BucketState.EMPTY) : new Retry(retry);
  }

  private static AttributeValue number(long value) {
    return AttributeValue.fromN(Long.toString(value));
  }
}
