package dev.limiter.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Stored limits from their item ({@link LimiterItems#limits} writes it). */
final class LimitCodec {

  static final String CAPACITY = "c";
  static final String REFILL = "r";
  static final String PERIOD_NANOS = "p";
  static final String WINDOW_MILLIS = "w";
  static final String SHARE_PER_MILLE = "s";

  private static final int PER_MILLE = 1000;

  private LimitCodec() {}

  /**
   * The limits in {@code item}, stored under {@code scope}, by name (DynamoDB keeps no map order);
   * empty for system defaults that hold only a policy and for an item that declares only a local
   * reservation.
   */
  static Optional<List<Limit>> limits(LimitScope scope, Map<String, AttributeValue> item) {
    AttributeValue kind = item.get(LimiterTableSchema.KIND);
    if (kind == null || !LimiterTableSchema.KIND_LIMITS.equals(kind.s())) {
      throw new MalformedItemException("the item of the " + scope + " is not a stored-limits item");
    }
    AttributeValue definitions = item.get(LimiterTableSchema.LIMITS_ATTRIBUTE);
    if (definitions == null
        && (scope instanceof LimitScope.System
            || item.containsKey(LimiterTableSchema.LOCAL_RESERVATION_ATTRIBUTE))) {
      return Optional.empty(); // a policy-only system item or a reservation-only item
    }
    if (definitions == null || !definitions.hasM()) {
      throw new MalformedItemException("the item of the " + scope + " holds no limits map");
    }
    List<Limit> limits = new ArrayList<>();
    new TreeMap<>(definitions.m())
        .forEach(
            (name, definition) -> {
              try {
                Map<String, AttributeValue> fields = definition.m();
                long capacity = Long.parseLong(fields.get(CAPACITY).n());
                long refill = Long.parseLong(fields.get(REFILL).n());
                Duration period = Duration.ofNanos(Long.parseLong(fields.get(PERIOD_NANOS).n()));
                limits.add(Limit.of(name, capacity, refill, period));
              } catch (RuntimeException e) {
                throw new MalformedItemException(
                    "limit " + name + " in the " + scope + " is malformed: " + e.getMessage());
              }
            });
    if (limits.isEmpty()) {
      throw new MalformedItemException("the " + scope + " hold no limit");
    }
    return Optional.of(List.copyOf(limits));
  }

  /** The local reservation {@code item}, stored under {@code scope}, declares, if any. */
  static Optional<LocalReservation> reservation(
      LimitScope scope, Map<String, AttributeValue> item) {
    AttributeValue stored = item.get(LimiterTableSchema.LOCAL_RESERVATION_ATTRIBUTE);
    if (stored == null) {
      return Optional.empty();
    }
    if (!stored.hasM() || stored.m().get(WINDOW_MILLIS) == null) {
      throw new MalformedItemException(
          "the local reservation in the " + scope + " is not a map with a window " + WINDOW_MILLIS);
    }
    try {
      Map<String, AttributeValue> fields = stored.m();
      long window = Long.parseLong(fields.get(WINDOW_MILLIS).n());
      AttributeValue share = fields.get(SHARE_PER_MILLE);
      double maxShare =
          share == null
              ? LocalReservation.DEFAULT_MAX_SHARE
              : Long.parseLong(share.n()) / (double) PER_MILLE;
      return Optional.of(new LocalReservation(Duration.ofMillis(window), maxShare));
    } catch (RuntimeException e) {
      throw new MalformedItemException(
          "the local reservation in the " + scope + " is malformed: " + e.getMessage());
    }
  }

  /** {@code share} in per-mille as stored, at least 1 so that a valid share stays valid. */
  static long perMille(double share) {
    return Math.max(1, Math.round(share * PER_MILLE));
  }

  /** The unavailability policy stored with the system defaults, if any. */
  static Optional<OnUnavailable> policy(Map<String, AttributeValue> systemItem) {
    AttributeValue policy = systemItem.get(LimiterTableSchema.ON_UNAVAILABLE_ATTRIBUTE);
    if (policy == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(OnUnavailable.valueOf(policy.s()));
    } catch (RuntimeException e) {
      throw new MalformedItemException(
          "the system defaults hold an unknown onUnavailable policy " + policy.s());
    }
  }
}
