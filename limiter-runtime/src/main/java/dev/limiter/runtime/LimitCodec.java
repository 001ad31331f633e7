package dev.limiter.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Stored limits from their item ({@link LimiterItems#limits} writes it). */
final class LimitCodec {

  static final String CAPACITY = "c";
  static final String REFILL = "r";
  static final String PERIOD_NANOS = "p";

  private LimitCodec() {}

  /** The limits in {@code item}, stored under {@code scope}, by name (DynamoDB keeps no map order). */
  static List<Limit> limits(LimitScope scope, Map<String, AttributeValue> item) {
    AttributeValue kind = item.get(LimiterTableSchema.KIND);
    AttributeValue definitions = item.get(LimiterTableSchema.LIMITS_ATTRIBUTE);
    if (kind == null || !LimiterTableSchema.KIND_LIMITS.equals(kind.s()) || definitions == null || !definitions.hasM()) {
      throw new MalformedItemException("the item of the " + scope + " is not a stored-limits item");
    }
    List<Limit> limits = new ArrayList<>();
    new TreeMap<>(definitions.m()).forEach((name, definition) -> {
      try {
        Map<String, AttributeValue> fields = definition.m();
        long capacity = Long.parseLong(fields.get(CAPACITY).n());
        long refill = Long.parseLong(fields.get(REFILL).n());
        Duration period = Duration.ofNanos(Long.parseLong(fields.get(PERIOD_NANOS).n()));
        limits.add(Limit.of(name, capacity, refill, period));
      } catch (RuntimeException e) {
        throw new MalformedItemException("limit " + name + " in the " + scope + " is malformed: " + e.getMessage());
      }
    });
    if (limits.isEmpty()) {
      throw new MalformedItemException("the " + scope + " hold no limit");
    }
    return List.copyOf(limits);
  }
}
