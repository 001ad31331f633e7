package dev.limiter.sandbox.kube;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;

/**
 * The sandbox's Kubernetes API: the embedded mock server ({@link LocalKubernetes}) or a real
 * kube-apiserver with etcd ({@link RealKubernetes}); the operator and {@code kubectl} use either
 * the same way.
 */
public interface KubernetesApi extends AutoCloseable {

  /** A client with full rights on this API (closed with it). */
  KubernetesClient client();

  /** Where the API listens. */
  URI url();

  /** What serves the API, for people: e.g. {@code kube-apiserver v1.34.4 + etcd}. */
  String description();

  /** Installs the CRD read from {@code yaml}; returns once its resources can be used. */
  CustomResourceDefinition registerCrd(InputStream yaml);

  /** Writes a kubeconfig whose current context is this API, for {@code kubectl}. */
  Path writeKubeconfig(Path file);

  /** Stops the API (and whatever it started). */
  @Override
  void close();
}
