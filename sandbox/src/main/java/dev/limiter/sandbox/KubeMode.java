package dev.limiter.sandbox;

import dev.limiter.testkit.kube.KubeBinaries;
import java.util.Locale;

/** Which Kubernetes API the sandbox runs on: {@code --kube=real|mock|auto}. */
enum KubeMode {
  /** A real kube-apiserver + etcd from the binaries {@value KubeBinaries#SCRIPT} builds. */
  REAL,
  /** The embedded fabric8 mock server: needs nothing built, admits anything. */
  MOCK,
  /** {@link #REAL} when the binaries are present, else {@link #MOCK}. */
  AUTO;

  /** {@code real}, {@code mock} or {@code auto}, in any case. */
  static KubeMode parse(String value) {
    for (KubeMode mode : values()) {
      if (mode.name().equalsIgnoreCase(value)) {
        return mode;
      }
    }
    throw new IllegalArgumentException("--kube must be real, mock or auto, got " + value);
  }

  /**
   * The API to run, {@link #REAL} or {@link #MOCK}, given whether the binaries are present; never
   * builds them (that takes minutes and needs Go).
   *
   * @throws IllegalStateException for {@link #REAL} without the binaries, saying how to get them
   */
  KubeMode resolve(boolean binariesPresent) {
    return switch (this) {
      case MOCK -> MOCK;
      case AUTO -> binariesPresent ? REAL : MOCK;
      case REAL -> {
        if (!binariesPresent) {
          throw new IllegalStateException(
              "--kube=real: kube-apiserver and etcd v"
                  + KubeBinaries.KUBERNETES_VERSION
                  + " are not in "
                  + KubeBinaries.directory()
                  + "; build them once with "
                  + KubeBinaries.SCRIPT
                  + " (needs Go and the Go module proxy), or run with --kube=mock");
        }
        yield REAL;
      }
    };
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
