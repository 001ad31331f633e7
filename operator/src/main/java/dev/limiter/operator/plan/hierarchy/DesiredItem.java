package dev.limiter.operator.plan.hierarchy;

import dev.limiter.runtime.Entity;
import dev.limiter.runtime.LimiterItems;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Stream;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * One item a hierarchy wants in the table: its key, a digest of its content (to tell changed items
 * from unchanged ones without reading them), and the item itself, built again only when written so
 * that a large hierarchy is not held in memory twice.
 *
 * @param key the item's key
 * @param digest SHA-256 of the item's content, in hex
 * @param item builds the item
 * @param entity the entity, for an entity item (its shard changes need care); null otherwise
 */
public record DesiredItem(
    ItemKey key, String digest, Supplier<Map<String, AttributeValue>> item, Entity entity) {

  /** The desired item built by {@code item}. */
  public static DesiredItem of(Supplier<Map<String, AttributeValue>> item) {
    Map<String, AttributeValue> built = item.get();
    return new DesiredItem(ItemKey.of(built), digest(built), item, null);
  }

  /** The item of {@code entity}, owned by {@code owner}. */
  public static DesiredItem ofEntity(Entity entity, String owner) {
    DesiredItem item = of(() -> LimiterItems.entity(entity, owner));
    return new DesiredItem(item.key(), item.digest(), item.item(), entity);
  }

  /**
   * The same item (same key and digest: the same declaration) written as {@code item} builds it.
   */
  public DesiredItem writtenAs(Supplier<Map<String, AttributeValue>> item) {
    return new DesiredItem(key, digest, item, entity);
  }

  /** A digest of {@code item} that does not depend on attribute order. */
  static String digest(Map<String, AttributeValue> item) {
    return sha256(Stream.of(canonical(item)));
  }

  /** SHA-256 of {@code parts} in order, in hex: the digest of items and of whole hierarchies. */
  public static String sha256(Stream<String> parts) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      parts.forEach(part -> sha.update(part.getBytes(StandardCharsets.UTF_8)));
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JVM", e);
    }
  }

  private static String canonical(Map<String, AttributeValue> item) {
    StringBuilder out = new StringBuilder("{");
    new TreeMap<>(item)
        .forEach(
            (name, value) -> out.append(name).append('=').append(canonical(value)).append(';'));
    return out.append('}').toString();
  }

  private static String canonical(AttributeValue value) {
    if (value.hasM()) {
      return canonical(value.m());
    }
    if (value.s() != null) {
      return "S:" + value.s();
    }
    if (value.n() != null) {
      return "N:" + value.n();
    }
    if (value.bool() != null) {
      return "B:" + value.bool();
    }
    throw new IllegalArgumentException("attribute type not used by limiter items: " + value);
  }
}
