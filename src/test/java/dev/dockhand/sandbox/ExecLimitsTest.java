package dev.dockhand.sandbox;

import static dev.dockhand.sandbox.SandboxFixture.bash;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runaway commands are held by the time, output, pids and memory limits; the sandbox survives. */
@Tag("docker")
class ExecLimitsTest {
  private static final Duration SHORT = Duration.ofSeconds(30);
  private static DockerSandbox sandbox;
  private static SandboxContainer container;
  @TempDir static Path workspace;

  @BeforeAll
  static void startOne() {
    sandbox =
        new DockerSandbox(
            SandboxFixture.settings(Map.of("DOCKHAND_EXEC_OUTPUT_CAP_KB", "4")),
            SandboxFixture.uniqueNode());
    container = sandbox.start("limits-" + System.nanoTime(), workspace);
  }

  @AfterAll
  static void stop() {
    container.close();
    sandbox.close();
  }

  private static String processes() {
    return container.exec(ExecRequest.of(SHORT, "ps", "-eo", "args")).output();
  }

  @Test
  void aCommandPastItsTimeLimitIsKilledWithItsWholeProcessTree() {
    ExecResult result = container.exec(bash(Duration.ofSeconds(2), "sleep 600 & sleep 599 & wait"));

    assertThat(result.timedOut()).as(result.toString()).isTrue();
    assertThat(result.exitCode()).isEqualTo(137);
    assertThat(result.durationMs()).isBetween(1_900L, 15_000L);
    assertThat(result.output()).contains("killed at its time limit");
    assertThat(processes()).doesNotContain("sleep 600").doesNotContain("sleep 599");
  }

  @Test
  void aProcessThatLeftTheGroupIsKilledAtTheLimitToo() {
    ExecResult result = container.exec(bash(Duration.ofSeconds(2), "setsid sleep 598 & sleep 597"));

    assertThat(result.timedOut()).as(result.toString()).isTrue();
    assertThat(result.durationMs()).isLessThan(20_000L);
    assertThat(processes()).doesNotContain("sleep 598").doesNotContain("sleep 597");
  }

  @Test
  void endlessOutputIsCappedWithAMarkerAndStopped() {
    SandboxFixture.Chunks streamed = new SandboxFixture.Chunks();
    ExecResult result = container.exec(bash(SHORT, "yes", streamed));

    assertThat(result.truncated()).as(result.toString()).isTrue();
    assertThat(result.timedOut()).isFalse();
    assertThat(result.output()).startsWith("y\ny\n");
    assertThat(result.output()).contains("[dockhand: output truncated: kept the first 4096 bytes;");
    assertThat(result.output().length()).isLessThan(4096 + 300);
    assertThat(streamed.joined()).contains("[dockhand: output truncated after 4096 bytes]");
    assertThat(processes()).doesNotContain("yes");
  }

  @Test
  void outputJustOverTheCapIsCutButTheCommandFinishes() {
    ExecResult result = container.exec(bash(SHORT, "head -c 5000 /dev/zero | tr '\\0' a; exit 4"));

    assertThat(result.exitCode()).isEqualTo(4);
    assertThat(result.truncated()).isTrue();
    assertThat(result.output()).contains("kept the first 4096 bytes; 5000 bytes in all");
  }

  @Test
  void aForkBombIsHeldByThePidsLimitAndTheContainerStaysUsable() {
    ExecResult bomb =
        container.exec(bash(Duration.ofSeconds(5), "bomb() { bomb | bomb & }; bomb; sleep 10"));
    // Under runc the engine's pids cgroup holds the guest; under gVisor the engine's limit counts
    // gVisor's own host tasks, so the guest is held by RLIMIT_NPROC, which its kernel enforces,
    // and a command gets 8 processes fewer than the container, for the server's cleanup.
    String limit =
        container
            .exec(
                bash(
                    SHORT,
                    SandboxFixture.underGvisor()
                        ? "ulimit -u"
                        : "cat /sys/fs/cgroup/pids/pids.max"))
            .output();
    ExecResult next = container.exec(bash(SHORT, "echo still here"));

    assertThat(bomb.exitCode()).isNotZero();
    assertThat(bomb.durationMs()).isLessThan(30_000L);
    assertThat(limit.trim()).isEqualTo(SandboxFixture.underGvisor() ? "120" : "128");
    assertThat(next.exitCode()).isZero();
    assertThat(next.output()).isEqualTo("still here\n");
    assertThat(sandbox.health().engineReachable()).isTrue();
  }

  @Test
  void aMemoryHogIsKilledAndReportedAsOutOfMemory() {
    ExecResult hog =
        container.exec(bash(SHORT, "python3 -c \"x = b'a' * (600 * 1024 * 1024); print(len(x))\""));
    ExecResult next = container.exec(bash(SHORT, "echo still here"));

    assertThat(hog.exitCode()).isEqualTo(137);
    assertThat(hog.timedOut()).isFalse();
    assertThat(hog.durationMs()).isLessThan(25_000L);
    if (SandboxFixture.underGvisor()) {
      // gVisor has no OOM killer of its own: the host's kills the sandbox kernel, so every process
      // in the container dies; the container is started again and the agent is told.
      assertThat(hog.output())
          .contains("the container stopped: out of memory (limit 256 MB)")
          .contains("it was started again");
    } else {
      assertThat(hog.output()).contains("killed: out of memory (limit 256 MB)");
    }
    assertThat(next.output()).isEqualTo("still here\n");
  }
}
