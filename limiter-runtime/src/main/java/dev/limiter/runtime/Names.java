package dev.limiter.runtime;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Validation of the identifiers that end up in the limiter table's keys and attribute names.
 *
 * <p>{@code #} is the key separator of {@link LimiterTableSchema}, so no identifier may contain it.
 */
public final class Names {

  /** Longest limit name. */
  public static final int MAX_LIMIT_NAME_LENGTH = 64;

  /** Longest resource name. */
  public static final int MAX_RESOURCE_LENGTH = 128;

  /** Longest entity id. */
  public static final int MAX_ENTITY_ID_LENGTH = 256;

  private Names() {}

  /** A limit name: letters, digits, {@code _ . -}, at most 64 characters. */
  public static String requireLimitName(String name) {
    if (!matches(name, MAX_LIMIT_NAME_LENGTH, "_.-")) {
      throw new IllegalArgumentException(
          "invalid limit name "
              + quote(name)
              + ": use 1 to "
              + MAX_LIMIT_NAME_LENGTH
              + " letters, digits, '_', '.' or '-'");
    }
    return name;
  }

  /** A resource name: letters, digits, {@code _ . : / -}, at most 128 characters. */
  public static String requireResource(String resource) {
    if (!matches(resource, MAX_RESOURCE_LENGTH, "_.:/-")) {
      throw new IllegalArgumentException(
          "invalid resource "
              + quote(resource)
              + ": use 1 to "
              + MAX_RESOURCE_LENGTH
              + " letters, digits, '_', '.', ':', '/' or '-'");
    }
    return resource;
  }

  /**
   * An entity id: 1 to 256 characters, no {@code #}, no control characters, and well-formed UTF-16
   * (an unpaired surrogate has no UTF-8 form: DynamoDB would store two such ids as one key).
   */
  public static String requireEntityId(String entityId) {
    if (entityId == null
        || entityId.isEmpty()
        || entityId.length() > MAX_ENTITY_ID_LENGTH
        || hasSeparatorOrControl(entityId)) {
      throw new IllegalArgumentException(
          "invalid entity id "
              + quote(entityId)
              + ": use 1 to "
              + MAX_ENTITY_ID_LENGTH
              + " characters without '#' or control characters");
    }
    for (int i = 0; i < entityId.length(); i++) {
      char c = entityId.charAt(i);
      boolean paired =
          Character.isHighSurrogate(c)
              && i + 1 < entityId.length()
              && Character.isLowSurrogate(entityId.charAt(i + 1));
      if (paired) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw new IllegalArgumentException(
            "invalid entity id: malformed UTF-16, an unpaired surrogate at index " + i);
      }
    }
    return entityId;
  }

  /**
   * A stable fingerprint of an entity id for logs, messages and metric tags, where the id itself
   * (often an API key) must not appear: {@code h:} and the first 16 hex digits of its SHA-256.
   */
  public static String fingerprint(String entityId) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(entityId.getBytes(StandardCharsets.UTF_8));
      return "h:" + HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  /**
   * Whether {@code value} is 1 to {@code maxLength} ASCII letters, digits or {@code others}: what a
   * regular expression would check, without a matcher per call (names are checked on every
   * acquire).
   */
  private static boolean matches(String value, int maxLength, String others) {
    if (value == null || value.isEmpty() || value.length() > maxLength) {
      return false;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      boolean allowed =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || others.indexOf(c) >= 0;
      if (!allowed) {
        return false;
      }
    }
    return true;
  }

  private static boolean hasSeparatorOrControl(String entityId) {
    for (int i = 0; i < entityId.length(); i++) {
      char c = entityId.charAt(i);
      if (c == '#' || Character.isISOControl(c)) {
        return true;
      }
    }
    return false;
  }

  private static String quote(String value) {
    return value == null ? "null" : "'" + value + "'";
  }
}
