package dev.dockhand.run;

import dev.dockhand.DockhandException;
import dev.dockhand.agent.AgentLimitException;
import dev.dockhand.agent.AgentOutcome;
import dev.dockhand.env.ChecksCommand;
import dev.dockhand.env.ChecksDetection;
import dev.dockhand.events.EventLog;
import dev.dockhand.events.EventPayload.UserMessage;
import dev.dockhand.events.Usage;
import dev.dockhand.git.ChecksReport;
import dev.dockhand.git.GitWorkspace;
import dev.dockhand.queue.Task;
import dev.dockhand.queue.TaskContext;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The agent's part of an attempt, with the repository's checks after it: when the agent ends its
 * turn the checks run, and while they fail the agent gets their failure as a new message and
 * another run, up to DOCKHAND_CHECKS_ROUNDS such rounds. The runs share the attempt's limits: each
 * further run has the turns left, sees the money spent, and stops when the attempt's time is up. A
 * round is numbered from the task's log, so an attempt retried mid-round goes on counting. When no
 * round is left, the work is published as it is, the failure reported. Thread-safe: each attempt
 * has its own state.
 */
public final class CheckRounds {
  private final ChecksPhase checks;
  private final int fixRounds;
  private final Duration maxDuration;
  private final EventLog eventLog;
  private final Clock clock;

  /** One run of the agent with the task's stored events, as the pipeline runs it. */
  @FunctionalInterface
  interface Agent {
    AgentEnd run(Task task, TaskContext context);
  }

  /**
   * How the agent's part ended: one outcome for all its runs (the first run's summary, all turns
   * and usage), the last checks, and what the agent said after each fix.
   */
  record Checked(AgentEnd end, Optional<ChecksReport> checks, List<String> fixes) {}

  /**
   * @param fixRounds DOCKHAND_CHECKS_ROUNDS
   * @param maxDuration DOCKHAND_MAX_DURATION, the attempt's time from the agent's start
   */
  public CheckRounds(
      ChecksPhase checks, int fixRounds, Duration maxDuration, EventLog eventLog, Clock clock) {
    this.checks = checks;
    this.fixRounds = fixRounds;
    this.maxDuration = maxDuration;
    this.eventLog = eventLog;
    this.clock = clock;
  }

  Checked run(TaskContext context, Task task, Preparation preparation, Agent agent) {
    long started = clock.millis();
    long deadline = started + maxDuration.toMillis();
    Timer agentTime = new Timer(context, "agent");
    AgentEnd end = agentTime.time(() -> agent.run(task, context));
    if (!(end instanceof AgentEnd.Finished first)) {
      return new Checked(end, Optional.empty(), List.of());
    }
    GitWorkspace workspace = preparation.awaitReady();
    Optional<ChecksCommand> command =
        ChecksDetection.resolve(
            preparation.environment(), workspace::startFile, workspace::startDirectory);
    if (command.isEmpty()) {
      return new Checked(end, Optional.empty(), List.of());
    }
    Timer checksTime = new Timer(context, "checks");
    AgentOutcome total = first.outcome();
    List<String> fixes = new ArrayList<>();
    int round = AttemptHistory.read(eventLog, task.id()).checksRuns() + 1;
    while (true) {
      int thisRound = round;
      ChecksPhase.Run run =
          checksTime.time(
              () -> checks.run(context, preparation.container(), command.get(), thisRound));
      Optional<String> stopped =
          run.passed() ? Optional.empty() : noRoundLeft(context, task, total, round, deadline);
      if (run.passed() || stopped.isPresent()) {
        return new Checked(new AgentEnd.Finished(total), Optional.of(report(run, stopped)), fixes);
      }
      context.events().append(new UserMessage(FailureMessage.of(run, round, fixRounds), true));
      RoundContext roundContext = new RoundContext(context, total.usage(), deadline, clock);
      Task roundTask = task.afterTurns(total.turns(), total.usage());
      AgentEnd next = agentTime.time(() -> fixRound(agent, roundTask, roundContext));
      if (!(next instanceof AgentEnd.Finished fixed)) {
        return new Checked(
            attemptWide(next, task), Optional.of(report(run, Optional.empty())), fixes);
      }
      fixes.add(fixed.outcome().summary());
      total = combined(total, fixed.outcome());
      round++;
    }
  }

  /** A fix round stopped by the attempt's clock ends like a run over its time limit. */
  private AgentEnd fixRound(Agent agent, Task task, RoundContext context) {
    try {
      return agent.run(task, context);
    } catch (DockhandException stopped) {
      if (stopped.code().equals("cancelled") && context.stoppedByClock()) {
        return new AgentEnd.Limited(
            new AgentLimitException(
                AgentLimitException.MAX_DURATION,
                "the task ran for its longest allowed time of "
                    + maxDuration.toMinutes()
                    + " minutes"));
      }
      throw stopped;
    }
  }

  /**
   * A fix round runs with the turns left: its turn limit is told as the task's own, so the reason
   * names the limit the person set.
   */
  private static AgentEnd attemptWide(AgentEnd end, Task task) {
    if (end instanceof AgentEnd.Limited limited
        && limited.limit().code().equals(AgentLimitException.MAX_TURNS)) {
      return new AgentEnd.Limited(
          new AgentLimitException(
              AgentLimitException.MAX_TURNS,
              "the task reached its limit of "
                  + task.maxTurns()
                  + " model turns in a round fixing its failed checks"));
    }
    return end;
  }

  /** Why a failed run gets no further round; empty when it gets one. */
  private Optional<String> noRoundLeft(
      TaskContext context, Task task, AgentOutcome total, int round, long deadline) {
    if (round > fixRounds) {
      return Optional.of(
          fixRounds == 0
              ? "the agent gets no rounds to fix failing checks (DOCKHAND_CHECKS_ROUNDS is 0)"
              : "the agent had its " + fixRounds + " rounds to fix them (DOCKHAND_CHECKS_ROUNDS)");
    }
    if (total.turns() >= task.maxTurns()) {
      return Optional.of("the task had no model turns left (of " + task.maxTurns() + ")");
    }
    if (task.usage().costUsd() + total.usage().costUsd() >= task.budgetUsd()) {
      return Optional.of(String.format("the task had spent its $%.2f budget", task.budgetUsd()));
    }
    if (clock.millis() >= deadline) {
      return Optional.of("the task's time was up (DOCKHAND_MAX_DURATION)");
    }
    return context
        .ownerSpendLimit()
        .map(reached -> "its owner reached their " + reached.describe());
  }

  private static ChecksReport report(ChecksPhase.Run run, Optional<String> stopped) {
    return new ChecksReport(run.result(), run.tail(), run.limit(), stopped);
  }

  private static AgentOutcome combined(AgentOutcome earlier, AgentOutcome later) {
    String summary = earlier.summary().isBlank() ? later.summary() : earlier.summary();
    Usage usage = earlier.usage().plus(later.usage());
    return new AgentOutcome(summary, earlier.turns() + later.turns(), usage, later.stopReason());
  }

  /** A phase's time summed over its runs in this attempt, recorded after each. */
  private final class Timer {
    private final TaskContext context;
    private final String phase;
    private long total;

    Timer(TaskContext context, String phase) {
      this.context = context;
      this.phase = phase;
    }

    <T> T time(Supplier<T> work) {
      long start = clock.millis();
      try {
        return work.get();
      } finally {
        total += clock.millis() - start;
        context.timing(phase, total);
      }
    }
  }
}
