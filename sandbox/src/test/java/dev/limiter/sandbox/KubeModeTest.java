package dev.limiter.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class KubeModeTest {

  @Test
  void autoRunsTheRealServerWhenTheBinariesArePresentAndTheMockOtherwise() {
    assertThat(KubeMode.AUTO.resolve(true)).isEqualTo(KubeMode.REAL);
    assertThat(KubeMode.AUTO.resolve(false)).isEqualTo(KubeMode.MOCK);
  }

  @Test
  void mockIsTheMockEvenWithTheBinaries() {
    assertThat(KubeMode.MOCK.resolve(true)).isEqualTo(KubeMode.MOCK);
  }

  @Test
  void realWithoutTheBinariesFailsNamingTheScriptThatBuildsThem() {
    assertThat(KubeMode.REAL.resolve(true)).isEqualTo(KubeMode.REAL);
    assertThatThrownBy(() -> KubeMode.REAL.resolve(false))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("kube-apiserver and etcd v1.34.4 are not in ")
        .hasMessageContaining(".ci/kube-binaries")
        .hasMessageContaining("--kube=mock");
  }
}
