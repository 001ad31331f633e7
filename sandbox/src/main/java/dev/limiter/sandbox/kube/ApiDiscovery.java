package dev.limiter.sandbox.kube;

import io.fabric8.kubernetes.api.model.APIGroup;
import io.fabric8.kubernetes.api.model.APIGroupBuilder;
import io.fabric8.kubernetes.api.model.APIGroupListBuilder;
import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceBuilder;
import io.fabric8.kubernetes.api.model.APIResourceListBuilder;
import io.fabric8.kubernetes.api.model.APIVersionsBuilder;
import io.fabric8.kubernetes.api.model.GroupVersionForDiscovery;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The API discovery documents a real API server publishes ({@code /api}, {@code /api/v1}, {@code
 * /apis}, {@code /apis/GROUP}, {@code /apis/GROUP/VERSION}), which the fabric8 mock server lacks
 * and {@code kubectl} needs before it can name a resource. It lists the built-in resources the
 * sandbox uses and every registered CRD, and answers {@code /version}.
 */
final class ApiDiscovery {

  private static final List<String> VERBS =
      List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");
  private static final List<String> STATUS_VERBS = List.of("get", "patch", "update");
  private static final Map<String, List<APIResource>> BUILT_IN =
      Map.of(
          "v1",
              List.of(
                  resource("namespaces", "Namespace", false, "ns"),
                  resource("configmaps", "ConfigMap", true, "cm"),
                  resource("events", "Event", true, "ev"),
                  resource("secrets", "Secret", true)),
          "apiextensions.k8s.io/v1",
              List.of(
                  resource(
                      "customresourcedefinitions",
                      "CustomResourceDefinition",
                      false,
                      "crd",
                      "crds")),
          "coordination.k8s.io/v1", List.of(resource("leases", "Lease", true)));

  /** The Kubernetes version the sandbox claims: the one whose API the mock server models. */
  private static final String VERSION =
      """
      {"major":"1","minor":"32","gitVersion":"v1.32.0-limiter-sandbox","platform":"linux/amd64"}\
      """;

  private final List<CustomResourceDefinition> crds = new CopyOnWriteArrayList<>();

  /** Publishes {@code crd}'s served versions. */
  void register(CustomResourceDefinition crd) {
    crds.add(crd);
  }

  /** The registered CRD serving {@code group}/{@code version} resources named {@code plural}. */
  Optional<CustomResourceDefinition> crd(String group, String version, String plural) {
    return crds.stream()
        .filter(
            crd ->
                crd.getSpec().getGroup().equals(group)
                    && crd.getSpec().getNames().getPlural().equals(plural))
        .filter(
            crd -> crd.getSpec().getVersions().stream().anyMatch(v -> v.getName().equals(version)))
        .findFirst();
  }

  /** The discovery document at {@code path} (no query string), if it is one. */
  Optional<String> document(String path) {
    if (path.equals("/version")) {
      return Optional.of(VERSION);
    }
    if (path.equals("/api")) {
      return Optional.of(Serialization.asJson(new APIVersionsBuilder().withVersions("v1").build()));
    }
    if (path.equals("/apis")) {
      return Optional.of(
          Serialization.asJson(
              new APIGroupListBuilder().withGroups(groups().values().stream().toList()).build()));
    }
    if (path.equals("/api/v1")) {
      return resources("v1");
    }
    if (path.startsWith("/apis/")) {
      String groupVersion = path.substring("/apis/".length());
      if (!groupVersion.contains("/")) {
        return Optional.ofNullable(groups().get(groupVersion)).map(Serialization::asJson);
      }
      return resources(groupVersion);
    }
    return Optional.empty();
  }

  private Optional<String> resources(String groupVersion) {
    List<APIResource> resources = resourcesByGroupVersion().get(groupVersion);
    if (resources == null) {
      return Optional.empty();
    }
    return Optional.of(
        Serialization.asJson(
            new APIResourceListBuilder()
                .withGroupVersion(groupVersion)
                .withResources(resources)
                .build()));
  }

  private Map<String, APIGroup> groups() {
    Map<String, APIGroup> groups = new LinkedHashMap<>();
    for (String groupVersion : resourcesByGroupVersion().keySet()) {
      int slash = groupVersion.indexOf('/');
      if (slash < 0) {
        continue; // the core group is discovered through /api
      }
      String group = groupVersion.substring(0, slash);
      GroupVersionForDiscovery version =
          new GroupVersionForDiscovery(groupVersion, groupVersion.substring(slash + 1));
      APIGroup existing = groups.get(group);
      if (existing == null) {
        groups.put(
            group,
            new APIGroupBuilder()
                .withName(group)
                .withVersions(version)
                .withPreferredVersion(version)
                .build());
      } else {
        existing.getVersions().add(version);
      }
    }
    return groups;
  }

  private Map<String, List<APIResource>> resourcesByGroupVersion() {
    Map<String, List<APIResource>> all = new LinkedHashMap<>(BUILT_IN);
    for (CustomResourceDefinition crd : crds) {
      var names = crd.getSpec().getNames();
      boolean namespaced = "Namespaced".equals(crd.getSpec().getScope());
      for (CustomResourceDefinitionVersion version : crd.getSpec().getVersions()) {
        if (!Boolean.TRUE.equals(version.getServed())) {
          continue;
        }
        List<APIResource> resources =
            new ArrayList<>(
                all.getOrDefault(crd.getSpec().getGroup() + "/" + version.getName(), List.of()));
        resources.add(
            new APIResourceBuilder(
                    resource(
                        names.getPlural(),
                        names.getKind(),
                        namespaced,
                        names.getShortNames() == null
                            ? new String[0]
                            : names.getShortNames().toArray(String[]::new)))
                .withSingularName(names.getSingular())
                .withCategories(names.getCategories())
                .build());
        if (version.getSubresources() != null && version.getSubresources().getStatus() != null) {
          resources.add(
              new APIResourceBuilder()
                  .withName(names.getPlural() + "/status")
                  .withKind(names.getKind())
                  .withNamespaced(namespaced)
                  .withVerbs(STATUS_VERBS)
                  .build());
        }
        all.put(crd.getSpec().getGroup() + "/" + version.getName(), resources);
      }
    }
    return all;
  }

  private static APIResource resource(
      String plural, String kind, boolean namespaced, String... shortNames) {
    return new APIResourceBuilder()
        .withName(plural)
        .withSingularName(kind.toLowerCase(Locale.ROOT))
        .withKind(kind)
        .withNamespaced(namespaced)
        .withVerbs(VERBS)
        .withShortNames(shortNames)
        .build();
  }
}
