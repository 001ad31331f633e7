package dev.limiter.operator.api;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;
import java.util.List;

/** Entities, their limits and sharded parents in a RateLimiterTable, declared in Kubernetes. */
@Group(RateLimiterTable.GROUP)
@Version(RateLimiterTable.VERSION)
@ShortNames("eh")
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status")
@AdditionalPrinterColumn(name = "Table", jsonPath = ".spec.tableRef.name")
@AdditionalPrinterColumn(
    name = "Entities",
    jsonPath = ".status.entities",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Limits",
    jsonPath = ".status.limits",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
@JsonDeserialize(using = LenientResourceReader.class)
public class EntityHierarchy extends CustomResource<EntityHierarchySpec, EntityHierarchyStatus>
    implements Namespaced, LenientlyRead {

  private static final long serialVersionUID = 1L;

  @JsonIgnore private List<CrdSchema.Violation> unreadable = List.of();

  @Override
  public List<CrdSchema.Violation> unreadable() {
    return unreadable;
  }

  @Override
  public void unreadable(List<CrdSchema.Violation> violations) {
    this.unreadable = List.copyOf(violations);
  }
}
