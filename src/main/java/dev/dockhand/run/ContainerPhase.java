package dev.dockhand.run;

import dev.dockhand.DockhandException;
import dev.dockhand.agent.AgentLimitException;
import dev.dockhand.agent.AgentLoop;
import dev.dockhand.agent.AgentOutcome;
import dev.dockhand.env.RepoEnvironment;
import dev.dockhand.events.Event;
import dev.dockhand.events.EventLog;
import dev.dockhand.git.GitWorkspace;
import dev.dockhand.git.RepoUrl;
import dev.dockhand.metrics.Metrics;
import dev.dockhand.queue.EventLimitException;
import dev.dockhand.queue.Task;
import dev.dockhand.queue.TaskContext;
import dev.dockhand.sandbox.ExecRequest;
import dev.dockhand.sandbox.ExecResult;
import dev.dockhand.sandbox.Sandbox;
import dev.dockhand.sandbox.SandboxContainer;
import dev.dockhand.sandbox.TaskDisk;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What an attempt does inside its container: check the repository out, run the environment's setup,
 * then the agent. The container lives exactly as long as that: it is gone before the commit, so
 * nothing in it can change the work tree while the host reads it. Its proxy outlives it by the
 * moment it takes to record the last refusals. Thread-safe: each attempt has its own state.
 */
final class ContainerPhase {
  /** Writing a large checkout is disk-bound; ten minutes covers repositories of gigabytes. */
  private static final Duration CHECKOUT_TIMEOUT = Duration.ofMinutes(10);

  private final AttemptNetwork network;
  private final Sandbox sandbox;
  private final SetupPhase setup;
  private final AgentLoop agent;
  private final EventLog eventLog;
  private final Metrics metrics;
  private final Clock clock;
  private final AtomicInteger runningContainers = new AtomicInteger();

  ContainerPhase(
      AttemptNetwork network,
      Sandbox sandbox,
      SetupPhase setup,
      AgentLoop agent,
      EventLog eventLog,
      Metrics metrics,
      Clock clock) {
    this.network = network;
    this.sandbox = sandbox;
    this.setup = setup;
    this.agent = agent;
    this.eventLog = eventLog;
    this.metrics = metrics;
    this.clock = clock;
  }

  AgentEnd run(
      TaskContext context,
      Task task,
      TaskDisk disk,
      GitWorkspace workspace,
      RepoUrl repo,
      RepoEnvironment environment) {
    try (AttemptEgress egress = network.open(context);
        SandboxContainer container =
            Timed.phase(
                context,
                clock,
                "container",
                () -> sandbox.start(task.id(), egress.mounts(disk.files())))) {
      metrics.runningSandboxes(runningContainers.incrementAndGet());
      try {
        context.onCancel(container::close);
        stopIfCancelled(context);
        checkOut(container, workspace);
        setup.run(context, container, environment, repo);
        SandboxContainer agentView = EnvContainer.of(container, environment.env());
        List<Event> history = AttemptHistory.of(eventLog, task.id());
        AgentOutcome outcome =
            Timed.phase(
                context, clock, "agent", () -> agent.run(task, agentView, context, history));
        metrics.modelUsage(outcome.usage());
        return new AgentEnd.Finished(outcome);
      } catch (AgentLimitException | EventLimitException limit) {
        return new AgentEnd.Limited(limit);
      } finally {
        metrics.runningSandboxes(runningContainers.decrementAndGet());
      }
    }
  }

  /** The repository's files are written by the sandbox alone, never by the host. */
  private static void checkOut(SandboxContainer container, GitWorkspace workspace) {
    ExecResult checkout =
        container.exec(
            ExecRequest.of(CHECKOUT_TIMEOUT, workspace.checkoutCommand().toArray(String[]::new)));
    if (checkout.exitCode() != 0) {
      String output = checkout.output().strip();
      throw new DockhandException(
          "git_checkout",
          "checking the repository out in the container failed (exit "
              + checkout.exitCode()
              + "): "
              + output.substring(Math.max(0, output.length() - 500)));
    }
  }

  static void stopIfCancelled(TaskContext context) {
    if (context.cancelled()) {
      throw new DockhandException("cancelled", "the task was cancelled");
    }
  }
}
