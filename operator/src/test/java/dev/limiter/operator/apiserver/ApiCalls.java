package dev.limiter.operator.apiserver;

import io.fabric8.kubernetes.client.http.AsyncBody;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every request a client made and the status it got, seen as the API server's RBAC authorizer sees
 * it (verb, API group, resource): installed in the operator's client, it tells which permission
 * each call used and which one the server refused.
 */
final class ApiCalls implements Interceptor {

  /**
   * {@code /api/v1/...} or {@code /apis/<group>/<version>/...}, then an optional namespace, the
   * resource, name, subresource.
   */
  private static final Pattern PATH =
      Pattern.compile(
          "^/(?:api/v1|apis/(?<group>[^/]+)/[^/]+)(?:/namespaces/(?<namespace>[^/]+))?/(?<resource>[^/]+)(?:/(?<name>[^/]+))?(?:/(?<sub>[^/]+))?$");

  /**
   * One permission as an RBAC rule grants it: a verb on a resource (or {@code
   * resource/subresource}) of an API group.
   */
  record Access(String verb, String group, String resource) {
    @Override
    public String toString() {
      return verb + " " + (group.isEmpty() ? "" : group + "/") + resource;
    }
  }

  /** One request and the HTTP status of its answer. */
  record Call(String method, URI uri, int code) {

    /**
     * The permission this request needs, empty for non-resource paths (discovery, {@code
     * /version}).
     */
    Optional<Access> access() {
      Matcher m = PATH.matcher(uri.getPath());
      if (!m.matches()) {
        return Optional.empty();
      }
      if (m.group("namespace") == null
          && "namespaces".equals(m.group("resource"))
          && m.group("name") != null) {
        // /api/v1/namespaces/<ns> itself is the namespaces resource, not a namespace's collection
        return Optional.empty();
      }
      String resource = m.group("resource") + (m.group("sub") == null ? "" : "/" + m.group("sub"));
      boolean named = m.group("name") != null;
      String query = uri.getQuery() == null ? "" : uri.getQuery();
      String verb =
          switch (method) {
            case "GET" -> named ? "get" : query.contains("watch=true") ? "watch" : "list";
            case "POST" -> "create";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> named ? "delete" : "deletecollection";
            default -> method.toLowerCase();
          };
      return Optional.of(
          new Access(verb, m.group("group") == null ? "" : m.group("group"), resource));
    }

    @Override
    public String toString() {
      return method
          + " "
          + uri.getRawPath()
          + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())
          + " → "
          + code;
    }
  }

  private final List<Call> calls = new CopyOnWriteArrayList<>();

  @Override
  public void after(
      HttpRequest request,
      HttpResponse<?> response,
      AsyncBody.Consumer<List<ByteBuffer>> consumer) {
    calls.add(new Call(request.method(), request.uri(), response.code()));
  }

  /** Every call so far, in order. */
  List<Call> all() {
    return List.copyOf(calls);
  }

  /** The first call the server refused (403 Forbidden), if any. */
  Optional<Call> firstRefused() {
    return calls.stream().filter(c -> c.code() == 403).findFirst();
  }

  /** How many calls failed with 409 Conflict (a write against a stale resourceVersion). */
  long conflicts() {
    return calls.stream().filter(c -> c.code() == 409).count();
  }
}
