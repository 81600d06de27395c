package dev.dockhand.sandbox;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectExecResponse;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Frame;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running task container. Commands run through {@code docker exec} under GNU {@code timeout},
 * which puts the command in its own process group and kills that whole group at the limit, inside
 * the container, even if this process is gone. As a second line, every command carries a unique
 * environment marker, and when it overruns the server kills every process bearing the marker, which
 * also finds processes that left the group. When the container itself stops by itself (under gVisor
 * running out of memory ends the whole sandbox kernel, not one process), the commands in flight end
 * at once with a line saying why, and the container is started again. Thread-safe: commands may run
 * concurrently and {@link #close()} may be called from any thread, ending commands in flight.
 */
final class DockerContainer implements SandboxContainer {
  private static final Logger log = LoggerFactory.getLogger(DockerContainer.class);
  private static final String MARKER_KEY = "DOCKHAND_EXEC";

  /** How long the engine may take to report a container stopped after its processes died. */
  private static final Duration STATE_SETTLE = Duration.ofSeconds(1);

  /** Time after the limit for the in-container kill to end the output stream by itself. */
  private static final Duration GRACE = Duration.ofSeconds(2);

  /** Processes under gVisor a command leaves for the server's own helpers (the sweep). */
  private static final long RESERVED_PROCESSES = 8;

  /** The exit code docker gives an exec it could not start. */
  private static final int ENGINE_COULD_NOT_START = 126;

  /** How often a running command's container is looked at, to notice it stopped. */
  private static final Duration WATCH = Duration.ofSeconds(1);

  private final DockerEngine engine;
  private final DockerClient client;
  private final SandboxSettings settings;
  private final String id;
  private final String taskId;
  private final boolean scratchOnDisk;
  private final Set<Frames> running = ConcurrentHashMap.newKeySet();
  private final OomCounter oomCounter;
  private volatile boolean closed;
  private final Object lifecycle = new Object();

  /** Counts the container's restarts after it stopped by itself; guarded by lifecycle. */
  private int generation;

  /** Why it stopped the last time; guarded by lifecycle. */
  private Stop lastStop;

  /**
   * @param scratchOnDisk whether /tmp and home are the task disk's (kept when the container is
   *     started again) rather than tmpfs (lost with it)
   */
  DockerContainer(
      DockerEngine engine, SandboxSettings settings, String id, String taskId, boolean scratchOnDisk) {
    this.scratchOnDisk = scratchOnDisk;
    this.engine = engine;
    this.client = engine.client();
    this.settings = settings;
    this.id = id;
    this.taskId = taskId;
    this.oomCounter = new OomCounter(this);
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public ExecResult exec(ExecRequest request) {
    return exec(request, true);
  }

  private ExecResult exec(ExecRequest request, boolean mayRestart) {
    if (request.command() == null || request.command().isEmpty()) {
      throw new IllegalArgumentException("command must not be empty");
    }
    Duration limit = limitOf(request);
    String marker = UUID.randomUUID().toString();
    ExecOutput output =
        new ExecOutput(
            settings.outputCapBytes(),
            request.onOutput() == null ? chunk -> {} : request.onOutput());
    long started = System.nanoTime();
    String restartNote = "";
    int generation = generation();
    String execId;
    try {
      execId = createExec(request, limit, marker);
    } catch (ContainerStopped stopped) {
      // It stopped since the last command (a process left running then ran it out of memory):
      // started again, this command runs in the fresh one and the agent is told what was lost.
      restartNote = recover(generation, null).note() + "\n";
      generation = generation();
      try {
        execId = createExec(request, limit, marker);
      } catch (ContainerStopped again) {
        throw gone(again);
      }
    }
    Frames frames = new Frames(output, () -> killMarked(marker));
    running.add(frames);
    try {
      var start = client.execStartCmd(execId).withDetach(false);
      if (request.stdin() != null) {
        start.withStdIn(new ByteArrayInputStream(request.stdin()));
      }
      Wait wait;
      try {
        engine.call(() -> start.exec(frames));
        wait = await(frames, System.nanoTime() + limit.plus(GRACE).toNanos(), generation);
      } catch (DockerException refused) {
        if (closed || isRunning()) {
          throw refused;
        }
        wait = Wait.CONTAINER_STOPPED; // It stopped between creating the exec and starting it.
      }
      if (wait == Wait.OVERRAN) {
        killMarked(marker);
        if (!frames.awaitCompletion(GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
          frames.closeQuietly();
        }
      }
      long durationMs = (System.nanoTime() - started) / 1_000_000;
      if (wait == Wait.CONTAINER_STOPPED && !closed) {
        frames.closeQuietly();
        String text = restartNote + output.text() + "\n" + recover(generation, null).note() + "\n";
        return new ExecResult(137, text, output.truncated(), false, durationMs);
      }
      boolean overran = wait == Wait.OVERRAN;
      int exitCode = exitCodeOf(execId);
      if (exitCode != 0 && !closed && (generation != generation() || stoppedUnder(exitCode))) {
        // The stream ended because the container stopped (gVisor's sandbox kernel was killed);
        // the engine's own words about it stay in the output.
        String text =
            restartNote + output.text() + "\n" + recover(generation, null).note() + "\n";
        return new ExecResult(137, text, output.truncated(), false, durationMs);
      }
      if (exitCode == 137 && !overran && !closed) {
        // Killed, by its time limit or the OOM killer: a process forked as its group was killed
        // (gVisor's kill of a group can miss one) or that left the group lives on; end those too.
        killMarked(marker);
      }
      if (exitCode == ENGINE_COULD_NOT_START && !closed && request.stdin() == null
          && output.text().startsWith("OCI runtime exec failed") && mayRestart) {
        // No process can start in the container: its process limit is full (survivors of a fork
        // bomb that raised their own limit). Only a restart frees it; the command then runs in the
        // fresh container. A command printing the same text only restarts its own container.
        Stop stop = recover(generation, "no process could start in it (its process table was full)");
        running.remove(frames);
        ExecResult retried = exec(request, false);
        return new ExecResult(
            retried.exitCode(),
            stop.note() + "\n" + retried.output(),
            retried.truncated(),
            retried.timedOut(),
            retried.durationMs());
      }
      boolean timedOut = overran || (exitCode == 137 && durationMs >= limit.toMillis());
      String text = restartNote + output.text() + why(exitCode, timedOut, limit);
      return new ExecResult(exitCode, text, output.truncated(), timedOut, durationMs);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      killMarked(marker);
      throw new SandboxException("interrupted while running a command in " + id, false, e);
    } finally {
      running.remove(frames);
      frames.closeQuietly();
    }
  }

  private enum Wait {
    FINISHED,
    OVERRAN,
    CONTAINER_STOPPED
  }

  /**
   * Waits for the command's output to end, looking at the container now and then: when the
   * container itself stops (under gVisor an out-of-memory kill or a fork bomb ends the whole sandbox
   * kernel, not one process), the engine keeps the exec's stream open, so without looking the
   * command would seem to run until its time limit.
   */
  private Wait await(Frames frames, long deadlineNanos, int generation)
      throws InterruptedException {
    while (true) {
      long left = deadlineNanos - System.nanoTime();
      if (left <= 0) {
        return Wait.OVERRAN;
      }
      if (frames.awaitEnd(Math.min(left, WATCH.toNanos()))) {
        return Wait.FINISHED;
      }
      if (closed) {
        return Wait.FINISHED;
      }
      if (generation != generation() || !isRunning()) {
        // One more look at the stream: a command that ended as the container stopped has its
        // exit code.
        return frames.awaitEnd(TimeUnit.MILLISECONDS.toNanos(10))
            ? Wait.FINISHED
            : Wait.CONTAINER_STOPPED;
      }
    }
  }

  private boolean isRunning() {
    try {
      return Boolean.TRUE.equals(
          engine.call(() -> client.inspectContainerCmd(id).exec()).getState().getRunning());
    } catch (NotFoundException removed) {
      return false;
    } catch (RuntimeException unsure) {
      return true; // The engine did not answer; the time limit still holds.
    }
  }

  private int generation() {
    synchronized (lifecycle) {
      return generation;
    }
  }

  /**
   * Whether the container stopped under a command that ended with {@code exitCode}. A command
   * killed with its container (137) can end before the engine reports the container stopped, so
   * its state is asked again for a moment before it is taken as running.
   */
  private boolean stoppedUnder(int exitCode) {
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
   */
  private Stop recover(int generationSeen, String wedged) {
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
        cause =
            wedged != null
                ? wedged
                : Boolean.TRUE.equals(state.getOOMKilled())
                    ? "out of memory (limit " + settings.memoryBytes() / (1024 * 1024) + " MB)"
                    : "its init exited with code " + state.getExitCodeLong();
        if (!closed && !running) {
          engine.run(() -> client.startContainerCmd(id).exec());
          restarted = true;
        }
      } catch (NotFoundException removed) {
        throw new SandboxException(
            "container " + id + " of task " + taskId + " is gone", false, removed);
      } catch (RuntimeException e) {
        cause = "unknown (" + SandboxException.rootMessage(e) + ")";
      }
      log.warn("container {} of task {} stopped: {}; restarted: {}", id, taskId, cause, restarted);
      generation++;
      lastStop = new Stop(cause, restarted, scratchOnDisk);
      return lastStop;
    }
  }

  /** Why the container stopped, and whether it runs again. */
  private record Stop(String cause, boolean restarted, boolean scratchOnDisk) {
    String note() {
      String kept =
          scratchOnDisk
              ? "/workspace, /tmp and the home directory are kept, background processes are not"
              : "/workspace is kept, /tmp, the home directory and background processes are not";
      return "[dockhand: the container stopped: "
          + cause
          + "; every process in it was killed"
          + (restarted ? "; it was started again: " + kept + "]" : " and it could not be started again]");
    }
  }

  /** A closing line saying why a command was killed, so the agent (and the log) can tell. */
  private String why(int exitCode, boolean timedOut, Duration limit) {
    if (closed) {
      return "\n[dockhand: the container was removed while the command ran]\n";
    }
    if (timedOut) {
      return "\n[dockhand: the command was killed at its time limit of " + format(limit) + "]\n";
    }
    if (exitCode == 137 && oomCounter.killedSinceLastLook()) {
      return "\n[dockhand: the command was killed: out of memory (limit "
          + settings.memoryBytes() / (1024 * 1024)
          + " MB)]\n";
    }
    return "";
  }

  private Duration limitOf(ExecRequest request) {
    Duration limit = request.timeout() == null ? settings.execTimeout() : request.timeout();
    if (limit.isNegative() || limit.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, got " + limit);
    }
    return limit.compareTo(settings.execTimeout()) > 0 ? settings.execTimeout() : limit;
  }

  private String createExec(ExecRequest request, Duration limit, String marker) {
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
      if (closed) {
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

  private SandboxException gone(RuntimeException cause) {
    return new SandboxException("container " + id + " of task " + taskId + " is gone", false, cause);
  }

  /** The engine refused an exec because the container is not running (it stopped by itself). */
  private static final class ContainerStopped extends RuntimeException {
    ContainerStopped(Throwable cause) {
      super(cause);
    }
  }

  private static String format(Duration limit) {
    return String.format(Locale.ROOT, "%.3fs", limit.toMillis() / 1000.0);
  }

  private int exitCodeOf(String execId) {
    long deadline = System.nanoTime() + GRACE.toNanos();
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
      if (System.nanoTime() > deadline || closed) {
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

  @Override
  public void close() {
    closed = true;
    try {
      engine.run(
          () -> client.removeContainerCmd(id).withForce(true).withRemoveVolumes(true).exec());
    } catch (NotFoundException alreadyGone) {
      // Someone (the reaper, an operator) removed it first; the goal is reached.
    } catch (RuntimeException e) {
      log.warn("could not remove container {} of task {}: {}", id, taskId, e.getMessage());
    } finally {
      running.forEach(Frames::closeQuietly);
    }
  }

  /** Receives one command's output frames; asks for the command to stop when it prints too much. */
  private static final class Frames extends ResultCallback.Adapter<Frame> {
    private final ExecOutput output;
    private final Runnable stop;
    private final CountDownLatch ended = new CountDownLatch(1);

    Frames(ExecOutput output, Runnable stop) {
      this.output = output;
      this.stop = stop;
    }

    @Override
    public void onNext(Frame frame) {
      if (!output.accept(frame.getPayload())) {
        Thread.ofVirtual().start(stop);
      }
    }

    @Override
    public void onComplete() {
      super.onComplete();
      ended.countDown();
    }

    @Override
    public void onError(Throwable throwable) {
      super.onError(throwable);
      ended.countDown();
    }

    @Override
    public void close() throws IOException {
      try {
        super.close();
      } finally {
        ended.countDown();
      }
    }

    /**
     * Whether the stream ended within the wait. Unlike {@code awaitCompletion(timeout)}, which
     * closes the stream when its wait runs out, this leaves the stream open to wait again.
     */
    boolean awaitEnd(long nanos) throws InterruptedException {
      return ended.await(nanos, TimeUnit.NANOSECONDS);
    }

    void closeQuietly() {
      try {
        close();
      } catch (IOException ignored) {
        // Closing an already finished stream has nothing left to release.
      }
    }
  }
}
