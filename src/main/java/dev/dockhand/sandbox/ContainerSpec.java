package dev.dockhand.sandbox;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Volume;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The hardened shape of every task container, in one place so a reviewer can read the whole policy:
 * non-root, no capabilities, no privilege gain, memory without swap, CPU and pids limits, a
 * read-only root with only /workspace (the bind mount) and tmpfs /tmp and home writable, an init
 * process that reaps zombies, and an environment with nothing secret in it.
 */
final class ContainerSpec {
  static final String TASK_LABEL = "dockhand.task";
  static final String NODE_LABEL = "dockhand.node";
  static final String WORKSPACE = "/workspace";
  static final String HOME = "/home/agent";
  static final String PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  static final List<String> ENV = List.of("HOME=" + HOME, "PATH=" + PATH, "LANG=C.UTF-8");

  /** tmpfs sizes count against the container's memory limit, so they stay modest. */
  private static final String TMP_OPTIONS = "rw,exec,nosuid,nodev,size=1g,mode=1777";

  private ContainerSpec() {}

  static String containerName(String taskId) {
    return "dockhand-" + taskId.replaceAll("[^A-Za-z0-9_.-]", "_");
  }

  static CreateContainerCmd create(
      DockerClient client, SandboxSettings settings, String nodeId, String taskId, Path workspace) {
    SandboxUser user = SandboxUser.parse(settings.user());
    String homeOptions =
        "rw,exec,nosuid,nodev,size=256m,mode=0700,uid=" + user.uid() + ",gid=" + user.gid();
    HostConfig host =
        HostConfig.newHostConfig()
            .withInit(true)
            .withPrivileged(false)
            .withCapDrop(Capability.ALL)
            .withSecurityOpts(List.of("no-new-privileges"))
            .withMemory(settings.memoryBytes())
            .withMemorySwap(settings.memoryBytes())
            .withNanoCPUs(settings.nanoCpus())
            .withPidsLimit(settings.pidsLimit())
            .withReadonlyRootfs(true)
            .withTmpFs(Map.of("/tmp", TMP_OPTIONS, HOME, homeOptions))
            .withBinds(new Bind(workspace.toString(), new Volume(WORKSPACE), AccessMode.rw))
            .withNetworkMode(settings.network())
            .withIpcMode("private")
            .withAutoRemove(false);
    return client
        .createContainerCmd(settings.image())
        .withName(containerName(taskId))
        .withUser(settings.user())
        .withWorkingDir(WORKSPACE)
        .withEnv(ENV)
        .withLabels(Map.of(TASK_LABEL, taskId, NODE_LABEL, nodeId))
        .withCmd("sleep", "infinity")
        .withNetworkDisabled("none".equals(settings.network()))
        .withHostConfig(host);
  }
}
