package dev.limiter.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limiter.operator.api.EntityHierarchy;
import dev.limiter.operator.api.ListMapKey;
import dev.limiter.operator.api.RateLimiterTable;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crdv2.generator.CRDGenerator;
import io.fabric8.crdv2.generator.CRDPostProcessor;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code crds/} is generated from the model classes by the fabric8 CRD generator; this test
 * generates them again and fails when the committed files differ. Run it with {@code
 * -Dcrds.write=true} to rewrite {@code crds/} and its copies in the Helm chart and the kustomize
 * base. The operator jar ships the committed files.
 */
class CrdsUpToDateTest {

  private static final List<Class<? extends HasMetadata>> RESOURCES =
      List.of(RateLimiterTable.class, EntityHierarchy.class);
  private static final Path GENERATED = Path.of("target/generated-crds");
  private static final String DOCUMENT_START = "---\n";
  private static final Path COMMITTED = Path.of("../crds");

  /**
   * Byte copies for the Helm chart and kustomize, which cannot reference files outside their
   * folders.
   */
  private static final List<Path> COPIES =
      List.of(Path.of("../charts/limiter-operator/crds"), Path.of("../config/crd/bases"));

  private static final String REGENERATE =
      "regenerate with: mvn -pl operator -am test -Dtest=CrdsUpToDateTest"
          + " -Dsurefire.failIfNoSpecifiedTests=false -Dcrds.write=true";

  @Test
  void committedCrdsMatchTheGeneratedOnes() throws IOException {
    Files.createDirectories(GENERATED);
    try (Stream<Path> stale = Files.list(GENERATED)) {
      for (Path file : stale.toList()) {
        Files.delete(file);
      }
    }
    new CRDGenerator()
        .inOutputDir(GENERATED.toFile())
        .forCRDVersions("v1")
        .withPostProcessor(new DeclaredPrinterColumnOrderAndListMapKeys())
        .customResourceClasses(RESOURCES)
        .generate();
    List<Path> generated = yamlFiles(GENERATED);
    assertThat(generated).as("CRDs generated").hasSize(RESOURCES.size());
    for (Path file : generated) {
      // A leading document marker keeps concatenations (helm show crds, cat crds/*) valid
      // multi-document YAML.
      Files.writeString(file, DOCUMENT_START + Files.readString(file));
    }
    if (Boolean.getBoolean("crds.write")) {
      for (Path file : generated) {
        for (Path directory : Stream.concat(Stream.of(COMMITTED), COPIES.stream()).toList()) {
          Files.copy(
              file,
              directory.resolve(file.getFileName().toString()),
              StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
    assertThat(yamlFiles(COMMITTED).stream().map(Path::getFileName).map(Path::toString))
        .as("files in crds/ (%s)", REGENERATE)
        .containsExactlyInAnyOrderElementsOf(
            generated.stream().map(Path::getFileName).map(Path::toString).toList());
    for (Path file : generated) {
      assertThat(Files.readString(COMMITTED.resolve(file.getFileName().toString())))
          .as("crds/%s is stale; %s", file.getFileName(), REGENERATE)
          .isEqualTo(Files.readString(file));
      for (Path directory : COPIES) {
        assertThat(directory.resolve(file.getFileName().toString()))
            .as(
                "%s/%s differs from the generated CRD; %s",
                directory, file.getFileName(), REGENERATE)
            .hasSameTextualContentAs(file);
      }
    }
  }

  /**
   * The generator sorts printer columns by JSONPath; kubectl shows them in list order, so put them
   * back in the order the model class declares them. It has no annotation for list types either:
   * the lists the model marks {@link ListMapKey} become {@code x-kubernetes-list-type: map} with
   * that key.
   */
  private static final class DeclaredPrinterColumnOrderAndListMapKeys implements CRDPostProcessor {
    @Override
    public HasMetadata process(HasMetadata crd, String crdSpecVersion) {
      CustomResourceDefinition definition = (CustomResourceDefinition) crd;
      String kind = definition.getSpec().getNames().getKind();
      Class<? extends HasMetadata> resource =
          RESOURCES.stream()
              .filter(c -> HasMetadata.getKind(c).equals(kind))
              .findFirst()
              .orElseThrow();
      List<String> declared =
          Arrays.stream(resource.getAnnotationsByType(AdditionalPrinterColumn.class))
              .map(AdditionalPrinterColumn::name)
              .toList();
      Class<?> spec =
          (Class<?>)
              ((ParameterizedType) resource.getGenericSuperclass()).getActualTypeArguments()[0];
      for (CustomResourceDefinitionVersion version : definition.getSpec().getVersions()) {
        if (version.getAdditionalPrinterColumns() != null) {
          version
              .getAdditionalPrinterColumns()
              .sort(
                  Comparator.comparingInt(
                      (CustomResourceColumnDefinition column) ->
                          declared.indexOf(column.getName())));
        }
        markListMapKeys(version.getSchema().getOpenAPIV3Schema().getProperties().get("spec"), spec);
      }
      return crd;
    }

    /**
     * Walks {@code schema} with the model type it was generated from; JSON names are the field
     * names.
     */
    private static void markListMapKeys(JSONSchemaProps schema, Class<?> type) {
      if (schema == null || schema.getProperties() == null) {
        return;
      }
      for (Field field : type.getDeclaredFields()) {
        JSONSchemaProps property = schema.getProperties().get(field.getName());
        if (property == null || Modifier.isStatic(field.getModifiers())) {
          continue;
        }
        if (field.getGenericType() instanceof ParameterizedType list
            && List.class.equals(list.getRawType())) {
          ListMapKey key = field.getAnnotation(ListMapKey.class);
          if (key != null) {
            property.setXKubernetesListType("map");
            property.setXKubernetesListMapKeys(List.of(key.value()));
          }
          if (list.getActualTypeArguments()[0] instanceof Class<?> item) {
            markListMapKeys(property.getItems().getSchema(), item);
          }
        } else if (field.getType().getPackageName().equals(ListMapKey.class.getPackageName())) {
          markListMapKeys(property, field.getType());
        }
      }
    }
  }

  private static List<Path> yamlFiles(Path directory) throws IOException {
    try (Stream<Path> files = Files.list(directory)) {
      return files.filter(f -> f.toString().endsWith(".yml")).sorted().toList();
    }
  }
}
