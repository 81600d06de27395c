package dev.dockhand.sandbox;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.PropagationMode;
import com.github.dockerjava.api.model.SELContext;
import com.github.dockerjava.api.model.Ulimit;
import com.github.dockerjava.api.model.Volume;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The hardened shape of every task container, in one place so a reviewer can read the whole policy:
 * non-root, no capabilities, no privilege gain, memory without swap, CPU and pids limits, a
 * read-only root whose only writable areas are the task's own (/workspace, /tmp and home, from the
 * task's bounded disk, or small tmpfs), an init process that reaps zombies, an environment with
 * nothing secret in it, and no network interface but loopback unless the operator chose {@code
 * open}. In the {@code allowlist} mode the container's loopback port {@value #PROXY_PORT} is
 * relayed to the egress proxy's Unix socket by a process running as another uid than the agent's,
 * so the agent cannot kill or replace it.
 */
final class ContainerSpec {
  static final String TASK_LABEL = "dockhand.task";
  static final String NODE_LABEL = "dockhand.node";
  static final String INCARNATION_LABEL = "dockhand.incarnation";

  /** On a {@link WarmPool}'s members instead of the task label: their slot in this run's pool. */
  static final String POOL_LABEL = "dockhand.pool";

  static final String WORKSPACE = "/workspace";
  static final String HOME = "/home/agent";
  static final String EGRESS_SOCKET = "/run/dockhand/egress.sock";
  static final int PROXY_PORT = 3128;
  static final String PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  static final List<String> ENV = List.of("HOME=" + HOME, "PATH=" + PATH, "LANG=C.UTF-8");

  /** The uid:gid of the relay: nobody, not the agent's. */
  private static final String RELAY_USER = "65534:65534";

  /** tmpfs sizes count against the container's memory limit, so they stay modest. */
  private static final String TMP_OPTIONS = "rw,exec,nosuid,nodev,size=1g,mode=1777";

  private ContainerSpec() {}

  static String containerName(String taskId) {
    return "dockhand-" + taskId.replaceAll("[^A-Za-z0-9_.-]", "_");
  }

  /**
   * @param name the container is named for it (a task's id, or a pool slot's)
   * @param propagation of the binds: {@link PropagationMode#RSLAVE} for a pool's member, so what
   *     the host mounts on its directories later reaches the container; else the engine's default
   */
  static CreateContainerCmd create(
      DockerClient client,
      SandboxSettings settings,
      String name,
      Map<String, String> labels,
      TaskFiles files,
      PropagationMode propagation) {
    SandboxUser user = SandboxUser.parse(settings.user());
    boolean relay = relays(settings, files);
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
            .withTmpFs(tmpfs(files, user))
            .withBinds(binds(files, relay, propagation))
            .withNetworkMode(settings.network().dockerMode())
            .withIpcMode("private")
            .withAutoRemove(false);
    settings.runtime().ifPresent(host::withRuntime);
    if (underGvisor(settings)) {
      // gVisor's ptrace platform runs each guest process as host stub processes and threads (about
      // 30 host tasks a guest process, measured, and not given back), all counted by the engine's
      // pids limit; at that limit the sandbox kernel panics and every process dies. So the guest
      // count is held inside, by RLIMIT_NPROC, which gVisor counts for this sandbox alone (under
      // runc it would count every container's uid 1000 on the host), and the host limit is only a
      // backstop.
      host.withPidsLimit(settings.pidsLimit() * GVISOR_HOST_TASKS_PER_PROCESS)
          .withUlimits(List.of(new Ulimit("nproc", settings.pidsLimit(), settings.pidsLimit())));
    }
    CreateContainerCmd create =
        client
            .createContainerCmd(settings.image())
            .withName(containerName(name))
            .withWorkingDir(WORKSPACE)
            .withEnv(relay ? withProxy(ENV) : ENV)
            .withLabels(labels)
            .withNetworkDisabled(settings.network() != SandboxNetwork.OPEN)
            .withHostConfig(host);
    if (relay) {
      // Restarted if it ever exits, so one bad connection cannot cut the task off.
      return create
          .withUser(RELAY_USER)
          .withCmd(
              "sh",
              "-c",
              // -b: socat's default 8 KiB block cuts a download's throughput several times.
              "while :; do socat -b 262144 TCP-LISTEN:"
                  + PROXY_PORT
                  + ",bind=127.0.0.1,reuseaddr,fork UNIX-CONNECT:"
                  + EGRESS_SOCKET
                  + "; sleep 1; done");
    }
    return create.withUser(settings.user()).withCmd("sleep", "infinity");
  }

