package dev.dockhand.run;

import dev.dockhand.DockhandException;
import dev.dockhand.env.ChecksCommand;
import dev.dockhand.env.TestCounts;
import dev.dockhand.events.DeltaStream;
import dev.dockhand.events.EventPayload.ChecksFinished;
import dev.dockhand.queue.TaskContext;
import dev.dockhand.sandbox.ExecRequest;
import dev.dockhand.sandbox.ExecResult;
import dev.dockhand.sandbox.SandboxContainer;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Runs a repository's checks once in the task's container after the agent's turn, the way setup
 * runs: as the sandbox user, in /workspace, through the egress proxy, with the environment's
 * variables (the container given is the attempt's), its output streamed live ({@code checks}
 * deltas) and kept whole in the container's /tmp, and its result stored as a {@code
 * checks.finished} event with the test counts read from the runner's summary lines. The command
 * comes from the person or the repository and only ever runs in the sandbox. Stateless and
 * thread-safe.
 */
public final class ChecksPhase {
  /** How much of a failed run's output the agent and the pull request get: its end. */
  static final int TAIL_CHARS = 3000;

  private final Duration timeout;
  private final Duration commandCeiling;
  private final Clock clock;

  /**
   * @param timeout the longest one run may take (DOCKHAND_CHECKS_TIMEOUT)
   * @param commandCeiling the longest the sandbox lets any one command run (DOCKHAND_EXEC_TIMEOUT)
   */
  public ChecksPhase(Duration timeout, Duration commandCeiling, Clock clock) {
    this.timeout = timeout;
    this.commandCeiling = commandCeiling;
    this.clock = clock;
  }

  /**
   * One run's result.
   *
   * @param tail the end of a failed run's output (empty when it passed)
   * @param limit the time limit a run that was stopped met, naming its key
   * @param log where the whole output is in the container
   */
  record Run(ChecksFinished result, String tail, Optional<String> limit, String log) {
    boolean passed() {
      return result.succeeded();
    }
  }

  Run run(TaskContext context, SandboxContainer container, ChecksCommand checks, int round) {
    ContainerLog log = new ContainerLog("/tmp/.dockhand-checks-" + round + ".log");
    long start = clock.millis();
    ExecResult result;
    try (LiveOutput live = new LiveOutput(context.events(), DeltaStream.CHECKS)) {
      live.accept("$ " + checks.script() + "\n");
      result =
          container.exec(
              new ExecRequest(
                  log.teed(checks.command()), "/workspace", Map.of(), null, timeout, live::accept));
    } catch (RuntimeException failed) {
      stopIfCancelled(context); // a cancel removes the container under the command
      throw failed;
    }
    stopIfCancelled(context);
    long took = clock.millis() - start;
    int exitCode = result.timedOut() ? -1 : result.exitCode();
    TestCounts counts = TestCounts.parse(log.matching(container, TestCounts.SUMMARY_LINES));
    ChecksFinished finished =
        new ChecksFinished(
            checks.script(),
            exitCode,
            counts.passed().orElse(null),
            counts.failed().orElse(null),
            took,
            round);
    context.events().append(finished);
    String tail = exitCode == 0 ? "" : log.tail(container, TAIL_CHARS);
    return new Run(finished, tail, limitMet(result), log.path());
  }

  private static void stopIfCancelled(TaskContext context) {
    if (context.cancelled()) {
      throw new DockhandException("cancelled", "the task was cancelled");
    }
  }

  private Optional<String> limitMet(ExecResult result) {
    if (!result.timedOut()) {
      return Optional.empty();
    }
    return Optional.of(
        commandCeiling.compareTo(timeout) < 0
            ? SetupPhase.minutes(commandCeiling)
                + " (DOCKHAND_EXEC_TIMEOUT, any one command's limit)"
            : SetupPhase.minutes(timeout) + " (DOCKHAND_CHECKS_TIMEOUT)");
  }
}
