package dev.dockhand.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkerImageBuilderTest {
  @Test
  void theBuildFilesShipOnTheClassPathWithRunnableScripts(@TempDir Path dir) throws Exception {
    WorkerImageBuilder.extract(dir);

    assertThat(dir.resolve("build-offline.sh")).isExecutable();
    assertThat(dir.resolve("finish-rootfs.sh")).isExecutable();
    assertThat(Files.readAllLines(dir.resolve("packages.txt")))
        .contains("git", "ripgrep", "python3", "nodejs", "npm", "gcc", "procps")
        .doesNotContain("sudo");
    assertThat(WorkerImageBuilder.baseImage(dir)).isEqualTo("debian:bookworm-slim");
  }
}
