package dev.limiter.operator.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.BeanProperty;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.deser.ContextualDeserializer;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.CustomResource;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the operator's custom resources without ever failing on their spec or status. The informers
 * deserialize every object they list or watch; one object a model type cannot hold ({@code mode:
 * Sideways}, {@code readCapacityUnits: "abc"}) would otherwise stop the informer, and JOSDK stops
 * the operator with it. So values the shipped CRD's schema refuses by type or enum, and fields it
 * does not declare, are left out ({@link CrdSchema#prune}) and remembered on the resource ({@link
 * LenientlyRead}), to be reported as an invalid spec on the object; a status value the schema
 * refuses is dropped (the next pass writes it again).
 */
public final class LenientResourceReader extends JsonDeserializer<Object>
    implements ContextualDeserializer {

  private static final Logger LOG = LoggerFactory.getLogger(LenientResourceReader.class);

  private final JavaType type;

  /** The reader before Jackson tells it which resource class it reads. */
  public LenientResourceReader() {
    this(null);
  }

  private LenientResourceReader(JavaType type) {
    this.type = type;
  }

  @Override
  public JsonDeserializer<?> createContextual(
      DeserializationContext context, BeanProperty property) {
    JavaType contextual =
        context.getContextualType() != null ? context.getContextualType() : property.getType();
    return new LenientResourceReader(contextual);
  }

  @Override
  public Object deserialize(JsonParser parser, DeserializationContext context) throws IOException {
    JsonNode tree = context.readTree(parser);
    if (!tree.isObject()) {
      throw MismatchedInputException.from(
          parser, type, "a " + type.getRawClass().getSimpleName() + " must be a JSON object");
    }
    @SuppressWarnings("unchecked")
    Class<? extends HasMetadata> kind = (Class<? extends HasMetadata>) type.getRawClass();
    CustomResource<Object, Object> resource = instantiate(kind);
    CrdSchema schema = CrdSchema.of(kind);
    JavaType[] parts = context.getTypeFactory().findTypeParameters(type, CustomResource.class);
    if (tree.hasNonNull("metadata")) {
      resource.setMetadata(context.readTreeAsValue(tree.get("metadata"), ObjectMeta.class));
    }
    List<CrdSchema.Violation> unreadable = new ArrayList<>();
    resource.setSpec(part(context, schema, "spec", tree.get("spec"), parts[0], unreadable));
    List<CrdSchema.Violation> dropped = new ArrayList<>();
    resource.setStatus(part(context, schema, "status", tree.get("status"), parts[1], dropped));
    if (!dropped.isEmpty()) {
      ObjectMeta metadata =
          resource.getMetadata() == null ? new ObjectMeta() : resource.getMetadata();
      LOG.warn(
          "{} {}/{}: status values left out as unreadable: {}",
          kind.getSimpleName(),
          metadata.getNamespace(),
          metadata.getName(),
          dropped);
    }
    ((LenientlyRead) resource).unreadable(List.copyOf(unreadable));
    return resource;
  }

  /**
   * {@code field} of the resource as {@code partType}, without what cannot be read; null when
   * nothing can.
   */
  private static Object part(
      DeserializationContext context,
      CrdSchema schema,
      String field,
      JsonNode value,
      JavaType partType,
      List<CrdSchema.Violation> unreadable) {
    if (value == null || value.isNull()) {
      return null;
    }
    JsonNode copy = value.deepCopy();
    CrdSchema.Pruned pruned = schema.prune(field, copy);
    unreadable.addAll(pruned.removed());
    if (!pruned.readable()) {
      return null;
    }
    try {
      return context.readTreeAsValue(copy, partType);
    } catch (JsonMappingException e) {
      // What the schema admits but the model type cannot hold (an Integer field beyond 32 bits,
      // say).
      unreadable.add(
          new CrdSchema.Violation(field + path(e), "cannot be read: " + e.getOriginalMessage()));
      return null;
    } catch (IOException | RuntimeException e) {
      unreadable.add(new CrdSchema.Violation(field, "cannot be read: " + e.getMessage()));
      return null;
    }
  }

  /** Where in the part the failure is, e.g. {@code .billing.provisioned.maxIncreasePercent}. */
  private static String path(JsonMappingException e) {
    StringBuilder path = new StringBuilder();
    for (JsonMappingException.Reference reference : e.getPath()) {
      path.append(
          reference.getFieldName() != null
              ? "." + reference.getFieldName()
              : "[" + reference.getIndex() + "]");
    }
    return path.toString();
  }

  @SuppressWarnings("unchecked")
  private static CustomResource<Object, Object> instantiate(Class<? extends HasMetadata> kind) {
    try {
      return (CustomResource<Object, Object>) kind.getDeclaredConstructor().newInstance();
    } catch (InstantiationException
        | IllegalAccessException
        | NoSuchMethodException
        | InvocationTargetException e) {
      throw new IllegalStateException(kind + " has no public no-argument constructor", e);
    }
  }
}
