package dev.dockhand.sandbox;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectExecResponse;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Frame;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's side of one container's commands: each {@code docker exec} made to run under GNU
 * {@code timeout} with the command's environment marker, its exit code read back, and the sweep
 * that kills every process bearing a marker. Thread-safe.
 */
final class ContainerExecs {
  private static final Logger log = LoggerFactory.getLogger(ContainerExecs.class);
  private static final String MARKER_KEY = "DOCKHAND_EXEC";

  /** How long an ended command's exit code may take to show. */
  private static final Duration EXIT_SETTLE = Duration.ofSeconds(2);

  /** Processes under gVisor a command leaves for the server's own helpers (the sweep). */
  private static final long RESERVED_PROCESSES = 8;

  private final ContainerHandle container;
  private final DockerEngine engine;
  private final DockerClient client;
  private final SandboxSettings settings;
  private final String id;
  private final ContainerRestarts restarts;

  ContainerExecs(ContainerHandle container, ContainerRestarts restarts) {
    this.container = container;
    this.engine = container.engine();
    this.client = container.client();
    this.settings = container.settings();
    this.id = container.id();
    this.restarts = restarts;
  }

  /**
   * Creates the exec of {@code request}, killed at {@code limit} and carrying {@code marker}.
   *
   * @throws ContainerStopped when the container is not running (it stopped by itself)
   */
  String create(ExecRequest request, Duration limit, String marker) {
    List<String> env = new ArrayList<>();
    if (request.env() != null) {
      for (Map.Entry<String, String> entry : request.env().entrySet()) {
        env.add(entry.getKey() + "=" + entry.getValue());
      }
    }
    env.add(MARKER_KEY + "=" + marker);
    List<String> command = new ArrayList<>();
    if (ContainerSpec.underGvisor(settings)) {
      // Under gVisor the process count is held by RLIMIT_NPROC (see ContainerSpec). The command
      // gets a few processes fewer than the container, so when it fills its share the sweep that
      // kills what it left (killMarked) can still start.
      command.add("prlimit");
      command.add("--nproc=" + commandProcesses() + ":");
    }
    command.addAll(List.of("timeout", "--signal=KILL", format(limit)));
    if (request.stdin() != null) {
      // The transport cannot half-close the attached stream, so the command would never see the
      // end of its input; head reads exactly the bytes sent and then closes the pipe.
      command.addAll(
          List.of(
              "sh",
              "-c",
              "n=$1; shift; head -c \"$n\" | \"$@\"",
              "sh",
              Integer.toString(request.stdin().length)));
    }
    command.addAll(request.command());
    try {
      return engine.call(
          () ->
              client
                  .execCreateCmd(id)
                  .withCmd(command.toArray(String[]::new))
                  .withUser(settings.user())
                  .withWorkingDir(
                      request.workdir() == null ? ContainerSpec.WORKSPACE : request.workdir())
                  .withEnv(env)
                  .withAttachStdout(true)
                  .withAttachStderr(true)
                  .withAttachStdin(request.stdin() != null)
                  .exec()
                  .getId());
    } catch (ConflictException notRunning) {
      if (restarts.closed()) {
        throw gone(notRunning);
      }
      throw new ContainerStopped(notRunning);
    } catch (NotFoundException removed) {
      throw gone(removed);
    }
  }

  private long commandProcesses() {
    return Math.max(settings.pidsLimit() / 2, settings.pidsLimit() - RESERVED_PROCESSES);
  }

  SandboxException gone(RuntimeException cause) {
    return container.gone(cause);
  }

  /** The engine refused an exec because the container is not running (it stopped by itself). */
  static final class ContainerStopped extends RuntimeException {
    ContainerStopped(Throwable cause) {
      super(cause);
    }
  }

  static String format(Duration limit) {
    return String.format(Locale.ROOT, "%.3fs", limit.toMillis() / 1000.0);
  }

  /** The exit code of an ended exec; 137 (killed) when it is gone or never says. */
  int exitCodeOf(String execId) {
    long deadline = System.nanoTime() + EXIT_SETTLE.toNanos();
    while (true) {
      InspectExecResponse exec;
      try {
        exec = engine.call(() -> client.inspectExecCmd(execId).exec());
      } catch (NotFoundException gone) {
        return 137;
      }
      if (!Boolean.TRUE.equals(exec.isRunning()) && exec.getExitCodeLong() != null) {
        return exec.getExitCodeLong().intValue();
      }
      if (System.nanoTime() > deadline || restarts.closed()) {
        return 137;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
    }
  }

  /**
   * Kills every process carrying this command's marker, including any that left its group. Passes
   * over the process table until one finds none, since a process may fork while a pass runs.
   */
  void killMarked(String marker) {
    String script =
        "n=0; while [ $n -lt 20 ]; do found=; for d in /proc/[0-9]*; do "
            + "if grep -qzxF -- \"$1\" \"$d/environ\" 2>/dev/null; then "
            + "kill -KILL \"${d#/proc/}\" 2>/dev/null; found=1; fi; done; "
            + "[ -z \"$found\" ] && break; n=$((n+1)); done; true";
    try {
      runQuietly(List.of("sh", "-c", script, "sh", MARKER_KEY + "=" + marker));
    } catch (RuntimeException e) {
      log.warn("could not kill an overrunning command in {}: {}", id, e.getMessage());
    }
  }

  /** A short helper command of our own, not limited by the output cap; returns its output. */
  String runQuietly(List<String> command) {
    String execId =
        engine.call(
            () ->
                client
                    .execCreateCmd(id)
                    .withCmd(command.toArray(String[]::new))
                    .withUser(settings.user())
                    .withAttachStdout(true)
                    .withAttachStderr(true)
                    .exec()
                    .getId());
    StringBuilder text = new StringBuilder();
    ResultCallback.Adapter<Frame> callback =
        new ResultCallback.Adapter<>() {
          @Override
          public void onNext(Frame frame) {
            synchronized (text) {
              text.append(new String(frame.getPayload(), StandardCharsets.UTF_8));
            }
          }
        };
    try {
      engine
          .call(() -> client.execStartCmd(execId).exec(callback))
          .awaitCompletion(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (text) {
      return text.toString();
    }
  }
}
