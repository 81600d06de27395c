package dev.dockhand.sandbox;

import static dev.dockhand.sandbox.SandboxFixture.bash;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.HostConfig;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the engine reports and what a command can do inside: the hardening, shown. */
@Tag("docker")
class SandboxHardeningTest {
  private static final Duration SHORT = Duration.ofSeconds(30);
  private static SandboxSettings settings;
  private static DockerSandbox sandbox;
  private static SandboxContainer container;
  @TempDir static Path workspace;

  @BeforeAll
  static void startOne() throws Exception {
    settings = SandboxFixture.settings(Map.of());
    sandbox = new DockerSandbox(settings, SandboxFixture.uniqueNode());
    Files.writeString(workspace.resolve("cloned.txt"), "owned by root, as the coordinator clones");
    container = sandbox.start("hardening-" + System.nanoTime(), workspace);
  }

  @AfterAll
  static void stop() {
    container.close();
    sandbox.close();
  }

  private static InspectContainerResponse inspect() {
    return sandbox.engine().client().inspectContainerCmd(container.id()).exec();
  }

  @Test
  void theEngineReportsTheHardeningDefaults() {
    InspectContainerResponse inspected = inspect();
    HostConfig host = inspected.getHostConfig();

    assertThat(host.getPrivileged()).isFalse();
    assertThat(host.getNetworkMode()).isEqualTo("none");
    assertThat(host.getPidMode()).isNullOrEmpty();
    assertThat(host.getIpcMode()).isEqualTo("private");
    assertThat(Arrays.stream(host.getCapDrop()).map(Enum::name)).containsExactly("ALL");
    assertThat(host.getCapAdd()).isNullOrEmpty();
    assertThat(host.getSecurityOpts()).contains("no-new-privileges");
    assertThat(host.getReadonlyRootfs()).isTrue();
    assertThat(host.getMemory()).isEqualTo(256L * 1024 * 1024);
    assertThat(host.getMemorySwap()).isEqualTo(host.getMemory());
    assertThat(host.getNanoCPUs()).isEqualTo(1_000_000_000L);
    assertThat(host.getPidsLimit()).isEqualTo(128L);
    assertThat(host.getInit()).isTrue();
    assertThat(host.getTmpFs()).containsOnlyKeys("/tmp", "/home/agent");
    assertThat(inspected.getConfig().getUser()).isEqualTo("1000:1000");
    assertThat(inspected.getConfig().getLabels())
        .containsEntry("dockhand.node", sandbox.nodeId())
        .containsKey("dockhand.task");
    assertThat(Arrays.stream(inspected.getConfig().getEnv()).map(entry -> entry.split("=")[0]))
        .containsOnly("HOME", "PATH", "LANG");
  }

  @Test
  void onlyTheWorkspaceIsMountedFromTheHost() {
    var mounts = inspect().getMounts();

    assertThat(mounts).hasSize(1);
    assertThat(mounts.get(0).getSource()).isEqualTo(workspace.toAbsolutePath().toString());
    assertThat(mounts.get(0).getDestination().getPath()).isEqualTo("/workspace");
    assertThat(mounts.get(0).getRW()).isTrue();
  }

  @Test
  void commandsDoNotRunAsRoot() {
    ExecResult result = container.exec(bash(SHORT, "id -u; id -g"));

    assertThat(result.output().lines()).containsExactly("1000", "1000");
  }

  @Test
  void privilegeEscalationFails() {
    assertThat(container.exec(bash(SHORT, "sudo id")).exitCode()).isNotZero();
    assertThat(container.exec(bash(SHORT, "su root -c 'id -u' </dev/null")).exitCode()).isNotZero();
    assertThat(container.exec(bash(SHORT, "mount -t tmpfs none /mnt")).exitCode()).isNotZero();
    assertThat(container.exec(bash(SHORT, "unshare --user --map-root-user id -u")).exitCode())
        .isNotZero();
    assertThat(container.exec(bash(SHORT, "unshare --mount true")).exitCode()).isNotZero();
  }

  @Test
  void theDockerSocketIsNotReachable() {
    ExecResult result =
        container.exec(bash(SHORT, "ls /var/run/docker.sock /run/docker.sock 2>&1; true"));

    assertThat(result.output()).doesNotContain("docker.sock\n").contains("No such file");
  }

  @Test
  void writingOutsideTheWorkspaceAndScratchDirectoriesFails() {
    for (String path : new String[] {"/etc/x", "/usr/local/bin/x", "/x", "/var/x", "/root/x"}) {
      assertThat(container.exec(bash(SHORT, "echo x > " + path)).exitCode())
          .as("writing %s", path)
          .isNotZero();
    }
    ExecResult scratch =
        container.exec(bash(SHORT, "echo a > /tmp/a && echo b > /home/agent/b && cat /tmp/a"));
    assertThat(scratch.exitCode()).isZero();
  }

  @Test
  void writingInTheWorkspaceIsVisibleOnTheHost() throws Exception {
    ExecResult result =
        container.exec(
            bash(SHORT, "echo edited >> cloned.txt && mkdir -p src && echo new > src/new.txt"));

    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(Files.readString(workspace.resolve("src/new.txt"))).isEqualTo("new\n");
    assertThat(Files.readString(workspace.resolve("cloned.txt"))).endsWith("edited\n");
    assertThat(
            Files.getAttribute(
                workspace.resolve("src/new.txt"), "unix:uid", LinkOption.NOFOLLOW_LINKS))
        .isEqualTo(1000);
  }

  @Test
  void networkModeNoneLeavesTheContainerWithoutNetwork(@TempDir Path other) {
    try (DockerSandbox offline =
            new DockerSandbox(
                SandboxFixture.settings(Map.of("DOCKHAND_SANDBOX_NETWORK", "none")),
                sandbox.nodeId());
        SandboxContainer isolated = offline.start("offline-" + System.nanoTime(), other)) {
      String mode =
          offline
              .engine()
              .client()
              .inspectContainerCmd(isolated.id())
              .exec()
              .getHostConfig()
              .getNetworkMode();
      ExecResult interfaces = isolated.exec(bash(SHORT, "ls /sys/class/net"));

      assertThat(mode).isEqualTo("none");
      assertThat(interfaces.output().trim()).isEqualTo("lo");
    }
  }
}
