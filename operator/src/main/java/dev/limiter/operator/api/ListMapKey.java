package dev.limiter.operator.api;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A list whose items are unique by one of their fields: the generated CRD declares it {@code
 * x-kubernetes-list-type: map} keyed by that field, so the API server refuses two items with the
 * same key (at no CEL cost, whatever the list's length) and server-side apply merges the list item
 * by item.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface ListMapKey {
  /** The key field of the items, e.g. {@code id}. */
  String value();
}
