package dev.dockhand.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.model.Container;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run killed with SIGKILL leaves its pool behind: started containers, one of them serving a task
 * whose disk is bound on its slot. The next run's reaper removes those containers, unmounts and
 * deletes the slots (never deleting through them), and leaves its own pool alone; the task's disk
 * can then be released as at every start.
 */
@Tag("docker")
class WarmPoolReaperTest {
  @TempDir Path dataDir;

  @Test
  void theNextRunsReaperRemovesAKilledRunsPoolAndReleasesItsSlots() throws Exception {
    String nodeId = SandboxFixture.uniqueNode();
    String deadRun = UUID.randomUUID().toString();
    List<String> said = runAndKill(nodeId, deadRun);
    String serving = said.get(0).split(" ")[1];
    Path deadWorkspace = Path.of(said.get(0).split(" ")[2]);
    Path deadSlots = dataDir.resolve("pool").resolve(nodeId).resolve(deadRun);
    assertThat(TaskDiskMounts.below(deadSlots.toRealPath()))
        .as("the serving slot's workspace, /tmp, home and socket")
        .hasSize(4);

    try (PoolFixture fixture = new PoolFixture(dataDir)) {
      DockerSandbox sandbox = new DockerSandbox(PoolFixture.settings(Map.of()), nodeId);
      WarmPool pool = fixture.pool(sandbox);
      List<String> dead = containersOf(sandbox, deadRun);
      assertThat(dead).hasSize(3).contains(serving);
      try (ContainerReaper reaper =
          new ContainerReaper(pool, task -> false, run -> !run.equals(deadRun))) {
        PoolFixture.awaitFull(pool, 2);

        assertThat(reaper.reapOnce()).containsExactlyInAnyOrderElementsOf(dead);
      }
      assertThat(containersOf(sandbox, deadRun)).isEmpty();
      assertThat(containersOf(sandbox, sandbox.incarnation())).as("this run's pool").hasSize(2);
      assertThat(deadSlots).doesNotExist();
      assertThat(deadWorkspace.resolve("work.txt")).hasContent("kept");
      assertThat(fixture.disks.clearLeftovers()).as("the dead run's task disk").isEqualTo(1);
      assertThat(loopDevices()).doesNotContain(dataDir.toString());
    }
  }

  private List<String> runAndKill(String nodeId, String incarnation) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process run =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                WarmPoolDeadRunMain.class.getName(),
                dataDir.toString(),
                nodeId,
                incarnation)
            .redirectErrorStream(true)
            .start();
    List<String> said = new ArrayList<>();
    try (BufferedReader lines =
        new BufferedReader(new InputStreamReader(run.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        if (line.equals("ready")) {
          run.destroyForcibly();
          assertThat(run.waitFor(30, TimeUnit.SECONDS)).isTrue();
          return said.stream().filter(each -> each.startsWith("serving ")).toList();
        }
        said.add(line);
      }
    }
    throw new AssertionError("the run ended before it was ready: " + String.join("\n", said));
  }

  private static List<String> containersOf(DockerSandbox sandbox, String incarnation) {
    return sandbox
        .engine()
        .client()
        .listContainersCmd()
        .withShowAll(true)
        .withLabelFilter(
            Map.of(
                ContainerSpec.NODE_LABEL,
                sandbox.nodeId(),
                ContainerSpec.INCARNATION_LABEL,
                incarnation))
        .exec()
        .stream()
        .map(Container::getId)
        .toList();
  }

  private static String loopDevices() throws Exception {
    Process losetup = new ProcessBuilder("losetup", "-a").redirectErrorStream(true).start();
    String output = new String(losetup.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    losetup.waitFor();
    return output;
  }
}
