package dev.dockhand.run;

import dev.dockhand.env.BaseTree;
import dev.dockhand.env.EnvKey;
import dev.dockhand.env.EnvironmentCache;
import dev.dockhand.env.RepoEnvironment;
import dev.dockhand.env.Restored;
import dev.dockhand.git.GitWorkspace;
import dev.dockhand.git.RepoUrl;
import dev.dockhand.queue.Task;
import dev.dockhand.queue.TaskContext;
import dev.dockhand.sandbox.Sandbox;
import dev.dockhand.sandbox.SandboxContainer;
import dev.dockhand.sandbox.SandboxUser;
import dev.dockhand.sandbox.TaskDisk;
import java.io.IOException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An attempt's environment: a cached one restored onto the task's disk before its container starts
 * (the container then runs only the maintenance commands), else the setup run in the container and
 * what it made kept for the next task, taken while the container is frozen. The cache's key comes
 * from the host's own record of the starting commit (its lockfiles), the worker image's id, the
 * owner and the setup. Thread-safe: each attempt has its own {@link Plan}.
 */
public final class EnvironmentPhase {
  private static final Logger log = LoggerFactory.getLogger(EnvironmentPhase.class);
  private final EnvironmentCache cache;
  private final SetupPhase setup;
  private final Sandbox sandbox;
  private final SandboxUser user;

  public EnvironmentPhase(
      EnvironmentCache cache, SetupPhase setup, Sandbox sandbox, SandboxUser user) {
    this.cache = cache;
    this.setup = setup;
    this.sandbox = sandbox;
    this.user = user;
  }

  /** What one attempt found before its container started; closing lets a restore go. */
  record Plan(Optional<EnvKey> key, Optional<BaseTree> base, Optional<Restored> restored)
      implements AutoCloseable {
    static final Plan NONE = new Plan(Optional.empty(), Optional.empty(), Optional.empty());

    @Override
    public void close() {
      restored.ifPresent(Restored::close);
    }
  }

  SetupPhase setup() {
    return setup;
  }

  /** Before the container: the cached environment of this setup, restored, if there is one. */
  Plan restore(
      TaskContext context,
      Task task,
      RepoUrl repo,
      TaskDisk disk,
      GitWorkspace workspace,
      RepoEnvironment environment) {
    if (!cache.enabled() || environment.setup().isEmpty()) {
      return Plan.NONE;
    }
    Optional<BaseTree> base;
    try {
      base = BaseTree.read(disk.repo(), workspace.startCommit(), environment.lockfiles());
    } catch (IOException e) {
      log.warn(
          "task {}: cannot read its lockfiles, so its setup is not cached: {}",
          task.id(),
          e.toString());
      return Plan.NONE;
    }
    if (base.isEmpty()) {
      return Plan.NONE; // too large to key: BaseTree said why; this task sets up uncached
    }
    EnvKey key =
        EnvKey.of(
            sandbox.imageId(),
            task.userId(),
            repo,
            environment.setup(),
            environment.env(),
            base.get().lockfiles());
    Optional<Restored> restored = cache.restore(key, disk.workspace(), disk.home(), disk.scratch());
    restored.ifPresent(done -> context.timing("restore", done.duration().toMillis()));
    return new Plan(Optional.of(key), base, restored);
  }

  /** In the container: maintenance after a restore, else the setup, kept when it succeeded. */
  void run(
      TaskContext context,
      SandboxContainer container,
      RepoEnvironment environment,
      RepoUrl repo,
      TaskDisk disk,
      Plan plan) {
    if (plan.restored().isPresent()) {
      setup.afterRestore(
          context, container, environment, repo, plan.restored().get().duration().toMillis());
      return;
    }
    SetupPhase.Result result = setup.run(context, container, environment, repo);
    if (result.ran() && result.exitCode() == 0 && plan.key().isPresent()) {
      // Frozen, nothing the setup left running can change the trees while they are copied. A
      // container that cannot be frozen is not copied from: the task goes on, uncached.
      try {
        container.freeze();
      } catch (RuntimeException e) {
        log.warn("task {}: its environment is not cached: {}", context.task().id(), e.getMessage());
        return;
      }
      try {
        cache.save(
            plan.key().get(),
            disk.workspace(),
            disk.home(),
            plan.base().orElseThrow().tracked(),
            user.uid(),
            user.gid());
      } finally {
        container.thaw();
      }
    }
  }
}
