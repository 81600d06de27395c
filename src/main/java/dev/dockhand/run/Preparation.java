package dev.dockhand.run;

import dev.dockhand.DockhandException;
import dev.dockhand.config.Secret;
import dev.dockhand.env.DevContainer;
import dev.dockhand.env.Environments;
import dev.dockhand.env.RepoEnvironment;
import dev.dockhand.git.GitWorkspace;
import dev.dockhand.git.RepoUrl;
import dev.dockhand.git.WorkspaceLimits;
import dev.dockhand.metrics.Metrics;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Everything an attempt needs before its first tool call, made on a virtual thread of its own while
 * the agent's first model turn runs (a warm start): the clone on the host, the environment, the
 * container with its egress proxy, the checkout inside it, then the setup. A failure on the way is
 * kept and stops the agent ({@link #onFailure}). The container lives until {@link
 * #closeContainer()}: gone before the commit, so nothing in it can change the work tree while the
 * host reads it. Thread-safe.
 */
final class Preparation implements AutoCloseable {
  /** Writing a large checkout is disk-bound; ten minutes covers repositories of gigabytes. */
  private static final Duration CHECKOUT_TIMEOUT = Duration.ofMinutes(10);

  /** What every attempt of a node prepares with. */
  record Parts(
      Environments environments,
      EnvironmentPhase environment,
      AttemptNetwork network,
      Sandbox sandbox,
      Metrics metrics,
      Clock clock,
      AtomicInteger runningContainers) {}

  /** What one attempt prepares. */
  record Attempt(
      TaskContext context,
      Task task,
      RepoUrl repo,
      Secret token,
      TaskDisk disk,
      WorkspaceLimits limits) {}

  private final Parts parts;
  private final Attempt attempt;
  private final CompletableFuture<GitWorkspace> cloned = new CompletableFuture<>();
  private final CompletableFuture<SandboxContainer> ready = new CompletableFuture<>();
  private final List<Runnable> onFailure = new CopyOnWriteArrayList<>();
  private final Thread worker;
  private volatile boolean closing;
  private AttemptEgress egress;
  private SandboxContainer container;
  private boolean containerClosed;
  private volatile EnvironmentPhase.Plan plan = EnvironmentPhase.Plan.NONE;
  private volatile RepoEnvironment environment = RepoEnvironment.NONE;

  private Preparation(Parts parts, Attempt attempt) {
    this.parts = parts;
    this.attempt = attempt;
    this.worker =
        Thread.ofVirtual().name("prepare-" + attempt.task().shortId()).unstarted(this::run);
  }

  static Preparation start(Parts parts, Attempt attempt) {
    Preparation preparation = new Preparation(parts, attempt);
    preparation.worker.start();
    return preparation;
  }

  /** The host's clone, once made: for the guidance files and, after the agent, the commit. */
  CompletableFuture<GitWorkspace> cloned() {
    return cloned;
  }

  /** The container as the agent uses it: each command waits until the container is ready. */
  SandboxContainer container() {
    return new PendingContainer(ready);
  }

  boolean failed() {
    return ready.isCompletedExceptionally();
  }

  /** Runs {@code action} if the preparation fails (at once if it already has). */
  void onFailure(Runnable action) {
    onFailure.add(action);
    if (failed()) {
      action.run();
    }
  }

  /** Waits for the whole preparation; throws what stopped it. */
  GitWorkspace awaitReady() {
    try {
      ready.join();
      return cloned.join();
    } catch (RuntimeException e) {
      throw asFailure(e.getCause() == null ? e : e.getCause());
    }
  }

  /** The environment the attempt runs with; known once {@link #awaitReady()} returned. */
  RepoEnvironment environment() {
    return environment;
  }

  /** What the preparation failed with, as the attempt's own failure. */
  static DockhandException asFailure(Throwable cause) {
    return cause instanceof DockhandException known
        ? known
        : new DockhandException("internal", "preparing the task failed: " + cause, false, cause);
  }

  private void run() {
    TaskContext context = attempt.context();
    try {
      GitWorkspace workspace = Timed.phase(context, parts.clock(), "clone", this::cloneRepository);
      cloned.complete(workspace);
      RepoEnvironment environment = environmentOf(workspace);
      this.environment = environment;
      stopIfStopping();
      // A restore must be in place before the container starts: the engine binds what it sees.
      plan =
          parts
              .environment()
              .restore(
                  context, attempt.task(), attempt.repo(), attempt.disk(), workspace, environment);
      stopIfStopping();
      SandboxContainer started = startContainer();
      checkOut(started, workspace);
      parts.environment().run(context, started, environment, attempt.repo(), attempt.disk(), plan);
      stopIfStopping();
      ready.complete(EnvContainer.of(started, environment.env()));
    } catch (Throwable failure) {
      cloned.completeExceptionally(failure);
      ready.completeExceptionally(failure);
      onFailure.forEach(Runnable::run);
    }
  }

  private GitWorkspace cloneRepository() {
    Task task = attempt.task();
    TaskDisk disk = attempt.disk();
    // A resumed task continues on its pushed branch; the base stays what was submitted.
    return GitWorkspace.clone(
        attempt.repo(),
        task.branch(),
        task.headBranch(),
        disk.repo(),
        disk.workspace(),
        attempt.token(),
        attempt.limits());
  }

  /**
   * The owner's settings for the repository, else its devcontainer.json read from the host's own
   * clone; a devcontainer.json that cannot be used fails the task before a container is paid for.
   */
  private RepoEnvironment environmentOf(GitWorkspace workspace) {
    try {
      return parts
          .environments()
          .resolve(attempt.task().userId(), attempt.repo().cloneUrl(), workspace::startFile);
    } catch (DevContainer.Unreadable e) {
      throw new DockhandException(
          "setup_failed",
          e.getMessage()
              + ". Fix the file, or save this repository's setup in Dockhand (it takes the file's"
              + " place) at "
              + parts.environment().setup().settingsLink(attempt.repo()));
    }
  }

  private SandboxContainer startContainer() {
    TaskContext context = attempt.context();
    synchronized (this) {
      egress = parts.network().open(context);
    }
    SandboxContainer started =
        Timed.phase(
            context,
            parts.clock(),
            "container",
            () ->
                parts.sandbox().start(attempt.task().id(), egress.mounts(attempt.disk().files())));
    synchronized (this) {
      container = started;
      parts.metrics().runningSandboxes(parts.runningContainers().incrementAndGet());
    }
    context.onCancel(started::close);
    if (closing) {
      started.close();
    }
    stopIfStopping();
    return started;
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

  private void stopIfStopping() {
    if (attempt.context().cancelled() || closing) {
      throw new DockhandException("cancelled", "the task was cancelled");
    }
  }

  /** Removes the container, then its proxy. Idempotent; never throws. */
  synchronized void closeContainer() {
    if (containerClosed) {
      return;
    }
    containerClosed = true;
    if (container != null) {
      container.close();
      parts.metrics().runningSandboxes(parts.runningContainers().decrementAndGet());
    }
    if (egress != null) {
      egress.close();
    }
  }

  /**
   * Stops what is still being prepared (a running setup ends with its container), waits for the
   * worker, removes the container and lets a restored environment go. The clone's own deadline
   * bounds the wait.
   */
  @Override
  public void close() {
    closing = true;
    synchronized (this) {
      if (container != null) {
        container.close();
      }
    }
    try {
      worker.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    closeContainer();
    // The commit has read the work tree by now; a restored environment's layers can go.
    plan.close();
  }
}
