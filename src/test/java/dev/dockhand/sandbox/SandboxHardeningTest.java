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
    if (SandboxFixture.underGvisor()) {
      // gVisor's own host tasks count against the engine's pids limit, so it is a backstop and the
      // guest's processes are held by RLIMIT_NPROC (ExecLimitsTest shows a fork bomb held).
      assertThat(host.getPidsLimit()).isEqualTo(128L * ContainerSpec.GVISOR_HOST_TASKS_PER_PROCESS);
      assertThat(host.getUlimits())
          .singleElement()
          .satisfies(
              nproc -> {
                assertThat(nproc.getName()).isEqualTo("nproc");
                assertThat(nproc.getHardLong()).isEqualTo(128L);
              });
    } else {
      assertThat(host.getPidsLimit()).isEqualTo(128L);
    }
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
    assertThat(container.exec(bash(SHORT, "unshare --mount true")).exitCode()).isNotZero();
    ExecResult namespaceRoot =
        container.exec(
            bash(
                SHORT,
                "unshare --user --map-root-user sh -c"
                    + " 'id -u; echo x > /etc/x || echo no-etc; cat /etc/shadow || echo no-shadow;"
                    + " mount -t tmpfs none /tmp || echo no-mount' 2>&1"));
    if (SandboxFixture.underGvisor()) {
      // gVisor's own kernel grants a user namespace (Docker's seccomp profile, which refuses it
      // under runc, does not apply there); its "root" is root only inside, over nothing of the
      // host's: it still cannot write the read-only root, read root's files or mount.
      assertThat(namespaceRoot.output().lines().findFirst()).hasValue("0");
      assertThat(namespaceRoot.output()).contains("no-etc", "no-shadow", "no-mount");
    } else {
      assertThat(namespaceRoot.exitCode()).isNotZero();
      assertThat(namespaceRoot.output()).contains("unshare failed");
    }
  }

  @Test
  void theDockerSocketIsNotReachable() {
    // Asked of the file's type rather than by ls, whose message for a missing path differs under
    // gVisor ("Invalid argument").
    ExecResult result =
        container.exec(
            bash(
                SHORT,
                "for s in /var/run/docker.sock /run/docker.sock; do"
                    + " if [ -e $s ] || [ -S $s ]; then echo present $s; else echo absent $s; fi;"
                    + " done"));

    assertThat(result.output().lines())
        .containsExactly("absent /var/run/docker.sock", "absent /run/docker.sock");
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
      // The kernel's interface list (not /sys/class/net, which gVisor does not show).
      ExecResult interfaces =
          isolated.exec(bash(SHORT, "python3 -c 'import socket; print(socket.if_nameindex())'"));

      assertThat(mode).isEqualTo("none");
      assertThat(interfaces.output().trim()).isEqualTo("[(1, 'lo')]");
    }
  }
}
