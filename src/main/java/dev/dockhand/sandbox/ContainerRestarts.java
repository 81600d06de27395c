package dev.dockhand.sandbox;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether a task container still runs, and starting it again when it stopped by itself (under
 * gVisor running out of memory ends the whole sandbox kernel, not one process). Each restart is a
 * new generation; commands that saw the same stop share one restart and one note. Thread-safe.
 */
final class ContainerRestarts {
  private static final Logger log = LoggerFactory.getLogger(ContainerRestarts.class);

  /** How long the engine may take to report a container stopped after its processes died. */
  private static final Duration STATE_SETTLE = Duration.ofSeconds(1);

  private final ContainerHandle container;
  private final DockerEngine engine;
  private final DockerClient client;
  private final String id;
  private final boolean scratchOnDisk;
  private final Object lifecycle = new Object();
  private volatile boolean closed;

  /** Counts the container's restarts after it stopped by itself; guarded by lifecycle. */
  private int generation;

  /** Why it stopped the last time; guarded by lifecycle. */
  private Stop lastStop;

  /**
   * @param scratchOnDisk whether /tmp and home are the task disk's (kept when the container is
   *     started again) rather than tmpfs (lost with it)
   */
  ContainerRestarts(ContainerHandle container, boolean scratchOnDisk) {
    this.container = container;
    this.engine = container.engine();
    this.client = container.client();
    this.id = container.id();
    this.scratchOnDisk = scratchOnDisk;
  }

  /** From now on the container is being removed on purpose: it is never started again. */
  void markClosed() {
    closed = true;
  }

  boolean closed() {
    return closed;
  }

  int generation() {
    synchronized (lifecycle) {
      return generation;
    }
  }

  boolean isRunning() {
    try {
      return Boolean.TRUE.equals(
          engine.call(() -> client.inspectContainerCmd(id).exec()).getState().getRunning());
    } catch (NotFoundException removed) {
      return false;
    } catch (RuntimeException unsure) {
      return true; // The engine did not answer; the time limit still holds.
    }
  }

  /**
   * Whether the container stopped under a command that ended with {@code exitCode}. A command
   * killed with its container (137) can end before the engine reports the container stopped, so its
   * state is asked again for a moment before it is taken as running.
   */
  boolean stoppedUnder(int exitCode) {
    long deadline = System.nanoTime() + (exitCode == 137 ? STATE_SETTLE.toNanos() : 0);
    while (true) {
      if (!isRunning()) {
        return true;
      }
      if (System.nanoTime() >= deadline || closed) {
        return false;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
    }
  }

  /**
   * The container stopped by itself while in use: says why, and starts it again so the task can go
   * on (the workspace is a host directory and survives; the tmpfs areas and every process do not).
   * Commands that saw the same stop share one restart.
   *
   * @param wedged why a container still running must be restarted anyway; null when it stopped
   */
  Stop recover(int generationSeen, String wedged) {
    synchronized (lifecycle) {
      if (generation != generationSeen && lastStop != null) {
        return lastStop;
      }
      String cause;
      boolean restarted = false;
      try {
        var state = engine.call(() -> client.inspectContainerCmd(id).exec()).getState();
        boolean running = Boolean.TRUE.equals(state.getRunning());
        if (wedged != null && running && !closed) {
          engine.run(() -> client.killContainerCmd(id).exec());
          running = false;
        }
        long limitMb = container.settings().memoryBytes() / (1024 * 1024);
        cause =
            wedged != null
                ? wedged
                : Boolean.TRUE.equals(state.getOOMKilled())
                    ? "out of memory (limit " + limitMb + " MB)"
                    : "its init exited with code " + state.getExitCodeLong();
        if (!closed && !running) {
          engine.run(() -> client.startContainerCmd(id).exec());
          restarted = true;
        }
      } catch (NotFoundException removed) {
        throw container.gone(removed);
      } catch (RuntimeException e) {
        cause = "unknown (" + SandboxException.rootMessage(e) + ")";
      }
      log.warn(
          "container {} of task {} stopped: {}; restarted: {}",
          id,
          container.taskId(),
          cause,
          restarted);
      generation++;
      lastStop = new Stop(cause, restarted, scratchOnDisk);
      return lastStop;
    }
  }

  /** Why the container stopped, and whether it runs again. */
  record Stop(String cause, boolean restarted, boolean scratchOnDisk) {
    String note() {
      String kept =
          scratchOnDisk
              ? "/workspace, /tmp and the home directory are kept, background processes are not"
              : "/workspace is kept, /tmp, the home directory and background processes are not";
      return "[dockhand: the container stopped: "
          + cause
          + "; every process in it was killed"
          + (restarted
              ? "; it was started again: " + kept + "]"
              : " and it could not be started again]");
    }
  }
}
