package dev.limiter.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SandboxCommandTest {

  @Test
  void theCommandLineTakesKubeAsOptionValueOrOptionEqualsValueAndDefaultsToAuto() {
    assertThat(SandboxCommand.Options.parse("serve").kube()).isEqualTo(KubeMode.AUTO);
    assertThat(SandboxCommand.Options.parse("serve", "--kube", "real").kube())
        .isEqualTo(KubeMode.REAL);
    assertThat(SandboxCommand.Options.parse("demo", "--kube=MOCK", "--samples=x").kube())
        .isEqualTo(KubeMode.MOCK);
    assertThat(SandboxCommand.Options.parse("demo", "--samples=x").samples())
        .isEqualTo(Optional.of(Path.of("x")));
    assertThatThrownBy(() -> SandboxCommand.Options.parse("serve", "--kube=kind"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--kube must be real, mock or auto, got kind");
    assertThatThrownBy(() -> SandboxCommand.Options.parse("serve", "--kube"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--kube needs a value");
  }
}
