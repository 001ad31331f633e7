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

/** A DynamoDB limiter table, its capacity mode and billing-mode guard, declared in Kubernetes. */
@Group(RateLimiterTable.GROUP)
@Version(RateLimiterTable.VERSION)
@ShortNames("rlt")
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status")
@AdditionalPrinterColumn(name = "Table", jsonPath = ".status.tableName")
@AdditionalPrinterColumn(name = "Billing", jsonPath = ".status.billingMode")
@AdditionalPrinterColumn(
    name = "Read",
    jsonPath = ".status.readCapacityUnits",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Write",
    jsonPath = ".status.writeCapacityUnits",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
@JsonDeserialize(using = LenientResourceReader.class)
public class RateLimiterTable extends CustomResource<RateLimiterTableSpec, RateLimiterTableStatus>
    implements Namespaced, LenientlyRead {

  /** API group of the limiter's resources. */
  public static final String GROUP = "limiter.dev";

  /** API version of the limiter's resources. */
  public static final String VERSION = "v1alpha1";

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
