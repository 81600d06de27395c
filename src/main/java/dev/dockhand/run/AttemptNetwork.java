package dev.dockhand.run;

import dev.dockhand.config.ConfigException;
import dev.dockhand.egress.EgressSettings;
import dev.dockhand.egress.Resolver;
import dev.dockhand.queue.TaskContext;
import dev.dockhand.sandbox.SandboxNetwork;
import java.nio.file.Path;

/**
 * How the attempts of one node get out of their containers: in the {@code allowlist} mode each gets
 * an egress proxy of its own (its socket under {@code socketDir}); in {@code none} and {@code open}
 * there is no proxy. Thread-safe and immutable.
 */
public final class AttemptNetwork {
  private final SandboxNetwork mode;
  private final EgressSettings egress;
  private final Path socketDir;
  private final Resolver resolver;

  /**
   * @param socketDir where the attempts' proxy sockets go: a path short enough for a Unix socket
   *     (checked here) that the Docker engine sees as this process does
   */
  public AttemptNetwork(
      SandboxNetwork mode, EgressSettings egress, Path socketDir, Resolver resolver) {
    this.mode = mode;
    this.egress = egress;
    this.socketDir = socketDir.toAbsolutePath().normalize();
    this.resolver = resolver;
    // A short id (8), '-', an attempt number and ".sock" follow the directory.
    int longest = this.socketDir.toString().length() + 1 + 8 + 1 + 10 + 5;
    if (mode == SandboxNetwork.ALLOWLIST && longest > AttemptEgress.MAX_SOCKET_PATH) {
      throw new ConfigException(
          "DOCKHAND_DATA_DIR",
          "too long for the egress proxy's Unix sockets under "
              + this.socketDir
              + " (at most "
              + (AttemptEgress.MAX_SOCKET_PATH - 25)
              + " characters in all); choose a shorter data directory");
    }
  }

  public SandboxNetwork mode() {
    return mode;
  }

  /** The attempt's way out; the task's own additions are checked against what the operator lets. */
  AttemptEgress open(TaskContext context) {
    if (mode != SandboxNetwork.ALLOWLIST) {
      return AttemptEgress.none();
    }
    return AttemptEgress.open(
        socketDir, context, egress.forTask(context.task().egressAllow()), resolver);
  }
}
