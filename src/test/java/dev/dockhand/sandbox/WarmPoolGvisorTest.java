package dev.dockhand.sandbox;

import static dev.dockhand.sandbox.SandboxFixture.bash;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.command.InspectContainerResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Under gVisor a mount made on a started container's directories does not reach it (runsc serves
 * its binds from what it opened at start): the pool finds that out with its first container, turns
 * itself off and every task gets a fresh container, as without a pool. Runs under runsc whatever
 * the test pass (scripts/test.sh registers it with the engine before any test).
 */
@Tag("docker")
class WarmPoolGvisorTest {
  @TempDir Path temp;

  @Test
  void underGvisorThePoolTurnsItselfOffAndEveryTaskGetsAFreshContainer() throws Exception {
    try (PoolFixture fixture = new PoolFixture(temp)) {
      DockerSandbox sandbox =
          new DockerSandbox(
              PoolFixture.settings(Map.of("DOCKHAND_SANDBOX_RUNTIME", "runsc")),
              SandboxFixture.uniqueNode());
      WarmPool pool = fixture.pool(sandbox);
      PoolFixture.await("the pool turned itself off", () -> !pool.on());
      PoolFixture.Attempt attempt = fixture.attempt();
      Files.writeString(attempt.disk().workspace().resolve("cloned.txt"), "the task's clone\n");
      String taskId = "gvisor-" + System.nanoTime();

      try (SandboxContainer container = pool.start(taskId, attempt.files())) {
        InspectContainerResponse inspected =
            sandbox.engine().client().inspectContainerCmd(container.id()).exec();

        assertThat(inspected.getHostConfig().getRuntime()).isEqualTo("runsc");
        assertThat(inspected.getConfig().getLabels())
            .containsEntry(ContainerSpec.TASK_LABEL, taskId)
            .doesNotContainKey(ContainerSpec.POOL_LABEL);
        assertThat(container.exec(bash(Duration.ofSeconds(60), "cat cloned.txt")).output())
            .isEqualTo("the task's clone\n");
        assertThat(fixture.handOvers).as("no pool, no hits or misses").isEmpty();
        assertThat(pool.idle()).isZero();
        assertThat(
                sandbox
                    .engine()
                    .client()
                    .listContainersCmd()
                    .withShowAll(true)
                    .withLabelFilter(Map.of(ContainerSpec.NODE_LABEL, sandbox.nodeId()))
                    .exec())
            .as("the probed container is gone; only the task's is left")
            .hasSize(1);
        assertThat(TaskDiskMounts.below(temp.resolve("pool").toRealPath()))
            .as("only the pool's root mount")
            .hasSize(1);
      }
    }
  }
}
