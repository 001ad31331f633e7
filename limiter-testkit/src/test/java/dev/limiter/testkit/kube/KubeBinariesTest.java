package dev.limiter.testkit.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KubeBinariesTest {

  @TempDir Path temp;

  @Test
  void theCacheIsKubeApiTestDirThenXdgCacheHomeThenHomeCache() {
    assertThat(
            KubeBinaries.versionDirectory(
                Map.of("KUBE_API_TEST_DIR", "/c", "XDG_CACHE_HOME", "/x")))
        .isEqualTo(Path.of("/c/k8s/1.34.4-linux-amd64"));
    assertThat(KubeBinaries.versionDirectory(Map.of("XDG_CACHE_HOME", "/x")))
        .isEqualTo(Path.of("/x/limiter-operator/kube-api-test/k8s/1.34.4-linux-amd64"));
    assertThat(KubeBinaries.versionDirectory(Map.of()))
        .isEqualTo(
            Path.of(
                System.getProperty("user.home"),
                ".cache/limiter-operator/kube-api-test/k8s/1.34.4-linux-amd64"));
  }

  @Test
  void presentBinariesAreFound() throws IOException {
    Path directory = Files.createDirectories(temp.resolve("k8s/1.34.4-linux-amd64"));
    executable(directory.resolve("kube-apiserver"));
    executable(directory.resolve("etcd"));

    KubeBinaries found = KubeBinaries.locate(Map.of("KUBE_API_TEST_DIR", temp.toString()), temp);

    assertThat(found)
        .isEqualTo(
            new KubeBinaries(directory.resolve("kube-apiserver"), directory.resolve("etcd")));
  }

  @Test
  void findReportsPresentBinariesAndNeverBuildsMissingOnes() throws IOException {
    Map<String, String> env = Map.of("KUBE_API_TEST_DIR", temp.toString());
    assertThat(KubeBinaries.find(env)).isEmpty();
    assertThat(temp.resolve("k8s")).doesNotExist();

    Path directory = Files.createDirectories(temp.resolve("k8s/1.34.4-linux-amd64"));
    executable(directory.resolve("kube-apiserver"));
    executable(directory.resolve("etcd"));

    assertThat(KubeBinaries.find(env))
        .contains(new KubeBinaries(directory.resolve("kube-apiserver"), directory.resolve("etcd")));
  }

  @Test
  void withoutBinariesOrGoTheErrorNamesTheScript() throws IOException {
    Path module = Files.createDirectories(temp.resolve("repo/operator"));
    Files.createDirectories(temp.resolve("repo/.ci"));
    Files.writeString(temp.resolve("repo/.ci/kube-binaries"), "exit 1\n");

    assertThatThrownBy(
            () ->
                KubeBinaries.locate(
                    Map.of("KUBE_API_TEST_DIR", temp.resolve("cache").toString(), "PATH", ""),
                    module))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(".ci/kube-binaries")
        .hasMessageContaining("Go is not on PATH");
  }

  @Test
  void withGoOnPathMissingBinariesAreBuiltByTheScript() throws IOException {
    Path module = Files.createDirectories(temp.resolve("repo/operator"));
    Files.createDirectories(temp.resolve("repo/.ci"));
    Files.writeString(
        temp.resolve("repo/.ci/kube-binaries"),
        String.join(
            "\n",
            "out=\"$KUBE_API_TEST_DIR/k8s/1.34.4-linux-amd64\"",
            "mkdir -p \"$out\" && printf '#!/bin/sh\\n"
                + "' | tee \"$out/kube-apiserver\" > \"$out/etcd\"",
            "chmod +x \"$out/kube-apiserver\" \"$out/etcd\"",
            "echo \"$out\"",
            ""));
    Path bin = Files.createDirectories(temp.resolve("bin"));
    executable(bin.resolve("go"));
    Path cache = temp.resolve("cache");

    KubeBinaries built =
        KubeBinaries.locate(
            Map.of("KUBE_API_TEST_DIR", cache.toString(), "PATH", bin + ":/usr/bin:/bin"), module);

    assertThat(built.apiServer())
        .isExecutable()
        .isEqualTo(cache.resolve("k8s/1.34.4-linux-amd64/kube-apiserver"));
    assertThat(built.etcd()).isExecutable();
  }

  @Test
  void outsideTheRepositoryTheErrorSaysTheScriptIsMissing() {
    assertThatThrownBy(
            () ->
                KubeBinaries.locate(
                    Map.of("KUBE_API_TEST_DIR", temp.resolve("cache").toString()), temp))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no .ci/kube-binaries in " + temp);
  }

  @Test
  void theScriptIsFoundAboveTheWorkingDirectory() throws IOException {
    Path module = Files.createDirectories(temp.resolve("repo/operator/src"));
    Files.createDirectories(temp.resolve("repo/.ci"));
    Files.writeString(temp.resolve("repo/.ci/kube-binaries"), "");

    assertThat(KubeBinaries.findScript(module)).contains(temp.resolve("repo/.ci/kube-binaries"));
  }

  private static void executable(Path file) throws IOException {
    Files.writeString(file, "#!/bin/sh\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }
}
