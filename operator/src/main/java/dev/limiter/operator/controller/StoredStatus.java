package dev.limiter.operator.controller;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Whether a status write would change what is stored: two statuses are the same when their JSON is,
 * with an absent field, a null and an empty list alike (an empty list written may be read back as
 * none).
 */
final class StoredStatus {

  private StoredStatus() {}

  /** Whether {@code next} stores what {@code current} holds; never the same as no status at all. */
  static boolean same(KubernetesSerialization json, Object current, Object next) {
    return current != null
        && next != null
        && stripped(json.convertValue(current, Object.class))
            .equals(stripped(json.convertValue(next, Object.class)));
  }

  private static Object stripped(Object value) {
    if (value instanceof Map<?, ?> map) {
      Map<Object, Object> kept = new LinkedHashMap<>();
      map.forEach(
          (key, field) -> {
            Object stripped = stripped(field);
            if (stripped != null && !(stripped instanceof Collection<?> list && list.isEmpty())) {
              kept.put(key, stripped);
            }
          });
      return kept;
    }
    if (value instanceof List<?> list) {
      return list.stream().map(StoredStatus::stripped).toList();
    }
    return value;
  }
}
