package dev.dockhand.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bound as a container meets it: the Docker engine must see the task disk's mount (it resolves
 * bind sources in its own mount namespace), so a container writing to /workspace or /tmp stops at
 * the limit. Plain {@code docker run} keeps this test to the disk alone.
 */
@Tag("docker")
class TaskDiskContainerTest {
  private static final long MB = 1024 * 1024;

  @TempDir Path temp;

  @Test
  void aContainerFillingItsWorkspaceAndTmpStopsAtTheTasksLimit() throws Exception {
    TaskDisks disks = new TaskDisks(temp.resolve("disks"), new DiskSettings(64 * MB, 2000));
    try (TaskDisk disk = disks.create("container")) {
      disk.giveTo(1000, 1000);
      String script =
          "dd if=/dev/zero of=/workspace/a bs=1M count=100 2>&1 | grep -o 'No space left on"
              + " device'; dd if=/dev/zero of=/tmp/b bs=1M count=100 2>&1 | grep -o 'No space left"
              + " on device'; du -sm /workspace /tmp";
      List<String> command =
          List.of(
              "docker",
              "run",
              "--rm",
              "--network",
              "none",
              "--user",
              "1000:1000",
              "-v",
              disk.workspace() + ":/workspace",
              "-v",
              disk.tmp() + ":/tmp",
              "dockhand-worker:latest",
              "sh",
              "-c",
              script);
      Process docker = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(docker.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

      assertThat(docker.waitFor()).as(output).isZero();
      assertThat(output.lines().filter(line -> line.equals("No space left on device")))
          .as(output)
          .hasSize(2);
    }
  }
}
