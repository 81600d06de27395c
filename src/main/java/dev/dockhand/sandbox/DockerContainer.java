package dev.dockhand.sandbox;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
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

  /** Time after the limit for the in-container kill to end the output stream by itself. */
  private static final Duration GRACE = Duration.ofSeconds(2);

  /** The exit code docker gives an exec it could not start. */
  private static final int ENGINE_COULD_NOT_START = 126;

  /** How often a running command's container is looked at, to notice it stopped. */
  private static final Duration WATCH = Duration.ofSeconds(1);

  private final DockerEngine engine;
  private final DockerClient client;
  private final SandboxSettings settings;
  private final String id;
  private final String taskId;
  private final ContainerRestarts restarts;
  private final ContainerExecs execs;
  private final Set<ExecFrames> running = ConcurrentHashMap.newKeySet();
  private final OomCounter oomCounter;

  /**
   * @param scratchOnDisk whether /tmp and home are the task disk's (kept when the container is
   *     started again) rather than tmpfs (lost with it)
   */
  DockerContainer(
      DockerEngine engine,
      SandboxSettings settings,
      String id,
      String taskId,
      boolean scratchOnDisk) {
    ContainerHandle handle = new ContainerHandle(engine, settings, id, taskId);
    this.engine = engine;
    this.client = engine.client();
    this.settings = settings;
    this.id = id;
    this.taskId = taskId;
    this.restarts = new ContainerRestarts(handle, scratchOnDisk);
    this.execs = new ContainerExecs(handle, restarts);
    this.oomCounter = new OomCounter(execs);
  }

  private boolean closed() {
    return restarts.closed();
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
    int generation = restarts.generation();
    String execId;
    try {
      execId = execs.create(request, limit, marker);
    } catch (ContainerExecs.ContainerStopped stopped) {
      // It stopped since the last command (a process left running then ran it out of memory):
      // started again, this command runs in the fresh one and the agent is told what was lost.
      restartNote = restarts.recover(generation, null).note() + "\n";
      generation = restarts.generation();
      try {
        execId = execs.create(request, limit, marker);
      } catch (ContainerExecs.ContainerStopped again) {
        throw execs.gone(again);
      }
    }
    ExecFrames frames = new ExecFrames(output, () -> execs.killMarked(marker));
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
        if (closed() || restarts.isRunning()) {
          throw refused;
        }
        wait = Wait.CONTAINER_STOPPED; // It stopped between creating the exec and starting it.
      }
      if (wait == Wait.OVERRAN) {
        execs.killMarked(marker);
        if (!frames.awaitCompletion(GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
          frames.closeQuietly();
        }
      }
      long durationMs = (System.nanoTime() - started) / 1_000_000;
      if (wait == Wait.CONTAINER_STOPPED && !closed()) {
        frames.closeQuietly();
        String text =
            restartNote + output.text() + "\n" + restarts.recover(generation, null).note() + "\n";
        return new ExecResult(137, text, output.truncated(), false, durationMs);
      }
      boolean overran = wait == Wait.OVERRAN;
      int exitCode = execs.exitCodeOf(execId);
      if (exitCode != 0
          && !closed()
          && (generation != restarts.generation() || restarts.stoppedUnder(exitCode))) {
        // The stream ended because the container stopped (gVisor's sandbox kernel was killed);
        // the engine's own words about it stay in the output.
        String text =
            restartNote + output.text() + "\n" + restarts.recover(generation, null).note() + "\n";
        return new ExecResult(137, text, output.truncated(), false, durationMs);
      }
      if (exitCode == 137 && !overran && !closed()) {
        // Killed, by its time limit or the OOM killer: a process forked as its group was killed
        // (gVisor's kill of a group can miss one) or that left the group lives on; end those too.
        execs.killMarked(marker);
      }
      if (exitCode == ENGINE_COULD_NOT_START
          && !closed()
          && request.stdin() == null
          && output.text().startsWith("OCI runtime exec failed")
          && mayRestart) {
        // No process can start in the container: its process limit is full (survivors of a fork
        // bomb that raised their own limit). Only a restart frees it; the command then runs in the
        // fresh container. A command printing the same text only restarts its own container.
        String full = "no process could start in it (its process table was full)";
        ContainerRestarts.Stop stop = restarts.recover(generation, full);
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
      execs.killMarked(marker);
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
   * container itself stops (under gVisor an out-of-memory kill or a fork bomb ends the whole
   * sandbox kernel, not one process), the engine keeps the exec's stream open, so without looking
   * the command would seem to run until its time limit.
   */
  private Wait await(ExecFrames frames, long deadlineNanos, int generation)
      throws InterruptedException {
    while (true) {
      long left = deadlineNanos - System.nanoTime();
      if (left <= 0) {
        return Wait.OVERRAN;
      }
      if (frames.awaitEnd(Math.min(left, WATCH.toNanos()))) {
        return Wait.FINISHED;
      }
      if (closed()) {
        return Wait.FINISHED;
      }
      if (generation != restarts.generation() || !restarts.isRunning()) {
        // One more look at the stream: a command that ended as the container stopped has its
        // exit code.
        return frames.awaitEnd(TimeUnit.MILLISECONDS.toNanos(10))
            ? Wait.FINISHED
            : Wait.CONTAINER_STOPPED;
      }
    }
  }

  /** A closing line saying why a command was killed, so the agent (and the log) can tell. */
  private String why(int exitCode, boolean timedOut, Duration limit) {
    if (closed()) {
      return "\n[dockhand: the container was removed while the command ran]\n";
    }
    if (timedOut) {
      return "\n[dockhand: the command was killed at its time limit of "
          + ContainerExecs.format(limit)
          + "]\n";
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

  @Override
  public void freeze() {
    try {
      engine.run(() -> client.pauseContainerCmd(id).exec());
    } catch (RuntimeException e) {
      throw new SandboxException(
          "cannot pause container of task " + taskId + ": " + SandboxException.rootMessage(e), e);
    }
  }

  @Override
  public void thaw() {
    try {
      engine.run(() -> client.unpauseContainerCmd(id).exec());
    } catch (RuntimeException e) {
      throw new SandboxException(
          "cannot unpause container of task " + taskId + ": " + SandboxException.rootMessage(e), e);
    }
  }

  @Override
  public void close() {
    restarts.markClosed();
    try {
      engine.run(
          () -> client.removeContainerCmd(id).withForce(true).withRemoveVolumes(true).exec());
    } catch (NotFoundException alreadyGone) {
      // Someone (the reaper, an operator) removed it first; the goal is reached.
    } catch (RuntimeException e) {
      log.warn("could not remove container {} of task {}: {}", id, taskId, e.getMessage());
    } finally {
      running.forEach(ExecFrames::closeQuietly);
    }
  }
}
