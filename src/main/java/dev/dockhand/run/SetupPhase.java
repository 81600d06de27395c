package dev.dockhand.run;

import dev.dockhand.DockhandException;
import dev.dockhand.env.EnvCommand;
import dev.dockhand.env.RepoEnvironment;
import dev.dockhand.events.DeltaStream;
import dev.dockhand.events.EventPayload.SetupFinished;
import dev.dockhand.events.EventPayload.SetupStarted;
import dev.dockhand.git.RepoUrl;
import dev.dockhand.queue.TaskContext;
import dev.dockhand.sandbox.ExecRequest;
import dev.dockhand.sandbox.ExecResult;
import dev.dockhand.sandbox.SandboxContainer;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Runs a repository's setup commands in the task's container before the agent: as the sandbox user,
 * in /workspace, through the egress proxy like everything else the container does, with the
 * environment's variables, its output streamed live ({@code setup} deltas) and framed by {@code
 * setup.started} and {@code setup.finished}. A command that fails stops the setup; unless the
 * settings say to go on, the task then fails with {@code setup_failed}, the output's tail and where
 * to change the setup. The commands come from the person or the repository and only ever run in the
 * sandbox. Stateless and thread-safe.
 */
public final class SetupPhase {
  /** The whole output, kept in the container's /tmp so a failure can quote its end. */
  static final ContainerLog LOG = new ContainerLog("/tmp/.dockhand-setup.log");

  static final int TAIL_CHARS = 1500;

  private final Duration timeout;
  private final Duration commandCeiling;
  private final Optional<URI> publicUrl;
  private final Clock clock;

  /**
   * @param timeout the longest the whole setup may run (DOCKHAND_SETUP_TIMEOUT)
   * @param commandCeiling the longest the sandbox lets any one command run (DOCKHAND_EXEC_TIMEOUT)
   * @param publicUrl DOCKHAND_PUBLIC_URL, for the link to the settings in a failure's reason
   */
  public SetupPhase(
      Duration timeout, Duration commandCeiling, Optional<URI> publicUrl, Clock clock) {
    this.timeout = timeout;
    this.commandCeiling = commandCeiling;
    this.publicUrl = publicUrl;
    this.clock = clock;
  }

  /** What the setup did; nothing at all ({@code ran} false) when the environment has none. */
  record Result(boolean ran, int exitCode, long durationMs) {
    static final Result NOTHING = new Result(false, 0, 0);
  }

  /** The environment's setup, in a container that has none yet. */
  Result run(
      TaskContext context, SandboxContainer container, RepoEnvironment environment, RepoUrl repo) {
    if (environment.setup().isEmpty()) {
      return Result.NOTHING;
    }
    return commands(context, container, environment, repo, environment.setup(), false, 0);
  }

  /**
   * After a cached environment was restored in {@code restoreMs}: its maintenance commands (if any)
   * instead of the setup, framed by the same events, {@code setup.finished} saying cached.
   */
  Result afterRestore(
      TaskContext context,
      SandboxContainer container,
      RepoEnvironment environment,
      RepoUrl repo,
      long restoreMs) {
    return commands(
        context, container, environment, repo, environment.maintenance(), true, restoreMs);
  }

  private Result commands(
      TaskContext context,
      SandboxContainer container,
      RepoEnvironment environment,
      RepoUrl repo,
      List<EnvCommand> commands,
      boolean cached,
      long earlierMs) {
    context
        .events()
        .append(new SetupStarted(environment.source(), environment.file().orElse(null)));
    long start = clock.millis();
    long deadline = start + timeout.toMillis();
    int exitCode = 0;
    EnvCommand failed = null;
    String timedOut = null;
    try (LiveOutput live = new LiveOutput(context.events(), DeltaStream.SETUP)) {
      for (EnvCommand command : commands) {
        live.accept("$ " + command.display() + "\n");
        long left = deadline - clock.millis();
        boolean ceiling = commandCeiling.toMillis() < left;
        ExecResult result =
            left <= 0
                ? new ExecResult(-1, "", false, true, 0)
                : container.exec(
                    new ExecRequest(
                        LOG.teed(command),
                        "/workspace",
                        environment.env(),
                        null,
                        Duration.ofMillis(left),
                        live::accept));
        if (context.cancelled()) {
          throw new DockhandException("cancelled", "the task was cancelled");
        }
        if (result.timedOut() || result.exitCode() != 0) {
          timedOut =
              !result.timedOut()
                  ? null
                  : ceiling
                      ? minutes(commandCeiling)
                          + " (DOCKHAND_EXEC_TIMEOUT, any one command's limit)"
                      : minutes(timeout) + " (DOCKHAND_SETUP_TIMEOUT)";
          exitCode = result.timedOut() ? -1 : result.exitCode();
          failed = command;
          break;
        }
      }
    }
    long took = clock.millis() - start;
    context.timing("setup", took);
    context.events().append(new SetupFinished(exitCode, earlierMs + took, cached));
    if (failed != null && !environment.continueOnSetupFailure()) {
      throw failure(
          container,
          environment,
          repo,
          cached ? "maintenance" : "setup",
          failed,
          exitCode,
          timedOut);
    }
    return new Result(true, exitCode, took);
  }

  private DockhandException failure(
      SandboxContainer container,
      RepoEnvironment environment,
      RepoUrl repo,
      String what,
      EnvCommand failed,
      int exitCode,
      String timedOut) {
    String command = cut(failed.display(), 200);
    String how = timedOut != null ? "did not finish within " + timedOut : "exited with " + exitCode;
    String tail = LOG.tail(container, TAIL_CHARS);
    String from =
        environment
            .file()
            .map(
                file ->
                    " The setup comes from the repository's "
                        + file
                        + ";"
                        + " settings saved in Dockhand take its place.")
            .orElse("");
    return new DockhandException(
        "setup_failed",
        what
            + " failed: `"
            + command
            + "` "
            + how
            + "."
            + (tail.isEmpty() ? "" : " Its output ended with:\n" + tail + "\n")
            + from
            + " Edit the setup at "
            + settingsLink(repo)
            + ", or let tasks go on when it fails.");
  }

  /** The web app's page for this repository's environment. */
  String settingsLink(RepoUrl repo) {
    String page = "/#/repos/" + repo.owner() + "/" + repo.name() + "/environment";
    return publicUrl.map(url -> url.toString().replaceAll("/+$", "") + page).orElse(page);
  }

  static String minutes(Duration duration) {
    long seconds = duration.toSeconds();
    return seconds % 60 == 0 ? seconds / 60 + " min" : seconds + " s";
  }

  private static String cut(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max) + "…";
  }
}
