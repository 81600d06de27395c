package dev.dockhand.sandbox;

import dev.dockhand.config.ConfigException;
import dev.dockhand.config.Env;
import java.time.Duration;
import java.util.Optional;

/**
 * How task containers are made.
 *
 * @param dockerHost DOCKER_HOST (default unix:///var/run/docker.sock)
 * @param image DOCKHAND_WORKER_IMAGE (default dockhand-worker:latest)
 * @param network DOCKHAND_SANDBOX_NETWORK (default allowlist): {@code allowlist} (loopback only;
 *     out through the egress proxy), {@code none} (loopback only) or {@code open} (Docker's bridge)
 * @param runtime DOCKHAND_SANDBOX_RUNTIME (default: the engine's own, runc): the OCI runtime task
 *     containers run under, e.g. {@code runsc} for gVisor where it is registered with the engine
 * @param memoryBytes DOCKHAND_SANDBOX_MEMORY_MB (default 2048) in bytes
 * @param nanoCpus DOCKHAND_SANDBOX_CPUS (default 1.0) in billionths of a CPU
 * @param pidsLimit DOCKHAND_SANDBOX_PIDS (default 512)
 * @param execTimeout DOCKHAND_EXEC_TIMEOUT (default 10m): the longest one command may run
 * @param outputCapBytes DOCKHAND_EXEC_OUTPUT_CAP_KB (default 256) in bytes kept of one command's
 *     output; a command that prints more than 64 times the cap is stopped
 * @param user DOCKHAND_SANDBOX_USER (default 1000:1000): the numeric, non-root uid:gid commands run
 *     as; the task's workspace is given to it before the container starts
 * @param disk DOCKHAND_SANDBOX_DISK_MB and DOCKHAND_SANDBOX_FILES: each attempt's own disk
 * @param warmPool DOCKHAND_WARM_POOL (default 2, 0 to 16): started containers kept ready for the
 *     next tasks ({@link WarmPool}); 0 turns the pool off
 */
public record SandboxSettings(
    String dockerHost,
    String image,
    SandboxNetwork network,
    Optional<String> runtime,
    long memoryBytes,
    long nanoCpus,
    long pidsLimit,
    Duration execTimeout,
    int outputCapBytes,
    String user,
    DiskSettings disk,
    int warmPool) {

  /**
   * Checks what the types cannot: the runtime is a plain name, and commands never run as root,
   * however the record was made.
   */
  public SandboxSettings {
    if (runtime.isPresent() && !runtime.get().matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}")) {
      throw new ConfigException(
          "DOCKHAND_SANDBOX_RUNTIME",
          "must be the name of a runtime registered with the engine, got '" + runtime.get() + "'");
    }
    try {
      SandboxUser.parse(user);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(
          "DOCKHAND_SANDBOX_USER", "must be a non-root numeric uid:gid, got '" + user + "'");
    }
  }

  public static SandboxSettings from(Env env) {
    return new SandboxSettings(
        env.string("DOCKER_HOST", "unix:///var/run/docker.sock"),
        env.string("DOCKHAND_WORKER_IMAGE", "dockhand-worker:latest"),
        SandboxNetwork.parse(env.string("DOCKHAND_SANDBOX_NETWORK", "allowlist")),
        env.optional("DOCKHAND_SANDBOX_RUNTIME"),
        env.longValue("DOCKHAND_SANDBOX_MEMORY_MB", 2048, 64, 1 << 20) * 1024 * 1024,
        Math.round(env.decimal("DOCKHAND_SANDBOX_CPUS", 1.0, 0.01, 256) * 1e9),
        env.longValue("DOCKHAND_SANDBOX_PIDS", 512, 16, 1 << 20),
        env.duration(
            "DOCKHAND_EXEC_TIMEOUT",
            Duration.ofMinutes(10),
            Duration.ofSeconds(1),
            Duration.ofHours(6)),
        env.integer("DOCKHAND_EXEC_OUTPUT_CAP_KB", 256, 1, 64 * 1024) * 1024,
        env.string("DOCKHAND_SANDBOX_USER", "1000:1000"),
        DiskSettings.from(env),
        env.integer("DOCKHAND_WARM_POOL", 2, 0, 16));
  }
}
