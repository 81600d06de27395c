package dev.dockhand.sandbox;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectExecResponse;
import com.github.dockerjava.api.exception.ConflictException;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running task container. Commands run through {@code docker exec} under GNU {@code timeout},
 * which puts the command in its own process group and kills that whole group at the limit, inside
 * the container, even if this process is gone. As a second line, every command carries a unique
 * environment marker, and when it overruns the server kills every process bearing the marker, which
 * also finds processes that left the group. Thread-safe: commands may run concurrently and {@link
 * #close()} may be called from any thread, ending commands in flight.
 */
final class DockerContainer implements SandboxContainer {
  private static final Logger log = LoggerFactory.getLogger(DockerContainer.class);
  private static final String MARKER_KEY = "DOCKHAND_EXEC";

  /** Time after the limit for the in-container kill to end the output stream by itself. */
  private static final Duration GRACE = Duration.ofSeconds(2);

  private final DockerEngine engine;
  private final DockerClient client;
  private final SandboxSettings settings;
  private final String id;
  private final String taskId;
  private final Set<Frames> running = ConcurrentHashMap.newKeySet();
  private final OomCounter oomCounter;
  private volatile boolean closed;

  DockerContainer(DockerEngine engine, SandboxSettings settings, String id, String taskId) {
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
    String execId = createExec(request, limit, marker);
    Frames frames = new Frames(output, () -> killMarked(marker));
    running.add(frames);
    try {
      var start = client.execStartCmd(execId).withDetach(false);
      if (request.stdin() != null) {
        start.withStdIn(new ByteArrayInputStream(request.stdin()));
      }
      engine.call(() -> start.exec(frames));
      boolean overran =
          !frames.awaitCompletion(limit.plus(GRACE).toMillis(), TimeUnit.MILLISECONDS);
      if (overran) {
        killMarked(marker);
        if (!frames.awaitCompletion(GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
          frames.closeQuietly();
        }
      }
      long durationMs = (System.nanoTime() - started) / 1_000_000;
      int exitCode = exitCodeOf(execId);
      boolean timedOut = overran || (exitCode == 137 && durationMs >= limit.toMillis());
      String text = output.text() + why(exitCode, timedOut, limit);
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
    } catch (NotFoundException | ConflictException gone) {
      throw new SandboxException(
          "container " + id + " of task " + taskId + " is gone", false, gone);
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

  /** Kills every process carrying this command's marker, including any that left its group. */
  void killMarked(String marker) {
    String script =
        "for d in /proc/[0-9]*; do "
            + "if tr '\\0' '\\n' < \"$d/environ\" 2>/dev/null | grep -qxF \"$1\"; then "
            + "kill -KILL \"${d#/proc/}\" 2>/dev/null; fi; done; true";
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

    void closeQuietly() {
      try {
        close();
      } catch (IOException ignored) {
        // Closing an already finished stream has nothing left to release.
      }
    }
  }
}
