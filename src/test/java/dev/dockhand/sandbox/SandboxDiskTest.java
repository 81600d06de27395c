package dev.dockhand.sandbox;

import static dev.dockhand.sandbox.SandboxFixture.bash;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dockhand.config.Env;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A task's disk in real containers: whatever the agent writes — workspace, /tmp, home — meets "No
 * space left on device" at the task's limit, however fast it writes, while the host's disk and
 * another task's disk are untouched; closing the disk gives the space back.
 */
@Tag("docker")
class SandboxDiskTest {
  private static final Duration SHORT = Duration.ofSeconds(60);
  private static final long LIMIT_MB = 64;

  @TempDir static Path dataDir;
  private static DockerSandbox sandbox;
  private static TaskDisks disks;

  @BeforeAll
  static void start() {
    sandbox = new DockerSandbox(SandboxFixture.settings(Map.of()), SandboxFixture.uniqueNode());
    disks =
        new TaskDisks(
            dataDir.resolve("tasks"),
            DiskSettings.from(
                new Env(
                    Map.of(
                        "DOCKHAND_SANDBOX_DISK_MB",
                        Long.toString(LIMIT_MB),
                        "DOCKHAND_SANDBOX_FILES",
                        "4000"))));
  }

  @AfterAll
  static void stop() {
    sandbox.close();
  }

  private static long hostFree() throws IOException {
    return Files.getFileStore(dataDir).getUsableSpace();
  }

  @Test
  void writing200MegabytesAnywhereTheAgentCanStopsAtTheLimitWithNoSpaceLeft() throws IOException {
    long freeBefore = hostFree();
    try (TaskDisk disk = disks.create("fill-" + System.nanoTime());
        SandboxContainer container = sandbox.start("fill-" + System.nanoTime(), disk.files())) {
      for (String target : new String[] {"/workspace/big", "/tmp/big", "/home/agent/big"}) {
        ExecResult fill =
            container.exec(
                bash(
                    SHORT,
                    "head -c 200M /dev/zero > " + target + "; echo exit=$?; rm -f " + target));
        assertThat(fill.output()).as(target).contains("No space left on device", "exit=1");
      }
      ExecResult together =
          container.exec(
              bash(
                  SHORT,
                  "head -c 40M /dev/zero > /workspace/a; head -c 40M /dev/zero > /tmp/b 2>&1;"
                      + " echo exit=$?"));
      assertThat(together.output()).as("one limit for all areas").contains("exit=1");
      long dropMb = (freeBefore - hostFree()) / (1024 * 1024);
      assertThat(dropMb).as("host space used, MB").isLessThan(LIMIT_MB + 32);
    }
  }

  @Test
  void theFileCountLimitStopsAFileBomb() throws IOException {
    try (TaskDisk disk = disks.create("files-" + System.nanoTime());
        SandboxContainer container = sandbox.start("files-" + System.nanoTime(), disk.files())) {
      ExecResult bomb =
          container.exec(
              bash(
                  SHORT,
                  "mkdir /workspace/many && cd /workspace/many && seq 1 10000 | xargs touch"
                      + " 2>&1 | tail -1; ls | wc -l"));

      assertThat(bomb.output()).contains("No space left on device");
      long made = Long.parseLong(bomb.output().strip().lines().reduce((a, b) -> b).orElseThrow());
      assertThat(made).isLessThan(4000);
    }
  }

  @Test
  void aFullDiskLeavesAnotherTasksDiskWritable() throws Exception {
    try (TaskDisk full = disks.create("full-" + System.nanoTime());
        TaskDisk other = disks.create("other-" + System.nanoTime());
        SandboxContainer filling = sandbox.start("full-" + System.nanoTime(), full.files());
        SandboxContainer writing = sandbox.start("other-" + System.nanoTime(), other.files())) {
      CompletableFuture<ExecResult> fill =
          CompletableFuture.supplyAsync(
              () -> filling.exec(bash(SHORT, "head -c 200M /dev/zero > /workspace/big; echo $?")));
      ExecResult write =
          writing.exec(
              // wc rather than stat: Debian 12's gVisor answers coreutils' statx with EINVAL.
              bash(SHORT, "head -c 10M /dev/zero > /workspace/ten && wc -c < /workspace/ten"));

      assertThat(write.output().strip()).isEqualTo(Long.toString(10L * 1024 * 1024));
      assertThat(fill.get().output().strip()).endsWith("1");
      assertThat(Files.size(other.workspace().resolve("ten"))).isEqualTo(10L * 1024 * 1024);
    }
  }

  @Test
  void closingTheDiskGivesItsSpaceBack() throws IOException {
    TaskDisk disk = disks.create("release-" + System.nanoTime());
    Path mount = disk.workspace().getParent();
    try (SandboxContainer container = sandbox.start("release-" + System.nanoTime(), disk.files())) {
      container.exec(bash(SHORT, "head -c 30M /dev/urandom > /workspace/data"));
    }
    assertThat(Files.readString(Path.of("/proc/self/mountinfo"))).contains(mount.toString());

    disk.close();

    assertThat(Files.readString(Path.of("/proc/self/mountinfo"))).doesNotContain(mount.toString());
    assertThat(mount.getParent()).doesNotExist();
  }
}
