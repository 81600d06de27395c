package dev.dockhand.run;

import dev.dockhand.DockhandException;
import dev.dockhand.agent.AgentLimitException;
import dev.dockhand.agent.AgentLoop;
import dev.dockhand.agent.AgentOutcome;
import dev.dockhand.config.Secret;
import dev.dockhand.env.Environments;
import dev.dockhand.events.Event;
import dev.dockhand.events.EventLog;
import dev.dockhand.events.EventPayload.GitPushed;
import dev.dockhand.events.EventPayload.PrOpened;
import dev.dockhand.git.GitPublisher;
import dev.dockhand.git.GitSettings;
import dev.dockhand.git.GitWorkspace;
import dev.dockhand.git.PublishRequest;
import dev.dockhand.git.PublishResult;
import dev.dockhand.git.RepoUrl;
import dev.dockhand.git.RunReport;
import dev.dockhand.git.WorkspaceLimits;
import dev.dockhand.metrics.Metrics;
import dev.dockhand.queue.AttemptOutcome;
import dev.dockhand.queue.EventLimitException;
import dev.dockhand.queue.Task;
import dev.dockhand.queue.TaskContext;
import dev.dockhand.queue.TaskQueue;
import dev.dockhand.queue.TaskResult;
import dev.dockhand.queue.TaskStep;
import dev.dockhand.sandbox.Sandbox;
import dev.dockhand.sandbox.TaskDisk;
import dev.dockhand.sandbox.TaskDisks;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One task attempt from claim to push: clone on the host, start the container, run the agent in it,
 * then commit, push and open the pull request. Every side effect can be repeated (a fresh workspace
 * and container per attempt, the task's own branch, an existing pull request found), as the queue
 * may run an attempt again after a crash. Thread-safe: each attempt has its own state.
 */
public final class TaskPipeline implements TaskStep {
  private final GitSettings git;
  private final TaskOwner.Lookup owners;
  private final TaskDisks disks;
  private final Preparation.Parts parts;
  private final AgentLoop agent;
  private final CheckRounds checkRounds;
  private final Function<RepoUrl, GitPublisher> publishers;
  private final TaskQueue queue;
  private final EventLog eventLog;
  private final Metrics metrics;
  private final Clock clock;
  private final WorkspaceLimits limits;

  public TaskPipeline(
      GitSettings git,
      TaskOwner.Lookup owners,
      TaskDisks disks,
      Environments environments,
      EnvironmentPhase environment,
      AttemptNetwork network,
      Sandbox sandbox,
      AgentLoop agent,
      CheckRounds checkRounds,
      Function<RepoUrl, GitPublisher> publishers,
      TaskQueue queue,
      EventLog eventLog,
      Metrics metrics,
      Clock clock) {
    this.git = git;
    this.owners = owners;
    this.disks = disks;
    this.parts =
        new Preparation.Parts(
            environments, environment, network, sandbox, metrics, clock, new AtomicInteger());
    this.agent = agent;
    this.checkRounds = checkRounds;
    this.publishers = publishers;
    this.queue = queue;
    this.eventLog = eventLog;
    this.metrics = metrics;
    this.clock = clock;
    this.limits =
        disks.settings().bounded()
            ? WorkspaceLimits.DEFAULT.withMaxTotalBytes(disks.settings().limitBytes())
            : WorkspaceLimits.DEFAULT;
  }

  @Override
  public AttemptOutcome.Finished run(TaskContext context) {
    Task task = context.task();
    RepoUrl repo = RepoUrl.parse(task.repo(), git);
    TaskOwner owner = owners.of(task.userId(), repo);
    Secret token = tokenOf(owner);
    stopIfOwnerAtSpendLimit(context);
    // Everything the attempt writes, the host-side clone included, lives on its own bounded disk.
    try (TaskDisk disk = disks.create(task.id() + "-" + task.attempt());
        Preparation preparation =
            Preparation.start(
                parts, new Preparation.Attempt(context, task, repo, token, disk, limits))) {
      CheckRounds.Checked checked =
          checkRounds.run(
              context,
              task,
              preparation,
              (roundTask, roundContext) -> runAgent(roundContext, roundTask, preparation));
      // Every tool call waited for the container; an agent that called none waits here, so the
      // work tree is checked out (and set up) before the host reads it.
      GitWorkspace workspace = preparation.awaitReady();
      preparation.closeContainer();
      return switch (checked.end()) {
        case AgentEnd.Finished finished -> {
          stopIfCancelled(context);
          PublishRequest request =
              new PublishRequest(
                  task.id(),
                  task.shortId(),
                  task.prompt(),
                  finished.outcome().summary(),
                  owner.identity(),
                  token,
                  true,
                  report(task, finished.outcome(), checked));
          yield new AttemptOutcome.Succeeded(publish(context, task, repo, workspace, request));
        }
        case AgentEnd.Limited limited ->
            keepWork(context, task, repo, owner, token, workspace, limited.limit());
      };
    }
  }

  /** What the pull request reports of the run: the model, this attempt's turns, the cost so far. */
  private RunReport report(Task task, AgentOutcome outcome, CheckRounds.Checked checked) {
    return new RunReport(
        task.model() == null || task.model().isBlank() ? "" : task.model(),
        outcome.turns(),
        task.usage().costUsd() + outcome.usage().costUsd(),
        checked.checks(),
        checked.fixes());
  }

  /**
   * A task stopped by a limit fails, but what the agent did so far is pushed to the task's branch
   * (no pull request: the work is unfinished), so nothing is lost and a follow-up continues there.
   */
  private AttemptOutcome.Failed keepWork(
      TaskContext context,
      Task task,
      RepoUrl repo,
      TaskOwner owner,
      Secret token,
      GitWorkspace workspace,
      DockhandException limit) {
    stopIfCancelled(context);
    PublishRequest request =
        new PublishRequest(
            task.id(), task.shortId(), task.prompt(), "", owner.identity(), token, false);
    try {
      TaskResult kept = publish(context, task, repo, workspace, request);
      String where =
          kept.headBranch().map(branch -> "; the work so far is on branch " + branch).orElse("");
      return new AttemptOutcome.Failed(limit.code(), limit.getMessage() + where, kept);
    } catch (DockhandException pushFailed) {
      return new AttemptOutcome.Failed(
          limit.code(),
          limit.getMessage() + "; pushing the work so far failed: " + pushFailed.getMessage());
    }
  }

  private TaskResult publish(
      TaskContext context,
      Task task,
      RepoUrl repo,
      GitWorkspace workspace,
      PublishRequest request) {
    // An installation token lives an hour: the push takes a fresh one, not the clone's.
    PublishRequest fresh =
        owners.pushToken(task.userId(), repo).map(request::withToken).orElse(request);
    PublishResult published =
        timed(context, "push", () -> publishers.apply(repo).publish(workspace, fresh));
    return record(context, task, workspace, published);
  }

  private static Secret tokenOf(TaskOwner owner) {
    return owner
        .gitToken()
        .orElseThrow(
            () ->
                new DockhandException(
                    "git_auth",
                    "no git token for "
                        + owner.identity().name()
                        + ": sign in with GitHub again, or set DOCKHAND_GIT_TOKEN in local mode"));
  }

  /**
   * One run of the agent on the task's stored events, the first started with the preparation still
   * under way: its first model turn goes out at once and each tool call waits for the container. A
   * preparation that fails stops it, and the attempt ends with what the preparation failed with.
   */
  private AgentEnd runAgent(TaskContext context, Task task, Preparation preparation) {
    TaskContext agentContext = new AttemptContext(context, preparation);
    List<Event> history = AttemptHistory.of(eventLog, task.id());
    CompletableFuture<AgentLoop.StartFiles> files =
        preparation.cloned().thenApply(workspace -> workspace::startFile);
    try {
      AgentOutcome outcome = agent.run(task, preparation.container(), agentContext, history, files);
      metrics.modelUsage(outcome.usage());
      return new AgentEnd.Finished(outcome);
    } catch (AgentLimitException | EventLimitException limit) {
      return new AgentEnd.Limited(limit);
    } catch (DockhandException stopped) {
      if (preparation.failed()) {
        preparation.awaitReady(); // throws what the preparation failed with
      }
      throw stopped;
    }
  }

  private TaskResult record(
      TaskContext context, Task task, GitWorkspace workspace, PublishResult published) {
    if (published.commit().isEmpty()) {
      return new TaskResult(
          task.headBranch(), Optional.of(workspace.baseCommit()), task.commit(), task.prUrl());
    }
    queue.saveDiff(task.id(), published.diff());
    context
        .events()
        .append(new GitPushed(published.headBranch().orElseThrow(), published.commit().get()));
    published.prUrl().ifPresent(url -> context.events().append(new PrOpened(url)));
    return new TaskResult(
        published.headBranch(),
        Optional.of(workspace.baseCommit()),
        published.commit(),
        published.prUrl().or(task::prUrl));
  }

  private <T> T timed(TaskContext context, String phase, Supplier<T> work) {
    return Timed.phase(context, clock, phase, work);
  }

  /**
   * A task queued while its owner had room, claimed once they have none, ends before a clone or a
   * container is paid for; the agent checks again before every turn.
   */
  private static void stopIfOwnerAtSpendLimit(TaskContext context) {
    context
        .ownerSpendLimit()
        .ifPresent(
            reached -> {
              throw AgentLimitException.ownerAt(reached);
            });
  }

  private static void stopIfCancelled(TaskContext context) {
    if (context.cancelled()) {
      throw new DockhandException("cancelled", "the task was cancelled");
    }
  }
}
