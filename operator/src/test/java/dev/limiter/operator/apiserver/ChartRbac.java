package dev.limiter.operator.apiserver;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The chart's ServiceAccount, ClusterRoles/Roles and bindings as {@code helm template} renders them
 * for one release, and the same with one permission taken away.
 */
record ChartRbac(String release, String namespace, List<HasMetadata> objects) {

  static final Path CHART = Path.of("../charts/limiter-operator");
  private static final Set<Class<?>> RBAC_KINDS =
      Set.of(
          ServiceAccount.class,
          ClusterRole.class,
          ClusterRoleBinding.class,
          Role.class,
          RoleBinding.class);
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  /**
   * {@code helm template <release> -n <namespace>} with {@code valuesYaml} over the chart's
   * defaults: its RBAC objects.
   */
  static ChartRbac render(String release, String namespace, String valuesYaml) {
    Path values = null;
    try {
      values = Files.createTempFile("values-" + release, ".yaml");
      Files.writeString(values, valuesYaml);
      String manifest =
          new Helm(CHART)
              .template()
              .withName(release)
              .withNamespace(namespace)
              .withKubeVersion("1.34.4")
              .withValuesFile(values)
              .call();
      Object parsed = SERIALIZATION.unmarshal(manifest);
      List<?> documents = parsed instanceof List<?> list ? list : List.of(parsed);
      List<HasMetadata> rbac =
          documents.stream()
              .filter(Objects::nonNull)
              .map(HasMetadata.class::cast)
              .filter(o -> RBAC_KINDS.contains(o.getClass()))
              .toList();
      return new ChartRbac(release, namespace, rbac);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      if (values != null) {
        values.toFile().delete();
      }
    }
  }

  /** The ServiceAccount the operator runs as. */
  ServiceAccount serviceAccount() {
    return objects.stream()
        .filter(ServiceAccount.class::isInstance)
        .map(ServiceAccount.class::cast)
        .findFirst()
        .orElseThrow(() -> new AssertionError("the chart renders no ServiceAccount"));
  }

  /**
   * Every permission the rendered ClusterRoles and Roles grant, one verb on one resource at a time,
   * in rule order.
   */
  Set<ApiCalls.Access> permissions() {
    Set<ApiCalls.Access> permissions = new LinkedHashSet<>();
    for (PolicyRule rule : rules()) {
      for (String group : rule.getApiGroups()) {
        for (String resource : rule.getResources()) {
          for (String verb : rule.getVerbs()) {
            permissions.add(new ApiCalls.Access(verb, group, resource));
          }
        }
      }
    }
    return permissions;
  }

  /**
   * These objects with {@code removed} taken out of every rule that grants it, and nothing else
   * changed.
   */
  ChartRbac without(ApiCalls.Access removed) {
    List<HasMetadata> changed = new ArrayList<>();
    for (HasMetadata object : objects) {
      HasMetadata copy = SERIALIZATION.clone(object);
      if (copy instanceof ClusterRole role) {
        role.setRules(without(role.getRules(), removed));
      } else if (copy instanceof Role role) {
        role.setRules(without(role.getRules(), removed));
      }
      changed.add(copy);
    }
    ChartRbac result = new ChartRbac(release, namespace, changed);
    if (result.permissions().contains(removed) || !permissions().contains(removed)) {
      throw new IllegalArgumentException(removed + " is not granted exactly by these rules");
    }
    return result;
  }

  private List<PolicyRule> rules() {
    List<PolicyRule> rules = new ArrayList<>();
    for (HasMetadata object : objects) {
      if (object instanceof ClusterRole role) {
        rules.addAll(role.getRules());
      } else if (object instanceof Role role) {
        rules.addAll(role.getRules());
      }
    }
    return rules;
  }

  /**
   * {@code rules} with the rule granting {@code removed} split: the resource keeps its other verbs,
   * the other resources all theirs.
   */
  private static List<PolicyRule> without(List<PolicyRule> rules, ApiCalls.Access removed) {
    List<PolicyRule> result = new ArrayList<>();
    for (PolicyRule rule : rules) {
      if (!rule.getApiGroups().contains(removed.group())
          || !rule.getResources().contains(removed.resource())
          || !rule.getVerbs().contains(removed.verb())) {
        result.add(rule);
        continue;
      }
      List<String> otherResources =
          rule.getResources().stream().filter(r -> !r.equals(removed.resource())).toList();
      if (!otherResources.isEmpty()) {
        result.add(new PolicyRuleBuilder(rule).withResources(otherResources).build());
      }
      List<String> otherVerbs =
          rule.getVerbs().stream().filter(v -> !v.equals(removed.verb())).toList();
      if (!otherVerbs.isEmpty()) {
        result.add(
            new PolicyRuleBuilder(rule)
                .withResources(removed.resource())
                .withVerbs(otherVerbs)
                .build());
      }
    }
    return result;
  }
}
