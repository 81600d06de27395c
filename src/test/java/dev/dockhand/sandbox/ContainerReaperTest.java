package dev.dockhand.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.model.Container;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("docker")
class ContainerReaperTest {
  private DockerSandbox sandbox;
  private DockerSandbox otherNode;

  @BeforeEach
  void connect() {
    sandbox = new DockerSandbox(SandboxFixture.settings(Map.of()), SandboxFixture.uniqueNode());
    otherNode = new DockerSandbox(SandboxFixture.settings(Map.of()), SandboxFixture.uniqueNode());
  }

  @AfterEach
  void disconnect() {
    sandbox.close();
    otherNode.close();
  }

  private Set<String> containerIds() {
    return sandbox.engine().client().listContainersCmd().withShowAll(true).exec().stream()
        .map(Container::getId)
        .collect(Collectors.toSet());
  }

  @Test
  void containersLeftByAKilledServerAreRemovedButRunningTasksKeepTheirs(
      @TempDir Path first, @TempDir Path second, @TempDir Path third) {
    // A killed server never calls close(): its containers simply stay behind.
    SandboxContainer orphan = sandbox.start("orphan-" + System.nanoTime(), first);
    String liveTask = "live-" + System.nanoTime();
    SandboxContainer live = sandbox.start(liveTask, second);
    SandboxContainer foreign = otherNode.start("foreign-" + System.nanoTime(), third);
    try (ContainerReaper reaper = new ContainerReaper(sandbox, liveTask::equals, run -> true)) {
      List<String> reaped = reaper.reapOnce();

      assertThat(reaped).containsExactly(orphan.id());
      assertThat(containerIds()).doesNotContain(orphan.id()).contains(live.id(), foreign.id());
    } finally {
      live.close();
      foreign.close();
    }
  }

  /**
   * Three runs of one node id on one engine: a dead earlier run, a live one (another node wrongly
   * given the same id) and this one. Only the dead run's containers go, whatever their tasks.
   */
  @Test
  void theReaperLeavesALiveIncarnationsContainersAloneAndTakesADeadOnes(
      @TempDir Path first, @TempDir Path second, @TempDir Path third) {
    String nodeId = sandbox.nodeId();
    try (DockerSandbox deadRun = new DockerSandbox(SandboxFixture.settings(Map.of()), nodeId);
        DockerSandbox liveRun = new DockerSandbox(SandboxFixture.settings(Map.of()), nodeId)) {
      SandboxContainer dead = deadRun.start("dead-" + System.nanoTime(), first);
      SandboxContainer live = liveRun.start("live-" + System.nanoTime(), second);
      SandboxContainer mine = sandbox.start("mine-" + System.nanoTime(), third);
      try (ContainerReaper reaper =
          new ContainerReaper(sandbox, task -> true, liveRun.incarnation()::equals)) {
        List<String> reaped = reaper.reapOnce();

        assertThat(reaped).containsExactly(dead.id());
        assertThat(containerIds()).doesNotContain(dead.id()).contains(live.id(), mine.id());
      } finally {
        live.close();
        mine.close();
      }
    }
  }

  @Test
  void theReaperRunsAtStartAndOnItsTimer(@TempDir Path first, @TempDir Path second) {
    SandboxContainer before = sandbox.start("before-" + System.nanoTime(), first);
    try (ContainerReaper reaper = new ContainerReaper(sandbox, task -> false, run -> true)) {
      reaper.start(Duration.ofMillis(200));
      awaitGone(before.id());
      SandboxContainer after = sandbox.start("after-" + System.nanoTime(), second);
      awaitGone(after.id());
    }
  }

  private void awaitGone(String id) {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (containerIds().contains(id)) {
      assertThat(System.nanoTime()).as("container %s still there", id).isLessThan(deadline);
      Thread.onSpinWait();
    }
  }
}