  /** Whether the container relays its loopback port to the egress proxy's socket. */
  static boolean relays(SandboxSettings settings, TaskFiles files) {
    return settings.network() == SandboxNetwork.ALLOWLIST && files.egressSocket().isPresent();
  }

  /** Host pids allowed a guest process under gVisor: above the measured peak, as a backstop. */
  static final long GVISOR_HOST_TASKS_PER_PROCESS = 64;

  /** Whether task containers run under gVisor (runsc, or a variant registered as runsc-…). */
  static boolean underGvisor(SandboxSettings settings) {
    return settings.runtime().filter(runtime -> runtime.startsWith("runsc")).isPresent();
  }

  private static Map<String, String> tmpfs(TaskFiles files, SandboxUser user) {
    Map<String, String> tmpfs = new HashMap<>();
    if (files.tmp().isEmpty()) {
      tmpfs.put("/tmp", TMP_OPTIONS);
    }
    if (files.home().isEmpty()) {
      tmpfs.put(
          HOME,
          "rw,exec,nosuid,nodev,size=256m,mode=0700,uid=" + user.uid() + ",gid=" + user.gid());
    }
    return tmpfs;
  }

  private static List<Bind> binds(TaskFiles files, boolean relay, PropagationMode propagation) {
    List<Bind> binds = new ArrayList<>();
    binds.add(bind(files.workspace(), WORKSPACE, propagation));
    files.tmp().ifPresent(tmp -> binds.add(bind(tmp, "/tmp", propagation)));
    files.home().ifPresent(home -> binds.add(bind(home, HOME, propagation)));
    if (relay) {
      binds.add(bind(files.egressSocket().orElseThrow(), EGRESS_SOCKET, propagation));
    }
    return binds;
  }

  private static Bind bind(Path hostPath, String containerPath, PropagationMode propagation) {
    return new Bind(
        hostPath.toAbsolutePath().normalize().toString(),
        new Volume(containerPath),
        AccessMode.rw,
        SELContext.DEFAULT,
        null,
        propagation);
  }

  /**
   * Every client the agent reaches for first reads one of these: curl, git, pip, apt, Go and cargo
   * the standard variables; npm its own; Gradle system properties. Maven reads none of them: its
   * settings file is written into the home when the container starts ({@link ProxySettingsFiles}).
   */
  private static List<String> withProxy(List<String> env) {
    String proxy = "http://127.0.0.1:" + PROXY_PORT;
    String local = "localhost,127.0.0.1,::1";
    String java =
        "-Dhttp.proxyHost=127.0.0.1 -Dhttp.proxyPort="
            + PROXY_PORT
            + " -Dhttps.proxyHost=127.0.0.1 -Dhttps.proxyPort="
            + PROXY_PORT
            + " -Dhttp.nonProxyHosts=localhost|127.0.0.1";
    List<String> all = new ArrayList<>(env);
    for (String key : List.of("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy")) {
      all.add(key + "=" + proxy);
    }
    all.addAll(
        List.of(
            "NO_PROXY=" + local,
            "no_proxy=" + local,
            "npm_config_proxy=" + proxy,
            "npm_config_https_proxy=" + proxy,
            "PIP_PROXY=" + proxy,
            "GRADLE_OPTS=" + java));
    return all;
  }
}
