package dev.limiter.operator.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClientException;
import org.junit.jupiter.api.Test;

class ConflictsTest {

  @Test
  void a409IsAConflictAlsoWhenWrapped() {
    KubernetesClientException conflict =
        new KubernetesClientException("the object has been modified", 409, null);
    assertThat(Conflicts.isConflict(conflict)).isTrue();
    assertThat(Conflicts.isConflict(new IllegalStateException("pass failed", conflict))).isTrue();
  }

  @Test
  void otherFailuresAreNot() {
    assertThat(Conflicts.isConflict(new KubernetesClientException("forbidden", 403, null)))
        .isFalse();
    assertThat(Conflicts.isConflict(new KubernetesClientException("no answer"))).isFalse();
    assertThat(Conflicts.isConflict(new IllegalStateException("boom"))).isFalse();
  }
}
