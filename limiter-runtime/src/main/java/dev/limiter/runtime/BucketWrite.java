package dev.limiter.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * One attempt at a conditional, write-only bucket update (GCRA): which request to send and what a
 * failed condition means. Pure: no I/O, no clock.
 *
 * <p>Every limit takes one of two branches, guessed from the last known state:
 *
 * <ul>
 *   <li>idle (bucket full, {@code tat <= now}): {@code SET t = :now + cost}, valid only while
 *       {@code tat} is absent or {@code <= :now};
 *   <li>busy ({@code tat > now}): {@code SET t = t + cost}, valid only while {@code tat > :now} and
 *       {@code tat <= :now + ceiling − cost}, where the ceiling is a full bucket for an acquire and
 *       a full bucket plus the debt bound for a charge.
 * </ul>
 *
 * A reservation ({@link LimitOp.Kind#RESERVE}) is an acquire that also sets {@code r} to the
 * limit's new time: the end of the segment the reserving instance admits from locally. A refund is
 * {@code SET t = t − cost}, valid only while {@code tat >= max(:now, r) + cost} and {@code r} is
 * still the one it was guessed against: it never fills a bucket beyond full, and never gives back
 * time an open reservation holds (GCRA takes a refund off the end of the bucket's time, so it would
 * hand the next writer slices the reserving instance still admits). All limits of the bucket go
 * into one UpdateItem. If its condition fails, DynamoDB returns the old item; from it either some
 * limit truly lacks tokens (a rejection, no further call), or a branch was mis-guessed, a charge
 * would exceed the debt bound or a refund the bucket's use (both are cut down), and the next
 * attempt uses the returned state.
 *
 * <p>Every write sets {@code lw} to its own random id, {@code pw} to the {@code lw} it replaced,
 * and {@code ttl} to the bucket's expiry ({@link BucketBounds#expirySeconds}, never lowered). An
 * UpdateItem is sent without the SDK's retries ({@link DynamoDbGateway#updateOnce}): a replay of a
 * write that committed would apply it twice. When an attempt's outcome is unknown (a timeout, a
 * lost response, a server error), the next attempt is a {@linkplain #recognising recognising} one:
 * the same write, valid only while the item still carries the {@code lw} this write was guessed
 * against. If that condition fails, the returned {@code lw} and {@code pw} tell whether one of the
 * earlier attempts applied (one of them is theirs), none did ({@code lw}, or {@code pw} after one
 * other write, is the guessed one) or the item moved on by two writes or more so that nobody can
 * tell ({@link Undecided}).
 *
 * @param unresolved ids of earlier attempts of this write whose outcome is unknown, with the last
 *     failure that hid it; null for a fresh write
 */
record BucketWrite(
    String tableName,
    BucketKey key,
    List<LimitOp> ops,
    BucketState guess,
    long nowNanos,
    BucketBounds bounds,
    String writeId,
    Unresolved unresolved) {

  private static final AttributeValue NONE = AttributeValue.fromS(LimiterTableSchema.NO_WRITE);
  private static final AttributeValue KIND_BUCKET =
      AttributeValue.fromS(LimiterTableSchema.KIND_BUCKET);

  BucketWrite {
    ops = List.copyOf(ops);
  }

  /** A fresh write, guessed from {@code guess}. */
  static BucketWrite of(
      String tableName,
      BucketKey key,
      List<LimitOp> ops,
      BucketState guess,
      long nowNanos,
      BucketBounds bounds) {
    return new BucketWrite(tableName, key, ops, guess, nowNanos, bounds, newWriteId(), null);
  }

  /**
   * Ids of earlier attempts of one write whose outcome is unknown, and the failure that hid the
   * last one.
   */
  record Unresolved(Set<String> writeIds, Throwable cause) {
    Unresolved {
      writeIds = Set.copyOf(writeIds);
    }
  }

  /** The result of an attempt. */
  sealed interface Outcome permits Applied, Rejected, Retry, Undecided {}

  /**
   * The write took effect; {@code state} holds the bucket's new times for the ops' limits and
   * {@code ops} what was written (charges and refunds may have been cut down to their bounds).
   */
  record Applied(BucketState state, List<LimitOp> ops) implements Outcome {
    Applied {
      ops = List.copyOf(ops);
    }
  }

  /** At least one acquire lacks tokens; nothing was written. */
  record Rejected(List<Violation> violations) implements Outcome {}

  /** Send {@code next}. */
  record Retry(BucketWrite next) implements Outcome {}

  /**
   * Whether an earlier attempt applied cannot be known (the item changed since); the write counts
   * as made, so it is neither repeated nor admitted.
   *
   * @param cause the failure that hid an earlier attempt's outcome
   * @param lastFailure how the last attempt failed; null when DynamoDB answered it (its condition
   *     failed), so the table is serving and this is no outage
   */
  record Undecided(Throwable cause, Throwable lastFailure) implements Outcome {}

  boolean isEmpty() {
    return ops.isEmpty();
  }

  /**
   * The same write, to be sent after this attempt's outcome was hidden by {@code cause}: valid only
   * while the item's {@code lw} is still the guessed one, so that at most one attempt applies.
   */
  BucketWrite recognising(Throwable cause) {
    Set<String> ids = new HashSet<>(unresolved == null ? Set.of() : unresolved.writeIds());
    ids.add(writeId);
    return new BucketWrite(
        tableName, key, ops, guess, nowNanos, bounds, newWriteId(), new Unresolved(ids, cause));
  }

  /** The UpdateItem of this attempt, without a per-request override. */
  UpdateItemRequest request() {
    return request(null);
  }

  /**
   * The UpdateItem of this attempt with {@code override} (null for none), to be sent without the
   * SDK's retries ({@link DynamoDbGateway#updateOnce}).
   */
  UpdateItemRequest request(AwsRequestOverrideConfiguration override) {
    Map<String, String> names = new HashMap<>();
    Map<String, AttributeValue> values = new HashMap<>();
    Expressions text = expressions(names, values);
    return UpdateItemRequest.builder()
        .tableName(tableName)
        .key(key.attributes())
        .updateExpression(text.update())
        .conditionExpression(text.condition())
        .expressionAttributeNames(names)
        .expressionAttributeValues(values)
        .returnValues(ReturnValue.UPDATED_NEW)
        .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
        .overrideConfiguration(override)
        .build();
  }

  /** Fills in the names and values of this write's expressions, and returns their text. */
  private Expressions expressions(Map<String, String> names, Map<String, AttributeValue> values) {
    names.put("#pk", LimiterTableSchema.PARTITION_KEY);
    names.put("#kind", LimiterTableSchema.KIND);
    names.put("#lw", LimiterTableSchema.LAST_WRITE_ATTRIBUTE);
    names.put("#pw", LimiterTableSchema.PREVIOUS_WRITE_ATTRIBUTE);
    values.put(":none", NONE);
    names.put("#ttl", LimiterTableSchema.TTL_ATTRIBUTE);
    values.put(":kind", KIND_BUCKET);
    values.put(":w", AttributeValue.fromS(writeId));
    values.put(":ttl", number(expiry()));
    byte[] branches = new byte[ops.size()];
    for (int i = 0; i < ops.size(); i++) {
      LimitOp op = ops.get(i);
      names.put(Placeholders.of('#', 't', i), LimiterTableSchema.tatAttribute(op.name()));
      long cost = op.costNanos();
      if (op.kind() == LimitOp.Kind.REFUND) {
        names.put(Placeholders.of('#', 'r', i), LimiterTableSchema.reservedAttribute(op.name()));
        long floor = refundFloor(guess, op.name());
        values.put(Placeholders.of(':', 'c', i), number(cost));
        values.put(Placeholders.of(':', 'f', i), number(floor + cost));
        values.put(Placeholders.of(':', 'g', i), number(floor));
        branches[i] = Expressions.REFUND;
        continue;
      }
      boolean reserving = op.kind() == LimitOp.Kind.RESERVE;
      if (reserving) {
        names.put(Placeholders.of('#', 'r', i), LimiterTableSchema.reservedAttribute(op.name()));
      }
      values.computeIfAbsent(":now", now -> number(nowNanos));
      if (guess.tat(op.name()) <= nowNanos) {
        values.put(Placeholders.of(':', 'v', i), number(nowNanos + cost));
        branches[i] = reserving ? Expressions.RESERVE_IDLE : Expressions.IDLE;
        continue;
      }
      values.put(Placeholders.of(':', 'c', i), number(cost));
      values.put(Placeholders.of(':', 'm', i), number(nowNanos + ceilingNanos(op) - cost));
      branches[i] = reserving ? Expressions.RESERVE_BUSY : Expressions.BUSY;
    }
    if (unresolved != null && guess.lastWrite() != null) {
      values.put(":prev", AttributeValue.fromS(guess.lastWrite()));
    }
    int lastWriteCheck =
        unresolved == null
            ? Expressions.NO_CHECK
            : guess.lastWrite() != null ? Expressions.LAST_WRITE_IS : Expressions.NO_LAST_WRITE;
    return Expressions.of(branches, lastWriteCheck);
  }

  /**
   * The update and condition expressions of one shape of write: the branch of each op and what an
   * unresolved write checks of the last write. They depend on nothing else, so the text of each
   * shape is built once and reused (the values change per call, the text does not).
   */
  private record Expressions(String update, String condition) {

    static final byte REFUND = 0;
    static final byte IDLE = 1;
    static final byte BUSY = 2;
    static final byte RESERVE_IDLE = 3;
    static final byte RESERVE_BUSY = 4;

    private static final int BRANCHES = 5;

    static final int NO_CHECK = 0;
    static final int LAST_WRITE_IS = 1;
    static final int NO_LAST_WRITE = 2;

    /** Shapes kept; a few in practice (the branches of a bucket's limits). */
    private static final int MAX_CACHED = 1024;

    /** Ops up to which a shape's key (base {@value #BRANCHES}, with the op count) fits a long. */
    private static final int MAX_CACHED_OPS = 24;

    private static final Map<Long, Expressions> CACHE = new ConcurrentHashMap<>();

    static Expressions of(byte[] branches, int lastWriteCheck) {
      if (branches.length > MAX_CACHED_OPS) {
        return build(branches, lastWriteCheck);
      }
      long shape = lastWriteCheck;
      for (byte branch : branches) {
        shape = shape * BRANCHES + branch;
      }
      // The op count is part of the key: leading refunds are 0 digits.
      Long key = shape * (MAX_CACHED_OPS + 1) + branches.length;
      Expressions cached = CACHE.get(key);
      if (cached != null) {
        return cached;
      }
      Expressions built = build(branches, lastWriteCheck);
      if (CACHE.size() < MAX_CACHED) {
        CACHE.put(key, built);
      }
      return built;
    }

    private static Expressions build(byte[] branches, int lastWriteCheck) {
      StringBuilder update =
          new StringBuilder(
              "SET #kind = :kind, #pw = if_not_exists(#lw, :none), #lw = :w, #ttl = :ttl");
      StringBuilder condition =
          new StringBuilder(
              "(attribute_not_exists(#pk) OR #kind = :kind) AND (attribute_not_exists(#ttl) OR"
                  + " #ttl <= :ttl)");
      for (int i = 0; i < branches.length; i++) {
        String t = "#t" + i;
        switch (branches[i]) {
          case REFUND -> {
            String r = "#r" + i;
            update.append(", ").append(t).append(" = ").append(t).append(" - :c").append(i);
            condition
                .append(" AND ")
                .append(t)
                .append(" >= :f")
                .append(i)
                .append(" AND (attribute_not_exists(")
                .append(r)
                .append(") OR ")
                .append(r)
                .append(" <= :g")
                .append(i)
                .append(")");
          }
          case IDLE, RESERVE_IDLE -> {
            update.append(", ").append(t).append(" = :v").append(i);
            if (branches[i] == RESERVE_IDLE) {
              update.append(", #r").append(i).append(" = :v").append(i);
            }
            condition
                .append(" AND (attribute_not_exists(")
                .append(t)
                .append(") OR ")
                .append(t)
                .append(" <= :now)");
          }
          default -> {
            update.append(", ").append(t).append(" = ").append(t).append(" + :c").append(i);
            if (branches[i] == RESERVE_BUSY) {
              // Evaluated on the item before this update, like every operand of the expression.
              update.append(", #r").append(i).append(" = ").append(t).append(" + :c").append(i);
            }
            condition
                .append(" AND ")
                .append(t)
                .append(" > :now AND ")
                .append(t)
                .append(" <= :m")
                .append(i);
          }
        }
      }
      if (lastWriteCheck == LAST_WRITE_IS) {
        condition.append(" AND #lw = :prev");
      } else if (lastWriteCheck == NO_LAST_WRITE) {
        condition.append(" AND attribute_not_exists(#lw)");
      }
      return new Expressions(update.toString(), condition.toString());
    }
  }

  /** Expression placeholders such as {@code #t0} or {@code :v3}, made once for the first ops. */
  private static final class Placeholders {
    private static final int KEPT = 16;
    private static final String KINDS = "tvcmfrg";
    private static final String[][] NAMED = new String[KINDS.length()][KEPT];

    static {
      for (int k = 0; k < KINDS.length(); k++) {
        char kind = KINDS.charAt(k);
        for (int i = 0; i < KEPT; i++) {
          NAMED[k][i] = (kind == 't' || kind == 'r' ? "#" : ":") + kind + i;
        }
      }
    }

    private Placeholders() {}

    static String of(char sign, char kind, int index) {
      return index < KEPT ? NAMED[KINDS.indexOf(kind)][index] : sign + "" + kind + index;
    }
  }

  /**
   * The item's expiry after this write: this write's bound, never below what the item is known to
   * carry.
   */
  long expiry() {
    // The largest ceiling of the ops' limits, without a list of them on every write.
    long ceiling = 0;
    for (LimitOp op : ops) {
      ceiling = Math.max(ceiling, bounds.ceilingNanos(op.limit()));
    }
    return Math.max(guess.expiry(), bounds.expirySeconds(nowNanos, ceiling));
  }

  /**
   * The earliest time a refund may leave {@code limitName} at, per {@code state}: now, or the end
   * of the latest reservation while it lies ahead.
   */
  private long refundFloor(BucketState state, String limitName) {
    return Math.max(nowNanos, state.reservedUntil(limitName));
  }

  /**
   * How far ahead of now the op may leave its limit's time: a full bucket, plus the debt bound for
   * a charge.
   */
  private long ceilingNanos(LimitOp op) {
    return op.kind() == LimitOp.Kind.CHARGE
        ? bounds.ceilingNanos(op.limit())
        : op.limit().toleranceNanos();
  }

  /**
   * The attempt succeeded inside a transaction, which returns no attributes: the new times as the
   * guessed branches computed them ({@code max(tat, now) ± cost}), good enough to guess the next
   * branches, not to bound a refund.
   */
  Applied appliedWithoutAttributes() {
    Map<String, Long> tats = new HashMap<>();
    for (LimitOp op : ops) {
      long base = Math.max(guess.tat(op.name()), nowNanos);
      tats.put(
          op.name(),
          op.kind() == LimitOp.Kind.REFUND ? base - op.costNanos() : base + op.costNanos());
    }
    return new Applied(new BucketState(tats, writeId, guess.lastWrite(), expiry()), ops);
  }

  /** The request as one item of a TransactWriteItems call. */
  TransactWriteItem transactItem() {
    Map<String, String> names = new HashMap<>();
    Map<String, AttributeValue> values = new HashMap<>();
    Expressions text = expressions(names, values);
    return TransactWriteItem.builder()
        .update(
            Update.builder()
                .tableName(tableName)
                .key(key.attributes())
                .updateExpression(text.update())
                .conditionExpression(text.condition())
                .expressionAttributeNames(names)
                .expressionAttributeValues(values)
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                .build())
        .build();
  }

  /** The attempt succeeded and DynamoDB returned the updated attributes. */
  Applied succeeded(Map<String, AttributeValue> updatedAttributes) {
    return new Applied(BucketState.decodeAttributes(key, updatedAttributes), ops);
  }

  /**
   * The condition failed; {@code old} is the bucket as DynamoDB evaluated it. Decides at this
   * attempt's time whether an earlier attempt applied, whether the acquires are refused, or what to
   * send next.
   */
  Outcome conditionFailed(BucketState old) {
    if (unresolved != null) {
      if (old.lastWrite() != null && unresolved.writeIds().contains(old.lastWrite())) {
        // An earlier attempt applied and nothing wrote since: the item holds exactly its result.
        return new Applied(old, ops);
      }
      if (old.previousWrite() != null && unresolved.writeIds().contains(old.previousWrite())) {
        // An earlier attempt applied and one other write followed: its own times are not known.
        return new Applied(BucketState.EMPTY, ops);
      }
      String guessed = guess.lastWrite() == null ? LimiterTableSchema.NO_WRITE : guess.lastWrite();
      if (!Objects.equals(old.lastWrite(), guess.lastWrite())
          && !guessed.equals(old.previousWrite())) {
        return new Undecided(unresolved.cause(), null);
      }
      // The item is as this write was guessed against, or one other write followed that state:
      // no earlier attempt applied.
    }
    List<Violation> violations = new ArrayList<>();
    List<LimitOp> next = new ArrayList<>();
    for (LimitOp op : ops) {
      long tat = old.tat(op.name());
      Limit limit = op.limit();
      switch (op.kind()) {
        case ACQUIRE, RESERVE -> {
          if (!limit.admits(tat, nowNanos, op.tokens())) {
            violations.add(
                new Violation(
                    key.entityId(),
                    key.resource(),
                    op.name(),
                    limit.capacity(),
                    limit.available(tat, nowNanos),
                    op.tokens(),
                    Duration.ofNanos(limit.waitNanos(tat, nowNanos, op.tokens()))));
          }
          next.add(op);
        }
        case CHARGE -> {
          // Beyond the debt bound the charge is cut down; a bucket at the bound takes nothing more.
          long room =
              limit.tokensWithin(nowNanos + bounds.ceilingNanos(limit) - Math.max(tat, nowNanos));
          if (room >= 1) {
            next.add(room < op.tokens() ? new LimitOp(limit, room, LimitOp.Kind.CHARGE) : op);
          }
        }
        case REFUND -> {
          // Only what the bucket still owes and no open reservation holds comes back.
          LimitOp refund = op.outstanding(tat, refundFloor(old, op.name()));
          if (refund != null) {
            next.add(refund);
          }
        }
      }
    }
    if (!violations.isEmpty()) {
      return new Rejected(violations);
    }
    BucketWrite retry = BucketWrite.of(tableName, key, next, old, nowNanos, bounds);
    return retry.isEmpty() ? new Applied(BucketState.EMPTY, List.of()) : new Retry(retry);
  }

  /**
   * A random id: an unsigned long in base 36. {@link Long#toUnsignedString(long, int)} takes a
   * BigInteger for every negative long (half of them); dividing by the radix once first keeps the
   * same digits in long arithmetic.
   */
  private static String newWriteId() {
    long id = ThreadLocalRandom.current().nextLong();
    if (id >= 0) {
      return Long.toString(id, Character.MAX_RADIX);
    }
    long quotient = Long.divideUnsigned(id, Character.MAX_RADIX);
    int lastDigit = (int) Long.remainderUnsigned(id, Character.MAX_RADIX);
    return Long.toString(quotient, Character.MAX_RADIX)
        + Character.forDigit(lastDigit, Character.MAX_RADIX);
  }

  private static AttributeValue number(long value) {
    return AttributeValue.fromN(Long.toString(value));
  }
}
