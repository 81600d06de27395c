package dev.dockhand.run;

import dev.dockhand.DockhandException;
import dev.dockhand.sandbox.ExecRequest;
import dev.dockhand.sandbox.ExecResult;
import dev.dockhand.sandbox.SandboxContainer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * The task's container before it is ready: the agent holds it from its first turn, and each command
 * waits until the container is up, checked out and set up, or fails with what stopped that. Closing
 * is the preparation's job, not the agent's. Thread-safe.
 */
final class PendingContainer implements SandboxContainer {
  private final CompletableFuture<SandboxContainer> ready;

  PendingContainer(CompletableFuture<SandboxContainer> ready) {
    this.ready = ready;
  }

  @Override
  public String id() {
    return container().id();
  }

  @Override
  public ExecResult exec(ExecRequest request) {
    return container().exec(request);
  }

  @Override
  public void freeze() {
    container().freeze();
  }

  @Override
  public void thaw() {
    container().thaw();
  }

  /** The preparation owns the container and closes it. */
  @Override
  public void close() {}

  private SandboxContainer container() {
    try {
      return ready.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DockhandException("cancelled", "the task was cancelled");
    } catch (ExecutionException | CompletionException e) {
      throw Preparation.asFailure(e.getCause());
    }
  }
}
