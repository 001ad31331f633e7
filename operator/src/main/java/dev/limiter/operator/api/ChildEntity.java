package dev.limiter.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/**
 * An entity under a root (e.g. a project under a tenant, or an API key under a project).
 *
 * @param id the entity id (no {@code #}, no control characters)
 * @param limits default limits for resources without limits of their own
 * @param resources limits per resource
 * @param shards split each limit over this many bucket items (a high-fanout parent)
 * @param shardsFor derive {@code shards} from the traffic it must absorb instead (not with {@code
 *     shards})
 * @param localReservation local reservation of its default limits' scope, or null for none
 * @param cascade whether an acquire on it also consumes its parent
 * @param children its children
 */
@ValidationRule(
    value = "!has(self.shards) || !has(self.shardsFor)",
    message = "set shards or shardsFor, not both")
public record ChildEntity(
    @JsonPropertyDescription(
            "Entity id, as workloads pass it to acquire (no '#', no control characters)")
        @Required
        @Pattern("^[^#\\x00-\\x1f]{1,256}$")
        String id,
    @JsonPropertyDescription("An acquire on this entity also consumes its parent") Boolean cascade,
    @JsonPropertyDescription(
            "Default limits for resources this entity has no limits of its own for")
        @Size(max = 20)
        @ListMapKey("name")
        List<LimitSpec> limits,
    @JsonPropertyDescription("Limits per resource") @Size(max = 100) @ListMapKey("name")
        List<ResourceDefaults> resources,
    @JsonPropertyDescription(
            "Split each limit over this many bucket items, spreading a hot parent's writes over"
                + " partitions")
        @Min(1)
        @Max(256)
        Integer shards,
    @JsonPropertyDescription(
            "Derive shards from peak traffic (one partition absorbs 1,000 writes per second)")
        ShardsFor shardsFor,
    @JsonPropertyDescription("Its children")
        // Not a ListMapKey: kube-apiserver's field tracking of a keyed list of 100,000 items takes
        // minutes a
        // request; the operator checks that ids are unique.
        @Size(max = 100000)
        List<LeafEntity> children,
    @JsonPropertyDescription(
            "Local reservation for this entity's keys where no per-resource one is declared (the"
                + " scope of its default limits)")
        LocalReservationSpec localReservation)
    implements DeclaredEntity {

  /** An entity declaring no local reservation of its own. */
  public ChildEntity(
      String id,
      Boolean cascade,
      List<LimitSpec> limits,
      List<ResourceDefaults> resources,
      Integer shards,
      ShardsFor shardsFor,
      List<LeafEntity> children) {
    this(id, cascade, limits, resources, shards, shardsFor, children, null);
  }

  @Override
  public boolean cascades() {
    return Boolean.TRUE.equals(cascade);
  }

  @Override
  public List<? extends DeclaredEntity> childEntities() {
    return children == null ? List.of() : children;
  }
}
