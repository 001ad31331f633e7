package dev.limiter.operator.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** Entities, their limits and sharded parents in a RateLimiterTable, declared in Kubernetes. */
@Group(RateLimiterTable.GROUP)
@Version(RateLimiterTable.VERSION)
@ShortNames("eh")
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status")
@AdditionalPrinterColumn(name = "Table", jsonPath = ".spec.tableRef.name")
@AdditionalPrinterColumn(name = "Entities", jsonPath = ".status.entities", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Limits", jsonPath = ".status.limits", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class EntityHierarchy extends CustomResource<EntityHierarchySpec, EntityHierarchyStatus> implements Namespaced {

  private static final long serialVersionUID = 1L;
}
