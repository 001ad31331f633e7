package dev.limiter.sandbox;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * The namespaces the manifests of a samples directory go into, created up front: on a real API
 * server an object cannot be created in a namespace that does not exist, and the samples (like most
 * manifests) do not create theirs.
 */
final class SampleNamespaces {

  private SampleNamespaces() {}

  /**
   * Creates (or keeps) every namespace the {@code *.yaml} / {@code *.yml} files in {@code samples}
   * name; returns them.
   */
  static List<String> create(KubernetesClient client, Path samples) {
    List<String> namespaces = named(client, samples);
    for (String namespace : namespaces) {
      client
          .namespaces()
          .resource(
              new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
          .createOr(NonDeletingOperation::update);
    }
    return namespaces;
  }

  private static List<String> named(KubernetesClient client, Path samples) {
    List<HasMetadata> items = new ArrayList<>();
    try (Stream<Path> files = Files.list(samples)) {
      for (Path file :
          files
              .filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))
              .sorted()
              .toList()) {
        try (InputStream in = Files.newInputStream(file)) {
          items.addAll(client.load(in).items());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the samples in " + samples, e);
    }
    return items.stream()
        .map(item -> item.getMetadata().getNamespace())
        .filter(Objects::nonNull)
        .distinct()
        .sorted()
        .toList();
  }
}
